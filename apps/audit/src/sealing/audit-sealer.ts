import { sign } from 'node:crypto';
import { ConcurrencyConflict, type PostgresEventStore } from '@shuzhi/event-store';
import { systemClock, type Clock } from '@shuzhi/shared-kernel';
import type { SigningKeyPair } from '@shuzhi/signing';
import {
  AUDIT_BLOCK_SEALED,
  AUDIT_SEALS_STREAM,
  GENESIS_SEAL_HASH,
  merkleRoot,
  positionRunsOf,
  sealHashOf,
  type AuditBlockSealedData,
  type AuditSealHeader,
} from '../domain/audit-chain/index.js';
import { checkpointOf, keyOfRow, parseCheckpoint, readLeaves, START_OF_LOG, type LogKey } from './leaf-reader.js';
import { readSealHead } from './seal-log.js';

export interface AuditSealerOptions {
  /** A block is sealed as soon as it holds this many events (default 1000). */
  blockSize?: number;
  /** Or once events have waited this long unsealed (default 5000 ms). */
  intervalMs?: number;
  clock?: Clock;
  /** Told of each seal this sealer appended. */
  onSealed?: (seal: AuditBlockSealedData) => void;
  /** Told of a failed round; the sealer carries on at its next round. */
  onError?: (error: unknown) => void;
}

interface PendingLeaf {
  globalPosition: string;
  key: LogKey;
  leaf: Buffer;
}

const SEALER_ACTOR = { department: 'platform', client: 'audit-sealer', role: 'SYSTEM' };

/**
 * Follows the global log in read order and appends an `AuditBlockSealed` event for every
 * block: `blockSize` events, or whatever is unsealed once the oldest of it has waited
 * `intervalMs`. Appends with the previous seal's version as the expected version, so two
 * sealers (two replicas) never fork the chain: the loser re-reads the head and carries on.
 * A block made of nothing but earlier seals is not sealed on time alone, or an idle log would
 * grow by a seal every interval.
 */
export class AuditSealer {
  private readonly blockSize: number;
  private readonly intervalMs: number;
  private readonly clock: Clock;
  private head: { sequence: number; sealHash: string; after: LogKey } | undefined;
  private pending: PendingLeaf[] = [];
  private readThrough: LogKey = START_OF_LOG;
  private pendingSince: number | undefined;
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly key: SigningKeyPair,
    private readonly options: AuditSealerOptions = {},
  ) {
    this.blockSize = options.blockSize ?? 1000;
    this.intervalMs = options.intervalMs ?? 5000;
    this.clock = options.clock ?? systemClock;
    if (!Number.isSafeInteger(this.blockSize) || this.blockSize < 1) throw new RangeError('blockSize must be a whole number of at least 1');
  }

  /**
   * One round: reads what is readable past the last seal and seals a block if one is due.
   * Returns the seal it appended, or undefined (nothing due, or another sealer won the race).
   */
  async sealDue(): Promise<AuditBlockSealedData | undefined> {
    const head = await this.loadHead();
    if (this.pending.length < this.blockSize) await this.readMore();
    const full = this.pending.length >= this.blockSize;
    const due = full || (this.pendingSince !== undefined && this.clock.now().getTime() - this.pendingSince >= this.intervalMs);
    if (!due) return undefined;
    const block = this.pending;
    const seal = this.sealOf(block, head.sequence + 1, head.sealHash);
    try {
      await this.store.appendToStream(AUDIT_SEALS_STREAM, [{ type: AUDIT_BLOCK_SEALED, data: seal }], {
        expectedVersion: head.sequence < 0 ? 'no-stream' : head.sequence,
        metadata: { actor: SEALER_ACTOR },
      });
    } catch (error) {
      if (!(error instanceof ConcurrencyConflict)) throw error;
      this.forgetHead();
      return undefined;
    }
    this.head = { sequence: seal.sequence, sealHash: seal.sealHash, after: block[block.length - 1].key };
    this.pending = [];
    this.pendingSince = undefined;
    this.options.onSealed?.(seal);
    return seal;
  }

  /** Seals in the background until `stop()`: rounds on every append and at least every interval. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    const unsubscribe = this.store.onAppended(() => this.wake?.());
    this.running = (async () => {
      while (!this.stopping) {
        try {
          if ((await this.sealDue()) !== undefined) continue;
        } catch (error) {
          this.forgetHead();
          this.options.onError?.(error);
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.nextRoundInMs());
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
      }
      unsubscribe();
    })();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
    this.running = undefined;
  }

  // Appends arrive in bursts: a wake-up on each would re-read for nothing, so rounds are
  // spaced out unless a block is full; a late transaction is picked up at the next poll.
  private nextRoundInMs(): number {
    const poll = Math.min(this.intervalMs, 1000);
    if (this.pendingSince === undefined) return poll;
    return Math.max(0, Math.min(poll, this.pendingSince + this.intervalMs - this.clock.now().getTime()));
  }

  private async loadHead(): Promise<{ sequence: number; sealHash: string }> {
    if (this.head !== undefined) return this.head;
    const stored = await readSealHead(this.store.pool);
    this.head =
      stored === undefined
        ? { sequence: -1, sealHash: GENESIS_SEAL_HASH, after: START_OF_LOG }
        : { sequence: stored.sequence, sealHash: stored.sealHash, after: parseCheckpoint(stored.checkpoint) };
    this.pending = [];
    this.readThrough = this.head.after;
    this.pendingSince = undefined;
    return this.head;
  }

  private forgetHead(): void {
    this.head = undefined;
  }

  private async readMore(): Promise<void> {
    const rows = await readLeaves(this.store.pool, { after: this.readThrough, limit: this.blockSize - this.pending.length, belowHorizon: true });
    if (rows.length === 0) return;
    for (const row of rows) this.pending.push({ globalPosition: row.globalPosition, key: keyOfRow(row), leaf: Buffer.from(row.leafHash, 'hex') });
    this.readThrough = this.pending[this.pending.length - 1].key;
    if (this.pendingSince === undefined && rows.some((row) => row.type !== AUDIT_BLOCK_SEALED)) {
      this.pendingSince = this.clock.now().getTime();
    }
  }

  private sealOf(block: PendingLeaf[], sequence: number, previousSealHash: string): AuditBlockSealedData {
    const leaves = block.map((entry) => entry.leaf);
    const header: AuditSealHeader = {
      sequence,
      firstPosition: block[0].globalPosition,
      lastPosition: block[block.length - 1].globalPosition,
      positionRuns: positionRunsOf(block.map((entry) => entry.globalPosition)),
      checkpoint: checkpointOf(block[block.length - 1].key),
      count: block.length,
      merkleRoot: merkleRoot(leaves).toString('hex'),
      previousSealHash,
      sealedAt: this.clock.now().toISOString(),
    };
    const sealHash = sealHashOf(header);
    const signature = sign(null, Buffer.from(sealHash, 'hex'), this.key.privateKey).toString('base64');
    return { ...header, leaves: leaves.map((leaf) => leaf.toString('hex')), sealHash, signature };
  }
}
