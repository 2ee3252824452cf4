import { randomUUID, type KeyObject } from 'node:crypto';
import { CALLER_CONTEXT_HEADER, newNonce, signCallerContext } from '@shuzhi/signing';

const MOVE = 'mutation ($input: MoveResidentInput!) { moveResident(input: $input) { id } }';

/** A resident the writer may move, and the household it is in. */
export interface MovableResident {
  residentId: string;
  householdId: string;
}

export interface WriterResult {
  writes: number;
  failures: number;
  firstFailure?: string;
}

/**
 * bench:feeds' writer: public security's register moving residents between two households at a
 * fixed rate, each write a change of a resident's feed. It writes to the population subgraph
 * directly, signed with the gateways' key as a steward's request through a gateway would be, so
 * that neither gateway measured spends anything on the writes. Open-loop: each write is sent
 * when due, whether or not the last was answered. Residents are taken in turn, so each write
 * moves one that no write in flight is moving.
 */
export class ResidentWriter {
  private next = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private result: WriterResult = { writes: 0, failures: 0 };

  constructor(
    /** The population subgraph's /graphql. */
    private readonly url: string,
    private readonly key: KeyObject,
    private readonly residents: readonly MovableResident[],
    /** The two households residents move between: each write moves one to whichever it is not in. */
    private readonly households: readonly [string, string],
  ) {}

  /** Writes `perSecond` changes a second until `stop`. */
  start(perSecond: number): void {
    this.result = { writes: 0, failures: 0 };
    const started = performance.now();
    let sent = 0;
    const tick = () => {
      const write = this.write().finally(() => this.inFlight.delete(write));
      this.inFlight.add(write);
      sent += 1;
      this.timer = setTimeout(tick, Math.max(0, started + (sent * 1000) / perSecond - performance.now()));
    };
    tick();
  }

  /** Stops writing, and answers what was written once the writes in flight are answered. */
  async stop(): Promise<WriterResult> {
    clearTimeout(this.timer);
    await Promise.all(this.inFlight);
    return this.result;
  }

  private async write(): Promise<void> {
    const resident = this.residents[this.next++ % this.residents.length];
    const householdId = resident.householdId === this.households[0] ? this.households[1] : this.households[0];
    const body = JSON.stringify({ query: MOVE, variables: { input: { residentId: resident.residentId, householdId } } });
    const context = signCallerContext(
      {
        clientId: 'bench-feeds-writer',
        department: 'public-security',
        roles: ['STEWARD'],
        purpose: null,
        decisionId: randomUUID(),
        correlationId: randomUUID(),
        audience: 'population',
        nonce: newNonce(),
        issuedAt: new Date().toISOString(),
      },
      this.key,
      { body },
    );
    let failure: string | undefined;
    try {
      const response = await fetch(this.url, { method: 'POST', headers: { 'content-type': 'application/json', [CALLER_CONTEXT_HEADER]: context }, body });
      const answer = (await response.json()) as { data?: { moveResident?: { id: string } | null } | null; errors?: unknown[] };
      if (answer.data?.moveResident) resident.householdId = householdId;
      else failure = JSON.stringify(answer).slice(0, 400);
    } catch (error) {
      failure = String(error);
    }
    this.result.writes += 1;
    if (failure !== undefined) {
      this.result.failures += 1;
      this.result.firstFailure ??= failure;
    }
  }
}
