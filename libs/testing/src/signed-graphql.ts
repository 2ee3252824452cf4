import { randomUUID, type KeyObject } from 'node:crypto';
import type { Role } from '@shuzhi/shared-kernel';
import { CALLER_CONTEXT_HEADER, newNonce, signCallerContext } from '@shuzhi/signing';
import { openEventStream, type EventStream } from './event-stream.js';

/** A caller as a subgraph test names it. */
export interface Actor {
  clientId: string;
  department: string;
  roles: Role[];
}

export interface GraphQLAnswer<T = Record<string, unknown>> {
  status: number;
  data: T | null;
  errors?: Array<{ message: string; path?: string[]; extensions: Record<string, unknown> & { code: string } }>;
}

/** A clock the test moves: time-driven behaviour without sleeps, each transition's time known. */
export class TestClock {
  constructor(private current = new Date('2026-11-27T02:00:00.000Z')) {}
  now = () => new Date(this.current);
  set(at: string) {
    this.current = new Date(at);
  }
}

/**
 * GraphQL over HTTP to a subgraph, each request signed with the gateway's key for the given
 * caller, the way the gateway sends it.
 */
export class SignedGraphQLClient {
  constructor(
    readonly url: string,
    private readonly gatewayKey: KeyObject,
    /** The subgraph's name, as the gateway addresses it. */
    private readonly audience: string,
  ) {}

  async call<T = Record<string, unknown>>(actor: Actor | null, query: string, variables: object = {}): Promise<GraphQLAnswer<T>> {
    const body = JSON.stringify({ query, variables });
    const response = await fetch(this.url, { method: 'POST', headers: this.headersFor(actor, body), body });
    return { status: response.status, ...((await response.json()) as Omit<GraphQLAnswer<T>, 'status'>) };
  }

  /** A subscription over SSE, asked the way the gateway asks a subgraph for one. */
  subscribe(actor: Actor | null, query: string, variables: object = {}): Promise<EventStream | { status: number; body: unknown }> {
    const body = JSON.stringify({ query, variables });
    return openEventStream(this.url, { method: 'POST', headers: { ...this.headersFor(actor, body), accept: 'text/event-stream' }, body });
  }

  private headersFor(actor: Actor | null, body: string): Record<string, string> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (actor) {
      headers[CALLER_CONTEXT_HEADER] = signCallerContext(
        {
          clientId: actor.clientId,
          department: actor.department,
          roles: actor.roles,
          purpose: null,
          decisionId: randomUUID(),
          correlationId: randomUUID(),
          audience: this.audience,
          nonce: newNonce(),
          // Signed at real time: freshness is the transport's, not the domain clock's.
          issuedAt: new Date().toISOString(),
        },
        this.gatewayKey,
        { body },
      );
    }
    return headers;
  }

  /** As `call`, but the answer must carry no errors. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read by path in tests
  async ok<T = Record<string, any>>(actor: Actor, query: string, variables: object = {}): Promise<T> {
    const answer = await this.call<T>(actor, query, variables);
    if (answer.errors?.length) throw new Error(`unexpected errors: ${JSON.stringify(answer.errors)}`);
    return answer.data!;
  }
}
