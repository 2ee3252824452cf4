import type { Pool } from 'pg';
import { AUDIT_SEALS_STREAM } from '../domain/audit-chain/index.js';
import { parseCheckpoint } from './leaf-reader.js';

/** A seal event as stored: its data is not trusted until the verifier has checked it. */
export interface StoredSeal {
  /** The seal event's own place in the global log. */
  globalPosition: string;
  version: number;
  data: Record<string, unknown>;
}

/** The newest seal's chaining facts, read straight from the row. */
export interface SealHead {
  /** The seal event's own place in the global log. */
  globalPosition: string;
  sequence: number;
  sealHash: string;
  checkpoint: string;
  lastPosition: string;
  sealedAt: string;
}

export const readSealHead = async (pool: Pool): Promise<SealHead | undefined> => {
  const { rows } = await pool.query<{
    global_position: string;
    version: string;
    seal_hash: string;
    checkpoint: string;
    last_position: string;
    sealed_at: string;
  }>(
    `select e.global_position::text as global_position, e.stream_version as version, e.data->>'sealHash' as seal_hash,
       e.data->>'checkpoint' as checkpoint, e.data->>'lastPosition' as last_position, e.data->>'sealedAt' as sealed_at
     from event_store.events e where e.stream_id = $1 order by e.stream_version desc limit 1`,
    [AUDIT_SEALS_STREAM],
  );
  const [row] = rows;
  if (row === undefined) return undefined;
  return {
    globalPosition: row.global_position,
    sequence: Number(row.version),
    sealHash: row.seal_hash,
    checkpoint: row.checkpoint,
    lastPosition: row.last_position,
    sealedAt: row.sealed_at,
  };
};

/** Seals `fromVersion` through `untilVersion`, in order. */
export const readSeals = async (pool: Pool, fromVersion: number, untilVersion: number): Promise<StoredSeal[]> => {
  const { rows } = await pool.query<{ global_position: string; version: string; data: Record<string, unknown> }>(
    `select e.global_position::text as global_position, e.stream_version as version, e.data from event_store.events e
     where e.stream_id = $1 and e.stream_version between $2 and $3 order by e.stream_version`,
    [AUDIT_SEALS_STREAM, fromVersion, untilVersion],
  );
  return rows.map((row) => ({ globalPosition: row.global_position, version: Number(row.version), data: row.data }));
};

/** How many events lie after `checkpoint` in the read order (all of them without one). */
export const countEventsAfter = async (pool: Pool, checkpoint: string | undefined): Promise<{ through: number; after: number }> => {
  const key = checkpoint === undefined ? { transactionId: 0n, globalPosition: 0n } : parseCheckpoint(checkpoint);
  const { rows } = await pool.query<{ through: string; after: string }>(
    `select count(*) filter (where (e.transaction_id, e.global_position) <= ($1::text::xid8, $2::bigint)) as through,
            count(*) filter (where (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)) as after
     from event_store.events e`,
    [String(key.transactionId), String(key.globalPosition)],
  );
  return { through: Number(rows[0].through), after: Number(rows[0].after) };
};

/** What `auditChainStatus` answers: cheap, from the newest seal, without checking anything. */
export interface AuditChainStatus {
  seals: number;
  sealedThrough: string | null;
  lastSealedAt: Date | null;
  unsealedEvents: number;
}

export const auditChainStatus = async (pool: Pool): Promise<AuditChainStatus> => {
  const head = await readSealHead(pool);
  const { after } = await countEventsAfter(pool, head?.checkpoint);
  return {
    seals: head === undefined ? 0 : head.sequence + 1,
    sealedThrough: head?.lastPosition ?? null,
    lastSealedAt: head === undefined ? null : new Date(head.sealedAt),
    unsealedEvents: after,
  };
};
