import type { GraphQLError } from 'graphql';
import type { AuthenticatedCaller } from '../runtime/gateway-request.js';

/** An open change feed, as the registry knows it. */
export interface WatchedFeed {
  caller: AuthenticatedCaller;
  /** Decides the feed again against the policy as it stands, ending it if it no longer holds. */
  recheck(): Promise<void>;
  /** Ends the feed with `error`; a resumable one carries the cursor to subscribe again after. */
  end(error: GraphQLError, options?: { resumable?: boolean }): void;
}

/**
 * The change feeds open on this gateway, so that a change of policy reaches them without waiting
 * for their next change: a suspended or revoked contract ends the feeds it carried, a revoked key
 * the feeds it opened, each within the time the gateway takes to hear of it. Consent needs no
 * such sweep: it is a subject's, and each change is decided for its subject at delivery.
 */
export class FeedRegistry {
  private readonly feeds = new Set<WatchedFeed>();
  private rechecking: Promise<void> | undefined;
  private again = false;

  add(feed: WatchedFeed): void {
    this.feeds.add(feed);
  }

  remove(feed: WatchedFeed): void {
    this.feeds.delete(feed);
  }

  get size(): number {
    return this.feeds.size;
  }

  /** The feeds `clientId` has open on this gateway. */
  openBy(clientId: string): number {
    let open = 0;
    for (const feed of this.feeds) if (feed.caller.clientId === clientId) open += 1;
    return open;
  }

  /** Contracts (or what else a decision reads beyond one subject) changed: every feed is decided again, once per change burst. */
  policyChanged(): Promise<void> {
    if (this.rechecking) {
      this.again = true;
      return this.rechecking;
    }
    this.rechecking = (async () => {
      do {
        this.again = false;
        for (const feed of [...this.feeds]) {
          if (!this.feeds.has(feed)) continue;
          await feed.recheck().catch((error: unknown) => console.error('gateway: a change feed could not be decided again:', error));
        }
      } while (this.again);
    })().finally(() => (this.rechecking = undefined));
    return this.rechecking;
  }

  /** Clients changed: the feeds of those no longer active end with `error`. */
  async clientsChanged(activeAmong: (clientIds: readonly string[]) => Promise<ReadonlySet<string>>, error: () => GraphQLError): Promise<void> {
    const open = [...this.feeds];
    if (open.length === 0) return;
    const active = await activeAmong([...new Set(open.map((f) => f.caller.clientId))]);
    for (const feed of open) if (!active.has(feed.caller.clientId)) feed.end(error());
  }

  /** Ends every feed (the gateway is stopping), so that their connections close; each may resume elsewhere. */
  endAll(error: () => GraphQLError): void {
    for (const feed of [...this.feeds]) feed.end(error(), { resumable: true });
  }
}
