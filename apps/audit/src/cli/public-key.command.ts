import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadAuditSealPublicKey } from '../sealing/index.js';
import type { CliOutput } from './progress.js';

/**
 * `audit public-key [--out file.pem]`: the audit sealing public key (SPKI PEM), for the platform
 * to publish and auditors to pass to `check-proof --public-key`. Needs no database.
 */
export const publicKeyCommand = async (
  args: readonly string[],
  { env = process.env, out = process.stdout }: { env?: NodeJS.ProcessEnv; out?: CliOutput } = {},
): Promise<number> => {
  const { values } = parseArgs({ args: [...args], options: { out: { type: 'string' } } });
  // Exported again rather than echoed from the environment: the same PEM text whatever its spelling there.
  const publicKeyPem = (await loadAuditSealPublicKey(env)).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  if (values.out === undefined) out.write(publicKeyPem);
  else {
    await writeFile(values.out, publicKeyPem);
    out.write(`the audit sealing public key written to ${values.out}\n`);
  }
  return 0;
};
