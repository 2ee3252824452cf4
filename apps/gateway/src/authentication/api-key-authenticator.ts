import { createHash } from 'node:crypto';
import type { ClientConfig } from 'pg';
import { In, type DataSource } from 'typeorm';
import { PgListener } from '@shuzhi/event-store';
import { clientIdOfApiKey, verifyApiKey } from '@shuzhi/signing';
import type { AuthenticatedCaller } from '../runtime/gateway-request.js';
import { GatewayClientRow } from './gateway-clients.projection.js';

/** The data bureau's bootstrap client: its key may be any string (SHUZHI_ADMIN_KEY). */
export const PLATFORM_ADMIN_CLIENT_ID = 'platform-admin';

interface VerifiedKey {
  caller: AuthenticatedCaller;
  /** The hash the key was verified against: a re-issued key makes this entry stale. */
  keyHash: string;
}

/**
 * API keys to callers. A key is verified once (scrypt, ~50 ms) and then remembered by its
 * SHA-256; the remembered entries are checked again on every change notification of the
 * clients projection, so a revocation takes effect as it commits, not after a TTL.
 */
export class ApiKeyAuthenticator {
  private readonly verified = new Map<string, VerifiedKey>();
  private readonly verifying = new Map<string, Promise<AuthenticatedCaller | undefined>>();
  /** Counts change notifications, so a verification can tell that one arrived while it ran. */
  private generation = 0;
  private readonly listener: PgListener;

  constructor(
    private readonly dataSource: DataSource,
    connection: ClientConfig,
    channel: string,
  ) {
    this.listener = new PgListener(connection, channel, () => this.clientsChanged());
  }

  start(): void {
    this.listener.start();
  }

  close(): Promise<void> {
    return this.listener.close();
  }

  /** The caller this key belongs to, or undefined for a missing, wrong or revoked key. */
  authenticate(apiKey: string): Promise<AuthenticatedCaller | undefined> {
    const digest = createHash('sha256').update(apiKey).digest('base64url');
    const known = this.verified.get(digest);
    if (known) return Promise.resolve(known.caller);
    // Concurrent first uses of one key share one scrypt.
    let pending = this.verifying.get(digest);
    if (!pending) {
      pending = this.verify(apiKey, digest).finally(() => this.verifying.delete(digest));
      this.verifying.set(digest, pending);
    }
    return pending;
  }

  private async verify(apiKey: string, digest: string): Promise<AuthenticatedCaller | undefined> {
    // A key that names no client can only be the bootstrap key, so there is exactly one hash
    // to try either way.
    const clientId = clientIdOfApiKey(apiKey) ?? PLATFORM_ADMIN_CLIENT_ID;
    let seen = this.generation;
    let row = await this.activeClient(clientId);
    if (!row || !(await verifyApiKey(apiKey, row.keyHash))) return undefined;
    // A notification that arrived since the row was read may be this client's revocation, and
    // the eviction it triggered could not see an entry that did not exist yet: read again
    // until no notification slips in between the read and the caching below.
    while (seen !== this.generation) {
      seen = this.generation;
      const current = await this.activeClient(clientId);
      if (current?.keyHash !== row.keyHash) return undefined;
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

  private clientsChanged(): void {
    this.generation++;
    void this.evictStale();
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
