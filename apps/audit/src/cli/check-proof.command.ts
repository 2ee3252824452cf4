import { createHash, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { checkInclusionProof, type AuditInclusionProof } from '../domain/audit-chain/check-inclusion-proof.js';
import type { CliOutput } from './progress.js';

/**
 * `audit check-proof <file>`: checks an inclusion proof offline, with node:crypto and the
 * self-contained checker alone (no database, no other project code). Exit 0 when it holds,
 * 1 when it does not, 2 when the file cannot be read.
 */
export const checkProofCommand = async (
  args: readonly string[],
  { out = process.stdout, err = process.stderr }: { out?: CliOutput; err?: CliOutput } = {},
): Promise<number> => {
  if (args.length !== 1) {
    err.write('usage: audit check-proof <proof file>\n');
    return 2;
  }
  let proof: AuditInclusionProof;
  try {
    proof = JSON.parse(await readFile(args[0], 'utf8')) as AuditInclusionProof;
  } catch (error) {
    err.write(`cannot read ${args[0]}: ${(error as Error).message}\n`);
    return 2;
  }
  const check = checkInclusionProof(proof);
  if (check.event !== undefined) {
    const { globalPosition, streamId, streamVersion, type, recordedAt } = check.event;
    out.write(`event ${globalPosition}: ${type} on ${streamId} version ${streamVersion}, recorded ${recordedAt}\n`);
  }
  if (check.seal !== undefined) out.write(`seal ${check.seal.sequence}, sealed ${check.seal.sealedAt}, Merkle root ${check.seal.merkleRoot}\n`);
  out.write(`signing key: sha256:${keyFingerprint(proof.publicKeyPem)} (compare it with the key the platform publishes)\n`);
  if (check.valid) {
    out.write('the proof holds\n');
    return 0;
  }
  for (const problem of check.problems) out.write(`INVALID: ${problem}\n`);
  return 1;
};

const keyFingerprint = (pem: unknown): string => {
  try {
    return createHash('sha256').update(createPublicKey(String(pem)).export({ type: 'spki', format: 'der' })).digest('hex');
  } catch {
    return 'unreadable';
  }
};
