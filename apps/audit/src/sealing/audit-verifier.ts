import { verify, type KeyObject } from 'node:crypto';
import type { Pool } from 'pg';
import {
  GENESIS_SEAL_HASH,
  merkleRoot,
  positionsOfRuns,
  sealHashOf,
  type AuditBlockSealedData,
} from '../domain/audit-chain/index.js';
import { compareLogKeys, keyOfRow, parseCheckpoint, START_OF_LOG, streamLeaves, type LeafRow, type LogKey } from './leaf-reader.js';
import { countEventsAfter, readSealHead, readSeals, type StoredSeal } from './seal-log.js';

/** What `verifyAuditChain` answers (the audit contract's `AuditVerification`). */
export interface AuditVerification {
  ok: boolean;
  /** Sealed events whose hashes were recomputed before the answer was known. */
  checkedEvents: number;
  seals: number;
  /** The last sealed position, in read order. */
  sealedThrough: string | null;
  /** The first position, in read order, where the log or a seal differs from what was sealed. */
  firstBadPosition: string | null;
  reason: string | null;
  /** Events after the last seal: not covered by the chain yet. */
  unsealedEvents: number;
}

export interface VerifyAuditChainOptions {
  /** Events done and events to do (the sealed ones), now and then. */
  onProgress?: (done: number, total: number) => void;
  /** Rows per read (default 10 000). */
  pageSize?: number;
  /** Database readers working at once, each on its own run of seals (default 2). */
  readers?: number;
}

const SEALS_PER_READ = 20;

/** A finding: where the chain first breaks, and why. */
class ChainBroken {
  constructor(
    readonly position: string,
    readonly reason: string,
  ) {}
}

/**
 * Recomputes the whole chain from the database, streaming (a block at a time in memory):
 * every sealed event's leaf hash against the one its seal holds, every seal's Merkle root,
 * seal hash, link to the previous seal and signature with `publicKey`. Blocks are cut by the
 * seals' checkpoints, so an inserted or deleted row shows in its own block and is named there.
 *
 * What this cannot see, and no hash chain alone can: events appended after the last seal by
 * any means (they are reported as unsealed and sealed like any append), and the newest seals
 * deleted together with everything after them. Publishing `auditChainStatus`'s newest seal
 * hash elsewhere now and then closes the second gap.
 */
export const verifyAuditChain = async (pool: Pool, publicKey: KeyObject, options: VerifyAuditChainOptions = {}): Promise<AuditVerification> => {
  const pageSize = options.pageSize ?? 10_000;
  const head = await readSealHead(pool);
  if (head !== undefined && !CHECKPOINT.test(head.checkpoint ?? '')) {
    // The newest seal does not say where it ends, so nothing can be measured against it.
    const everything = await countEventsAfter(pool, undefined);
    return {
      ok: false,
      checkedEvents: 0,
      seals: head.sequence + 1,
      sealedThrough: null,
      firstBadPosition: head.globalPosition,
      reason: `seal ${head.sequence}: the seal event is not a well-formed seal`,
      unsealedEvents: everything.after,
    };
  }
  const counts = await countEventsAfter(pool, head?.checkpoint);
  const seals = head === undefined ? 0 : head.sequence + 1;
  const answer = (checkedEvents: number, broken?: ChainBroken): AuditVerification => ({
    ok: broken === undefined,
    checkedEvents,
    seals,
    sealedThrough: head?.lastPosition ?? null,
    firstBadPosition: broken?.position ?? null,
    reason: broken?.reason ?? null,
    unsealedEvents: counts.after,
  });
  if (head === undefined) return answer(0);

  const total = counts.through;
  let checked = 0;
  options.onProgress?.(0, total);
  const progress = (events: number) => {
    checked += events;
    options.onProgress?.(checked, total);
  };
  // The seals are dealt out in contiguous runs, one database reader each: serialising the
  // stored jsonb and hashing it is most of the work, and it is the database's to do.
  const share = Math.ceil(seals / Math.max(1, options.readers ?? 2));
  const ranges: Array<[number, number]> = [];
  for (let from = 0; from < seals; from += share) ranges.push([from, Math.min(seals, from + share)]);
  const through = parseCheckpoint(head.checkpoint);
  const findings = await Promise.all(ranges.map(([from, until]) => verifySeals(pool, publicKey, { from, until, through, pageSize, progress })));
  return answer(checked, findings.find((finding) => finding !== undefined));
};

/** Seals `from` until `until` (exclusive) and their blocks; the first break, if any. */
const verifySeals = async (
  pool: Pool,
  publicKey: KeyObject,
  range: { from: number; until: number; through: LogKey; pageSize: number; progress: (events: number) => void },
): Promise<ChainBroken | undefined> => {
  let previousSealHash = GENESIS_SEAL_HASH;
  let after = START_OF_LOG;
  if (range.from > 0) {
    // Where the run starts: after the block of the seal before, linked to its hash. That seal
    // itself is checked by the run it belongs to, which comes first in the answer.
    const [previous] = await readSeals(pool, range.from - 1, range.from - 1);
    const data = previous?.data as Partial<AuditBlockSealedData> | undefined;
    if (typeof data?.sealHash !== 'string' || typeof data.checkpoint !== 'string' || !CHECKPOINT.test(data.checkpoint)) {
      return new ChainBroken(previous?.globalPosition ?? '0', `seal ${range.from - 1}: the seal event is not a well-formed seal`);
    }
    previousSealHash = data.sealHash;
    after = parseCheckpoint(data.checkpoint);
  }
  const rows = rowsOf(streamLeaves(pool, { after, through: range.through, pageSize: range.pageSize }));
  for (let from = range.from; from < range.until; from += SEALS_PER_READ) {
    const until = Math.min(range.until, from + SEALS_PER_READ);
    const stored = await readSeals(pool, from, until - 1);
    for (let sequence = from; sequence < until; sequence++) {
      const seal = stored.find((s) => s.version === sequence);
      if (seal === undefined) {
        return new ChainBroken(stored.find((s) => s.version > sequence)?.globalPosition ?? '0', `seal ${sequence} is missing`);
      }
      const problem = checkSeal(seal, sequence, previousSealHash, publicKey);
      if (problem !== undefined) return new ChainBroken(seal.globalPosition, `seal ${sequence}: ${problem}`);
      const data = seal.data as unknown as AuditBlockSealedData;
      const block = await rows.takeThrough(parseCheckpoint(data.checkpoint));
      const broken = compareBlock(block, data);
      range.progress(broken === undefined ? block.length : broken.checkedBefore);
      if (broken !== undefined) return broken;
      previousSealHash = data.sealHash;
    }
  }
  return undefined;
};

const CHECKPOINT = /^\d+:\d+$/;
const HEX_32 = /^[0-9a-f]{64}$/;
const POSITION = /^\d+$/;

/** Why the stored seal cannot be trusted, or undefined when it holds together. */
const checkSeal = (seal: StoredSeal, sequence: number, previousSealHash: string, publicKey: KeyObject): string | undefined => {
  const data = seal.data as Partial<AuditBlockSealedData>;
  const wellFormed =
    data.sequence === sequence &&
    typeof data.checkpoint === 'string' &&
    CHECKPOINT.test(data.checkpoint) &&
    Number.isSafeInteger(data.count) &&
    Array.isArray(data.leaves) &&
    data.leaves.every((leaf) => typeof leaf === 'string' && HEX_32.test(leaf)) &&
    Array.isArray(data.positionRuns) &&
    data.positionRuns.every((run) => Array.isArray(run) && typeof run[0] === 'string' && POSITION.test(run[0]) && Number.isSafeInteger(run[1]) && run[1] > 0) &&
    typeof data.sealHash === 'string' &&
    typeof data.signature === 'string';
  if (!wellFormed) return 'the seal event is not a well-formed seal of this sequence number';
  const sealData = data as AuditBlockSealedData;
  if (sealHashOf(sealData) !== sealData.sealHash) return 'its seal hash is not the hash of its header (the seal was altered)';
  if (sealData.previousSealHash !== previousSealHash) return 'it does not link to the previous seal';
  if (!verify(null, Buffer.from(sealData.sealHash, 'hex'), publicKey, Buffer.from(sealData.signature, 'base64'))) {
    return 'its signature does not verify with the audit sealing key';
  }
  const runTotal = sealData.positionRuns.reduce((sum, run) => sum + run[1], 0);
  if (sealData.leaves.length !== sealData.count || runTotal !== sealData.count) return 'its leaves and positions do not number its count';
  if (merkleRoot(sealData.leaves.map((leaf) => Buffer.from(leaf, 'hex'))).toString('hex') !== sealData.merkleRoot) {
    return 'its leaves do not give its Merkle root (the seal was altered)';
  }
  return undefined;
};

/** Where a block first differs from its seal. */
const compareBlock = (block: LeafRow[], seal: AuditBlockSealedData): (ChainBroken & { checkedBefore: number }) | undefined => {
  const expected = positionsOfRuns(seal.positionRuns);
  const expectedIndex = new Map(expected.map((position, index) => [position, index]));
  const broken = (index: number, position: string, reason: string) => Object.assign(new ChainBroken(position, reason), { checkedBefore: index });
  for (let index = 0; index < Math.max(block.length, expected.length); index++) {
    const row = block[index];
    const position = expected[index];
    if (row !== undefined && row.globalPosition === position) {
      if (row.leafHash !== seal.leaves[index]) {
        return broken(index, position, `the event at position ${position} is not the event that was sealed (edited, or its content swapped)`);
      }
      continue;
    }
    const present = new Set(block.map((r) => r.globalPosition));
    if (position !== undefined && !present.has(position)) {
      return broken(index, position, `the event sealed at position ${position} is missing (deleted, or moved out of its place)`);
    }
    if (row === undefined) {
      return broken(index, position, `the events at position ${position} are not in the order they were sealed in (reordered)`);
    }
    const sealedAt = expectedIndex.get(row.globalPosition);
    if (sealedAt === undefined || sealedAt < index) {
      return broken(index, row.globalPosition, `an event at position ${row.globalPosition} is in sealed history but was never sealed (inserted)`);
    }
    return broken(index, position ?? row.globalPosition, `the events at position ${position ?? row.globalPosition} are not in the order they were sealed in (reordered)`);
  }
  return undefined;
};

/** The rows of a stream of pages, handed out a block at a time. */
const rowsOf = (pages: AsyncGenerator<LeafRow[]>) => {
  let page: LeafRow[] = [];
  let offset = 0;
  let done = false;
  return {
    async takeThrough(through: LogKey): Promise<LeafRow[]> {
      const block: LeafRow[] = [];
      for (;;) {
        // Most pages end inside one block or the next: compare keys only where a block ends.
        if (offset < page.length && compareLogKeys(keyOfRow(page[page.length - 1]), through) <= 0) {
          for (; offset < page.length; offset++) block.push(page[offset]);
        }
        while (offset < page.length) {
          if (compareLogKeys(keyOfRow(page[offset]), through) > 0) return block;
          block.push(page[offset++]);
        }
        if (done) return block;
        const next = await pages.next();
        if (next.done) done = true;
        else {
          page = next.value;
          offset = 0;
        }
      }
    },
  };
};
