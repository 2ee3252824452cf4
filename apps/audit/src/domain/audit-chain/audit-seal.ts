import { hash } from 'node:crypto';
import { canonicalJson } from '@shuzhi/signing';

/** The stream every seal is appended to; its version is the seal's sequence number. */
export const AUDIT_SEALS_STREAM = 'audit-seals';

/**
 * `AuditBlockSealed`: the audit sealer closed one block of the global log. It holds the hash
 * of each event of the block (in the global read order), their Merkle root, and the hash of
 * the previous seal, signed with the audit sealing key. Stored forever: a verifier years from
 * now recomputes every hash from the rows and checks it against these events.
 */
export const AUDIT_BLOCK_SEALED = 'AuditBlockSealed';

/** The first seal's `previousSealHash`. */
export const GENESIS_SEAL_HASH = '0'.repeat(64);

/**
 * `[first position, how many]`: runs of consecutive global positions, in read order. Positions
 * are almost always consecutive within a block, so a block of a thousand events has a run or
 * two; they let the verifier name the very position of a deleted event.
 */
export type PositionRun = [first: string, count: number];

/** What the seal hash covers (and so what the signature vouches for). */
export interface AuditSealHeader {
  /** 0-based; equals the seal event's version in `audit-seals`. */
  sequence: number;
  /** Global position of the block's first and last event, in read order. */
  firstPosition: string;
  lastPosition: string;
  positionRuns: PositionRun[];
  /** The event store checkpoint (`<transaction id>:<global position>`) the block ends at. */
  checkpoint: string;
  count: number;
  /** Hex RFC 6962 root over the block's leaf hashes. */
  merkleRoot: string;
  previousSealHash: string;
  sealedAt: string;
}

/** The data of an `AuditBlockSealed` event. */
export interface AuditBlockSealedData extends AuditSealHeader {
  /** Hex leaf hash of every event of the block, in order; authenticated by `merkleRoot`. */
  leaves: string[];
  /** Hex SHA-256 of the header's canonical (RFC 8785) JSON. */
  sealHash: string;
  /** Base64 Ed25519 signature of the 32 bytes of `sealHash`, with the audit sealing key. */
  signature: string;
}

const HEADER_KEYS = [
  'sequence',
  'firstPosition',
  'lastPosition',
  'positionRuns',
  'checkpoint',
  'count',
  'merkleRoot',
  'previousSealHash',
  'sealedAt',
] as const satisfies ReadonlyArray<keyof AuditSealHeader>;

/** The header of a seal, and nothing else: the exact object the seal hash is computed over. */
export const sealHeaderOf = (seal: AuditSealHeader): AuditSealHeader =>
  Object.fromEntries(HEADER_KEYS.map((key) => [key, seal[key]])) as unknown as AuditSealHeader;

/** The canonical text of the header: what is hashed, and what a proof carries. */
export const sealHeaderText = (seal: AuditSealHeader): string => canonicalJson(sealHeaderOf(seal));

export const sealHashOf = (seal: AuditSealHeader): string => hash('sha256', sealHeaderText(seal), 'hex');

/** Runs of consecutive positions, for `positionRuns`. Positions are decimal bigint strings. */
export const positionRunsOf = (positions: readonly string[]): PositionRun[] => {
  const runs: PositionRun[] = [];
  let next: bigint | undefined;
  for (const position of positions) {
    const value = BigInt(position);
    const last = runs[runs.length - 1];
    if (last !== undefined && value === next) last[1] += 1;
    else runs.push([position, 1]);
    next = value + 1n;
  }
  return runs;
};

export const positionsOfRuns = (runs: readonly PositionRun[]): string[] =>
  runs.flatMap(([first, count]) => Array.from({ length: count }, (_, i) => String(BigInt(first) + BigInt(i))));
