import { createHash, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { checkInclusionProof, type AuditInclusionProof } from '../domain/audit-chain/check-inclusion-proof.js';
import type { CliOutput } from './progress.js';

const USAGE = 'usage: audit check-proof <proof file> --public-key <file.pem>  (the audit sealing public key the platform publishes)\n';

/**
 * `audit check-proof <file> --public-key <file.pem>`: checks an inclusion proof offline, with
 * node:crypto and the self-contained checker alone (no database, no other project code),
 * against the sealing key the auditor got from the platform: the key a proof carries is the
 * prover's word, and a forger writes their own there. Exit 0 when it holds, 1 when it does not,
 * 2 when the key is missing or either file cannot be read.
 */
export const checkProofCommand = async (
  args: readonly string[],
  { out = process.stdout, err = process.stderr }: { out?: CliOutput; err?: CliOutput } = {},
): Promise<number> => {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { 'public-key': { type: 'string' } } });
  } catch (error) {
    err.write(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) {
    err.write(USAGE);
    return 2;
  }
  const keyFile = values['public-key'];
  if (keyFile === undefined) {
    err.write(`--public-key is required: a proof is checked against the key you trust, never against the one it carries\n${USAGE}`);
    return 2;
  }
  const proof = await readJson(positionals[0], err);
  if (proof === undefined) return 2;
  let trustedPem: string;
  try {
    trustedPem = await readFile(keyFile, 'utf8');
  } catch (error) {
    err.write(`cannot read ${keyFile}: ${(error as Error).message}\n`);
    return 2;
  }
  const trustedFingerprint = keyFingerprint(trustedPem);
  if (trustedFingerprint === undefined || trustedPem.includes('PRIVATE KEY')) {
    err.write(`${keyFile} is not a public key PEM (SPKI); give the audit sealing public key\n`);
    return 2;
  }

  const check = checkInclusionProof(proof, trustedPem);
  if (check.event !== undefined) {
    const { globalPosition, streamId, streamVersion, type, recordedAt } = check.event;
    out.write(`event ${globalPosition}: ${type} on ${streamId} version ${streamVersion}, recorded ${recordedAt}\n`);
  }
  if (check.seal !== undefined) out.write(`seal ${check.seal.sequence}, sealed ${check.seal.sealedAt}, Merkle root ${check.seal.merkleRoot}\n`);
  out.write(`trusted key: sha256:${trustedFingerprint} (${keyFile})\n`);
  if (check.valid) {
    out.write('the proof holds\n');
    return 0;
  }
  for (const problem of check.problems) out.write(`INVALID: ${problem}\n`);
  return 1;
};

const readJson = async (file: string, err: CliOutput): Promise<AuditInclusionProof | undefined> => {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as AuditInclusionProof;
  } catch (error) {
    err.write(`cannot read ${file}: ${(error as Error).message}\n`);
    return undefined;
  }
};

const keyFingerprint = (pem: string): string | undefined => {
  try {
    return createHash('sha256').update(createPublicKey(pem).export({ type: 'spki', format: 'der' })).digest('hex');
  } catch {
    return undefined;
  }
};
