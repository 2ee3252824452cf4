import { parseArgs } from 'node:util';
import type { PostgresEventStore } from '@shuzhi/event-store';
import { loadAuditSealPublicKey, verifyAuditChain } from '../sealing/index.js';
import type { CliOutput, CliProgress } from './progress.js';

/**
 * `audit verify [--json]`: recomputes the whole audit chain from the database. Exit 0 when it
 * holds, 1 on any mismatch (the first bad position is named).
 */
export const verifyCommand = async (
  args: readonly string[],
  sources: { store: PostgresEventStore },
  progress: CliProgress,
  { env = process.env, out = process.stdout }: { env?: NodeJS.ProcessEnv; out?: CliOutput } = {},
): Promise<number> => {
  const { values } = parseArgs({ args: [...args], options: { json: { type: 'boolean', default: false } } });
  const { publicKey } = await loadAuditSealPublicKey(env);
  const bar = progress.start('verifying the audit chain');
  const result = await verifyAuditChain(sources.store.pool, publicKey, { onProgress: (done, total) => bar.update(done, total) }).finally(() => bar.stop());
  if (values.json) out.write(`${JSON.stringify(result, null, 2)}\n`);
  else {
    out.write(
      `${result.checkedEvents} events checked under ${result.seals} seals, sealed through position ${result.sealedThrough ?? '-'}; ` +
        `${result.unsealedEvents} events not sealed yet\n`,
    );
    out.write(result.ok ? 'the audit chain holds\n' : `MISMATCH at position ${result.firstBadPosition}: ${result.reason}\n`);
  }
  return result.ok ? 0 : 1;
};
