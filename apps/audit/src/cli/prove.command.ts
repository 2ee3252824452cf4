import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { PostgresEventStore } from '@shuzhi/event-store';
import { buildInclusionProof, loadAuditSealPublicKey } from '../sealing/index.js';
import type { CliOutput } from './progress.js';

/**
 * `audit prove <position> [--out file]`: the inclusion proof of one event, as JSON, for
 * `check-proof` or anyone's own checker. Exit 0 with a proof, 1 when there is none to give
 * (unknown, unsealed or altered event), 2 on a usage error.
 */
export const proveCommand = async (
  args: readonly string[],
  sources: { store: PostgresEventStore },
  { env = process.env, out = process.stdout, err = process.stderr }: { env?: NodeJS.ProcessEnv; out?: CliOutput; err?: CliOutput } = {},
): Promise<number> => {
  const { values, positionals } = parseArgs({ args: [...args], options: { out: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) {
    err.write('usage: audit prove <global position> [--out file]\n');
    return 2;
  }
  const { publicKeyPem } = await loadAuditSealPublicKey(env);
  let text: string;
  try {
    text = `${JSON.stringify(await buildInclusionProof(sources.store.pool, publicKeyPem, positionals[0]), null, 2)}\n`;
  } catch (error) {
    err.write(`no proof: ${(error as Error).message}\n`);
    return 1;
  }
  if (values.out === undefined) out.write(text);
  else {
    await writeFile(values.out, text);
    out.write(`proof of the event at position ${positionals[0]} written to ${values.out}\n`);
  }
  return 0;
};
