import type { Pool } from 'pg';
import { NotFound, ValidationFailed } from '@shuzhi/shared-kernel';
import {
  AUDIT_SEALS_STREAM,
  INCLUSION_PROOF_FORMAT,
  inclusionPath,
  leafHash,
  positionsOfRuns,
  sealHeaderText,
  type AuditBlockSealedData,
  type AuditInclusionProof,
} from '../domain/audit-chain/index.js';
import { compareLogKeys, parseCheckpoint, readLeafText, type LogKey } from './leaf-reader.js';
import { readSeals } from './seal-log.js';

/**
 * The event no longer matches its seal: there is no proof to give (NOT_FOUND to a caller), and
 * the chain verification says where it broke.
 */
export class EventNoLongerSealed extends NotFound {}

/**
 * A self-contained proof that the event at `globalPosition` was sealed: its leaf text, the
 * Merkle path to its seal's root, the seal header with its hash and signature, and the public
 * key. `checkInclusionProof` (node:crypto alone) checks it offline.
 */
export const buildInclusionProof = async (pool: Pool, publicKeyPem: string, globalPosition: string): Promise<AuditInclusionProof> => {
  if (!/^\d{1,19}$/.test(globalPosition)) throw new ValidationFailed(`"${globalPosition}" is not a global position`);
  const row = await readLeafText(pool, globalPosition);
  if (row === undefined) throw new NotFound(`there is no event at position ${globalPosition}`);
  const { transactionId, leafText } = row;
  const key: LogKey = { transactionId: BigInt(transactionId), globalPosition: BigInt(globalPosition) };

  const seal = await findSealCovering(pool, key);
  if (seal === undefined) throw new NotFound(`the event at position ${globalPosition} is not sealed yet`);
  const data = seal.data as unknown as AuditBlockSealedData;
  const leafIndex = positionsOfRuns(data.positionRuns).indexOf(globalPosition);
  const leaf = leafHash(leafText);
  if (leafIndex < 0 || data.leaves[leafIndex] !== leaf.toString('hex')) {
    throw new EventNoLongerSealed(`the event at position ${globalPosition} does not match seal ${data.sequence}; run the chain verification`);
  }
  const leaves = data.leaves.map((hex) => Buffer.from(hex, 'hex'));
  return {
    format: INCLUSION_PROOF_FORMAT,
    globalPosition,
    leafText,
    leafHash: leaf.toString('hex'),
    leafIndex,
    treeSize: leaves.length,
    path: inclusionPath(leaves, leafIndex).map((node) => node.toString('hex')),
    seal: { globalPosition: seal.globalPosition, headerText: sealHeaderText(data), sealHash: data.sealHash, signature: data.signature },
    publicKeyPem,
  };
};

/** The first seal whose checkpoint is at or after `key`: seals' checkpoints rise with their sequence. */
const findSealCovering = async (pool: Pool, key: LogKey) => {
  const { rows } = await pool.query<{ version: string; checkpoint: string }>(
    `select e.stream_version as version, e.data->>'checkpoint' as checkpoint from event_store.events e
     where e.stream_id = $1 order by e.stream_version`,
    [AUDIT_SEALS_STREAM],
  );
  const covering = rows.find((row) => compareLogKeys(key, parseCheckpoint(row.checkpoint)) <= 0);
  if (covering === undefined) return undefined;
  const [seal] = await readSeals(pool, Number(covering.version), Number(covering.version));
  return seal;
};
