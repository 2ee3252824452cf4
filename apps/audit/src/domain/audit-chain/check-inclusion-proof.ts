/**
 * Checks an audit inclusion proof offline. Self-contained on purpose: it needs nothing but
 * node:crypto, so anyone can copy this one file and check a proof without trusting Shuzhi's
 * code. What it establishes: the event text in the proof was sealed, at the position it claims,
 * under a seal signed with the key the caller trusts. That key comes from the caller (the one
 * the platform publishes), never from the proof: whoever forges a proof signs it with a key of
 * their own and writes that key into it.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';

export const INCLUSION_PROOF_FORMAT = 'shuzhi-audit-inclusion-proof/v1';

export interface AuditInclusionProof {
  format: typeof INCLUSION_PROOF_FORMAT;
  globalPosition: string;
  /** The exact text the leaf hash is over: `[position, eventId, streamId, version, type, data, metadata, recordedAt]`. */
  leafText: string;
  /** Hex SHA-256(0x00 || leafText). */
  leafHash: string;
  leafIndex: number;
  treeSize: number;
  /** Hex sibling hashes, leaf to root (RFC 9162 inclusion path). */
  path: string[];
  seal: {
    /** Where the seal event itself is in the global log. */
    globalPosition: string;
    /** The canonical JSON of the seal header, the very text the seal hash is over. */
    headerText: string;
    sealHash: string;
    /** Base64 Ed25519 signature of the 32 bytes of `sealHash`. */
    signature: string;
  };
  /**
   * The key the prover says signed (SPKI PEM). Only a claim: the checker verifies with the key
   * its caller trusts, and refuses a proof that names another.
   */
  publicKeyPem: string;
}

export interface InclusionProofCheck {
  valid: boolean;
  /** Every check that failed, in words; empty when valid. */
  problems: string[];
  event?: {
    globalPosition: string;
    eventId: string;
    streamId: string;
    streamVersion: number;
    type: string;
    data: unknown;
    metadata: unknown;
    recordedAt: string;
  };
  seal?: { sequence: number; sealedAt: string; merkleRoot: string };
}

const sha256 = (...parts: Buffer[]): Buffer => {
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part);
  return digest.digest();
};

// RFC 9162 §2.1.3.2.
const rootFromPath = (leaf: Buffer, index: number, size: number, path: Buffer[]): Buffer | undefined => {
  if (index >= size) return undefined;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = sha256(Buffer.from([1]), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = sha256(Buffer.from([1]), r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
};

const HEX_32 = /^[0-9a-f]{64}$/;

/** The caller's trusted key, or why it cannot serve as one. */
const trustedKeyOf = (pem: unknown): KeyObject | string => {
  if (typeof pem !== 'string' || pem.trim() === '') return 'no trusted public key was given: pass the audit sealing key the platform publishes';
  // createPublicKey derives a public key from a private one; a private key handed to a checker is a leak to point out.
  if (pem.includes('PRIVATE KEY')) return 'the trusted key is a private key: give the public key (SPKI PEM)';
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key : `the trusted key is ${key.asymmetricKeyType ?? 'of no known type'}, not Ed25519`;
  } catch {
    return 'the trusted public key is not a readable PEM key';
  }
};

// An unreadable key or signature is a proof that does not hold, not an error to throw.
const signatureHolds = (sealHash: Buffer, signature: unknown, key: KeyObject): boolean => {
  try {
    return verify(null, sealHash, key, Buffer.from(String(signature), 'base64'));
  } catch {
    return false;
  }
};

const sameKey = (pem: unknown, key: KeyObject): boolean => {
  try {
    return createPublicKey(String(pem)).export({ type: 'spki', format: 'der' }).equals(key.export({ type: 'spki', format: 'der' }));
  } catch {
    return false;
  }
};

const positionAt = (runs: unknown, index: number): string | undefined => {
  if (!Array.isArray(runs)) return undefined;
  let skipped = 0;
  for (const run of runs as Array<[string, number]>) {
    if (index < skipped + run[1]) return String(BigInt(run[0]) + BigInt(index - skipped));
    skipped += run[1];
  }
  return undefined;
};

/** `trustedPublicKeyPem`: the audit sealing key (SPKI PEM) as the platform publishes it, got apart from the proof. */
export const checkInclusionProof = (proof: AuditInclusionProof, trustedPublicKeyPem: string): InclusionProofCheck => {
  const problems: string[] = [];
  const fail = (problem: string): InclusionProofCheck => ({ valid: false, problems: [...problems, problem] });
  const trustedKey = trustedKeyOf(trustedPublicKeyPem);
  if (typeof trustedKey === 'string') return fail(trustedKey);
  if (proof?.format !== INCLUSION_PROOF_FORMAT) return fail(`not a ${INCLUSION_PROOF_FORMAT} proof`);
  if (typeof proof.leafText !== 'string' || typeof proof.seal?.headerText !== 'string') return fail('the proof lacks its leaf or seal text');
  if (!Array.isArray(proof.path) || !Number.isSafeInteger(proof.leafIndex) || !Number.isSafeInteger(proof.treeSize)) {
    return fail('the proof lacks its inclusion path, leaf index or tree size');
  }
  if (![proof.leafHash, proof.seal.sealHash, ...proof.path].every((h) => HEX_32.test(String(h)))) {
    return fail('a hash in the proof is not 64 hex digits');
  }

  let fields: unknown[];
  let header: Record<string, unknown>;
  try {
    fields = JSON.parse(proof.leafText) as unknown[];
    header = JSON.parse(proof.seal.headerText) as Record<string, unknown>;
  } catch {
    return fail('the leaf or seal text is not JSON');
  }
  if (!Array.isArray(fields) || fields.length !== 8) return fail('the leaf text is not an event of eight fields');
  const [globalPosition, eventId, streamId, streamVersion, type, data, metadata, recordedAt] = fields as [
    string, string, string, number, string, unknown, unknown, string,
  ];
  const event = { globalPosition, eventId, streamId, streamVersion, type, data, metadata, recordedAt };

  const leaf = sha256(Buffer.from([0]), Buffer.from(proof.leafText, 'utf8'));
  if (leaf.toString('hex') !== proof.leafHash) problems.push('the leaf hash is not the hash of the leaf text');
  if (globalPosition !== proof.globalPosition) problems.push(`the leaf text is the event at ${globalPosition}, not at ${proof.globalPosition}`);
  if (positionAt(header.positionRuns, proof.leafIndex) !== globalPosition) {
    problems.push(`the seal does not place position ${globalPosition} at leaf ${proof.leafIndex}`);
  }
  if (header.count !== proof.treeSize) problems.push(`the seal covers ${String(header.count)} events, the proof says ${proof.treeSize}`);
  const root = rootFromPath(leaf, proof.leafIndex, proof.treeSize, proof.path.map((h) => Buffer.from(h, 'hex')));
  if (root?.toString('hex') !== header.merkleRoot) problems.push('the inclusion path does not lead to the seal’s Merkle root');
  const sealHash = createHash('sha256').update(proof.seal.headerText, 'utf8').digest();
  if (sealHash.toString('hex') !== proof.seal.sealHash) problems.push('the seal hash is not the hash of the seal header');
  if (!signatureHolds(sealHash, proof.seal.signature, trustedKey)) problems.push('the seal’s signature does not verify with the trusted public key');
  if (!sameKey(proof.publicKeyPem, trustedKey)) problems.push('the proof names a signing key other than the trusted one');

  return {
    valid: problems.length === 0,
    problems,
    event,
    seal: { sequence: header.sequence as number, sealedAt: header.sealedAt as string, merkleRoot: header.merkleRoot as string },
  };
};
