import type { Pool } from 'pg';

/** A place in the global read order: `(transaction_id, global_position)`, as the event store orders it. */
export interface LogKey {
  transactionId: bigint;
  globalPosition: bigint;
}

export const START_OF_LOG: LogKey = { transactionId: 0n, globalPosition: 0n };

export const parseCheckpoint = (checkpoint: string): LogKey => {
  const match = /^(\d+):(\d+)$/.exec(checkpoint);
  if (!match) throw new TypeError(`"${checkpoint}" is not a checkpoint of the PostgreSQL event store`);
  return { transactionId: BigInt(match[1]), globalPosition: BigInt(match[2]) };
};

export const checkpointOf = (key: LogKey): string => `${key.transactionId}:${key.globalPosition}`;

export const compareLogKeys = (a: LogKey, b: LogKey): number =>
  a.transactionId !== b.transactionId ? (a.transactionId < b.transactionId ? -1 : 1) : a.globalPosition < b.globalPosition ? -1 : a.globalPosition > b.globalPosition ? 1 : 0;

/** One event as the audit chain sees it: where it is, and its leaf hash. */
export interface LeafRow {
  globalPosition: string;
  transactionId: string;
  /** Hex SHA-256(0x00 || leaf text), see LEAF_TEXT. */
  leafHash: string;
  type: string;
  /** Only when asked for (`withText`). */
  leafText?: string;
}

/**
 * What an event's leaf hash is over: the UTF-8 of a JSON array,
 *
 *   [globalPosition, eventId, streamId, streamVersion, type, data, metadata, recordedAt]
 *
 * the position a decimal string, `data` and `metadata` exactly as PostgreSQL writes the stored
 * jsonb (its normal form: keys sorted and deduplicated, fixed spacing, numbers as stored, so
 * even `1` edited to `1.0` shows), `recordedAt` in UTC to the microsecond the column holds.
 * A proof carries this text itself, so a checker needs no canonicalisation of its own.
 *
 * It is built by the database from the stored row with its own output functions only
 * (jsonb's text form, `to_json` to escape the two free-text strings, a fixed UTC timestamp
 * format; digits, uuids and that timestamp need no escaping), so nothing is parsed and
 * re-serialised on the way; the session's time zone and settings do not enter it.
 * Built-in functions resolve from pg_catalog before any schema of the search path, so whoever
 * can write rows cannot swap them.
 */
const LEAF_TEXT = `'["' || e.global_position::text || '","' || e.event_id::text
  || '",' || to_json(e.stream_id)::text || ',' || e.stream_version::text || ',' || to_json(e.type)::text
  || ',' || e.data::text || ',' || e.metadata::text
  || ',"' || to_char(e.recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '"]'`;

/**
 * The leaf hash, computed where the row is. The database already vouches for the bytes of the
 * text (a verifier hashing it here would trust the same server for them), and hashing there
 * spares shipping each text to this process to be decoded and encoded again, which costs
 * several times the hashing. domain/audit-chain's `leafHash` is the same function of the text.
 */
const LEAF_HASH = `encode(sha256('\\x00'::bytea || convert_to(${LEAF_TEXT}, 'UTF8')), 'hex')`;

const LEAF_COLUMNS = `e.global_position::text, e.transaction_id::text, ${LEAF_HASH}, e.type`;

type LeafTuple = [string, string, string, string, string?];

const toLeafRow = ([globalPosition, transactionId, leafHash, type, leafText]: LeafTuple): LeafRow =>
  leafText === undefined ? { globalPosition, transactionId, leafHash, type } : { globalPosition, transactionId, leafHash, type, leafText };

/** The event at `globalPosition` with its leaf text, for a proof; undefined when there is none. */
export const readLeafText = async (
  pool: Pool,
  globalPosition: string,
): Promise<{ transactionId: string; leafText: string } | undefined> => {
  // No index leads to a position alone (the log's key starts with the transaction id): one scan.
  const { rows } = await pool.query<{ transaction_id: string; leaf_text: string }>(
    `select e.transaction_id::text as transaction_id, ${LEAF_TEXT} as leaf_text from event_store.events e where e.global_position = $1::bigint`,
    [globalPosition],
  );
  return rows[0] === undefined ? undefined : { transactionId: rows[0].transaction_id, leafText: rows[0].leaf_text };
};

export interface ReadLeavesOptions {
  /** Exclusive. */
  after: LogKey;
  /** Inclusive; omitted: no upper bound. */
  through?: LogKey;
  limit: number;
  /**
   * Only rows of transactions older than every running one, as `readAll` returns them: what
   * the sealer must use, so that it never seals past an event whose transaction commits late.
   */
  belowHorizon: boolean;
  /** Also the leaf text itself (a proof's or a benchmark's business; verification needs only the hash). */
  withText?: boolean;
}

/** One page of the global log in read order. */
export const readLeaves = async (pool: Pool, options: ReadLeavesOptions): Promise<LeafRow[]> => {
  const values: unknown[] = [String(options.after.transactionId), String(options.after.globalPosition), options.limit];
  const conditions = ['(e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)'];
  if (options.through !== undefined) {
    values.push(String(options.through.transactionId), String(options.through.globalPosition));
    conditions.push('(e.transaction_id, e.global_position) <= ($4::text::xid8, $5::bigint)');
  }
  // The horizon as a scalar subquery: evaluated once, and an index condition like the other bounds.
  if (options.belowHorizon) conditions.push('e.transaction_id < (select pg_snapshot_xmin(pg_current_snapshot()))');
  const { rows } = await pool.query<LeafTuple>({
    text: `select ${LEAF_COLUMNS}${options.withText ? `, ${LEAF_TEXT}` : ''} from event_store.events e where ${conditions.join(' and ')}
      order by e.transaction_id, e.global_position limit $3`,
    values,
    rowMode: 'array',
  });
  return rows.map(toLeafRow);
};

export const keyOfRow = (row: LeafRow): LogKey => ({ transactionId: BigInt(row.transactionId), globalPosition: BigInt(row.globalPosition) });

/**
 * Every row from `after` through `through`, page by page, the next page already asked for while
 * the caller works on this one: the database hashes leaves while this process builds trees.
 */
export async function* streamLeaves(
  pool: Pool,
  range: { after: LogKey; through?: LogKey; pageSize: number; withText?: boolean },
): AsyncGenerator<LeafRow[]> {
  const read = (after: LogKey): Promise<LeafRow[]> =>
    readLeaves(pool, { after, through: range.through, limit: range.pageSize, belowHorizon: false, withText: range.withText });
  // A reader that stops early leaves one read in flight; its failure is nobody's business then.
  const prefetch = (after: LogKey) => {
    const page = read(after);
    page.catch(() => undefined);
    return page;
  };
  let next = prefetch(range.after);
  for (;;) {
    const page = await next;
    if (page.length === 0) return;
    if (page.length === range.pageSize) next = prefetch(keyOfRow(page[page.length - 1]));
    yield page;
    if (page.length < range.pageSize) return;
  }
}
