import { createHash } from 'node:crypto';
import type { ClientConfig } from 'pg';
import { In, type DataSource } from 'typeorm';
import { PgListener } from '@shuzhi/event-store';
import { clientIdOfApiKey, isKeyShaped, keyCheckIn, keyCheckOf, verifyApiKey } from '@shuzhi/signing';
import type { AuthenticatedCaller } from '../runtime/gateway-request.js';
import { FailedKeyAttempts, type FailedKeyAttemptLimits } from './failed-key-attempts.js';
import { GatewayClientRow } from './gateway-clients.projection.js';
import { KeyVerificationQueue } from './key-verification-queue.js';

/** The data bureau's bootstrap client: its key may be any key-shaped string (SHUZHI_ADMIN_KEY). */
export const PLATFORM_ADMIN_CLIENT_ID = 'platform-admin';

export interface KeyGuessingLimits extends FailedKeyAttemptLimits {
  /** scrypt verifications running at once: one leaves the other core to the callers already verified. */
  concurrentVerifications: number;
  /** Verifications waiting beyond those; a key that finds the line full is asked to retry. */
  queuedVerifications: number;
}

export const DEFAULT_KEY_GUESSING_LIMITS: KeyGuessingLimits = {
  maxFailures: 20,
  windowMs: 60_000,
  maxSources: 10_000,
  concurrentVerifications: 1,
  queuedVerifications: 64,
};

export interface ApiKeyAuthenticatorOptions {
  limits?: Partial<KeyGuessingLimits>;
  /** The slow check of a key against its stored hash; tests count its calls. */
  verifyKey?: (apiKey: string, keyHash: string) => Promise<boolean>;
  now?: () => number;
}

/** A key's verdict: its caller, or why not, with when to try again if it was not looked at. */
export type Authentication =
  | { ok: true; caller: AuthenticatedCaller }
  | { ok: false; refused: 'WRONG_KEY' }
  | { ok: false; refused: 'TOO_MANY_FAILURES' | 'BUSY'; retryAfterSeconds: number };

/** What checking a key found; a wrong key counts against its source, an unknown client does not. */
type Check = AuthenticatedCaller | 'WRONG_KEY' | 'NO_ACTIVE_CLIENT' | 'BUSY';

interface VerifiedKey {
  caller: AuthenticatedCaller;
  /** The hash the key was verified against: a re-issued key makes this entry stale. */
  keyHash: string;
}

/**
 * API keys to callers. A key is verified once (scrypt, ~50 ms) and then remembered by its
 * SHA-256; the remembered entries are checked again on every change notification of the
 * clients projection, so a revocation takes effect as it commits, not after a TTL.
 *
 * A key not yet remembered is cheap to refuse: a string no key can be is refused unlooked-at,
 * and one whose pre-check (16 bits of its SHA-256, kept with the hash) does not match is
 * refused without scrypt. A source (socket address) that presents more than `maxFailures`
 * wrong keys for real clients in a window has its unknown keys refused unchecked until the
 * window ends, while keys already verified keep working for it. Keys of clients that do not
 * exist (yet) do not count: a system polling for its just-issued key to work is not guessing.
 */
export class ApiKeyAuthenticator {
  private readonly verified = new Map<string, VerifiedKey>();
  private readonly verifying = new Map<string, Promise<Check>>();
  /**
   * Pre-checks learned from keys verified against hashes stored before pre-checks existed. A
   * pre-check is a fact about a hash forever, so nothing here goes stale, and there are only
   * as many entries as keys issued before then.
   */
  private readonly learnedChecks = new Map<string, string>();
  private readonly failures: FailedKeyAttempts;
  private readonly verifications: KeyVerificationQueue;
  private readonly verifyKey: (apiKey: string, keyHash: string) => Promise<boolean>;
  /** Counts change notifications, so a verification can tell that one arrived while it ran. */
  private generation = 0;
  private readonly listener: PgListener;
  private readonly changeListeners = new Set<() => void>();

  constructor(
    private readonly dataSource: DataSource,
    connection: ClientConfig,
    channel: string,
    options: ApiKeyAuthenticatorOptions = {},
  ) {
    const limits = { ...DEFAULT_KEY_GUESSING_LIMITS, ...options.limits };
    this.failures = new FailedKeyAttempts(limits, options.now);
    this.verifications = new KeyVerificationQueue(limits.concurrentVerifications, limits.queuedVerifications);
    this.verifyKey = options.verifyKey ?? verifyApiKey;
    this.listener = new PgListener(connection, channel, () => this.clientsChanged());
  }

  start(): void {
    this.listener.start();
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  /** The caller this key, presented from `source`, belongs to; or why it is refused. */
  async authenticate(apiKey: string, source: string): Promise<Authentication> {
    const digest = createHash('sha256').update(apiKey).digest('base64url');
    const known = this.verified.get(digest);
    if (known) return { ok: true, caller: known.caller };
    if (!isKeyShaped(apiKey)) return { ok: false, refused: 'WRONG_KEY' };
    const blockedMs = this.failures.blockedFor(source);
    if (blockedMs > 0) return { ok: false, refused: 'TOO_MANY_FAILURES', retryAfterSeconds: Math.ceil(blockedMs / 1000) };
    // Concurrent first uses of one key share one check.
    let pending = this.verifying.get(digest);
    if (!pending) {
      pending = this.check(apiKey, digest).finally(() => this.verifying.delete(digest));
      this.verifying.set(digest, pending);
    }
    const found = await pending;
    if (typeof found === 'object') return { ok: true, caller: found };
    if (found === 'BUSY') return { ok: false, refused: 'BUSY', retryAfterSeconds: 1 };
    if (found === 'WRONG_KEY') this.failures.recordFailure(source);
    return { ok: false, refused: 'WRONG_KEY' };
  }

  private async check(apiKey: string, digest: string): Promise<Check> {
    // A key that names no client can only be the bootstrap key, so there is exactly one hash
    // to try either way.
    const clientId = clientIdOfApiKey(apiKey) ?? PLATFORM_ADMIN_CLIENT_ID;
    let seen = this.generation;
    let row = await this.activeClient(clientId);
    if (!row) return 'NO_ACTIVE_CLIENT';
    const keyHash = row.keyHash;
    const check = keyCheckIn(keyHash) ?? this.learnedChecks.get(keyHash);
    if (check !== undefined && check !== keyCheckOf(apiKey)) return 'WRONG_KEY';
    const verification = this.verifications.run(() => this.verifyKey(apiKey, keyHash));
    if (!verification) return 'BUSY';
    if (!(await verification)) return 'WRONG_KEY';
    if (check === undefined) this.learnedChecks.set(keyHash, keyCheckOf(apiKey));
    // A notification that arrived since the row was read may be this client's revocation, and
    // the eviction it triggered could not see an entry that did not exist yet: read again
    // until no notification slips in between the read and the caching below.
    while (seen !== this.generation) {
      seen = this.generation;
      const current = await this.activeClient(clientId);
      if (current?.keyHash !== row.keyHash) return 'NO_ACTIVE_CLIENT';
      row = current;
    }
    const caller: AuthenticatedCaller = { clientId: row.clientId, department: row.departmentCode, roles: row.roles };
    this.verified.set(digest, { caller, keyHash: row.keyHash });
    return caller;
  }

  private async activeClient(clientId: string): Promise<GatewayClientRow | undefined> {
    const row = await this.dataSource.manager.findOneBy(GatewayClientRow, { clientId });
    return row?.status === 'ACTIVE' ? row : undefined;
  }

  /** Calls `listener` whenever the clients change (a key issued, a client revoked). */
  onChanged(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Which of these clients are active now, as the read model says. */
  async activeAmong(clientIds: readonly string[]): Promise<ReadonlySet<string>> {
    const rows = await this.dataSource.manager.findBy(GatewayClientRow, { clientId: In([...clientIds]) });
    return new Set(rows.filter((row) => row.status === 'ACTIVE').map((row) => row.clientId));
  }

  private clientsChanged(): void {
    this.generation++;
    void this.evictStale();
    for (const listener of this.changeListeners) listener();
  }

  /** Forgets every remembered key whose client is no longer active under that same hash. */
  private async evictStale(): Promise<void> {
    const entries = [...this.verified];
    if (entries.length === 0) return;
    try {
      const rows = await this.dataSource.manager.findBy(GatewayClientRow, {
        clientId: In([...new Set(entries.map(([, entry]) => entry.caller.clientId))]),
      });
      const active = new Map(rows.filter((row) => row.status === 'ACTIVE').map((row) => [row.clientId, row.keyHash]));
      for (const [digest, entry] of entries) {
        if (active.get(entry.caller.clientId) !== entry.keyHash && this.verified.get(digest) === entry) this.verified.delete(digest);
      }
    } catch (error) {
      // Unable to tell which keys are still good: forget them all and verify afresh.
      console.error('gateway: checking cached API keys failed; dropping the cache:', error);
      this.verified.clear();
    }
  }
}
