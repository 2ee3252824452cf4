import { randomUUID } from 'node:crypto';

/** How the subsidy service reaches the platform's shared data: as a department system. */
export interface GatewayClientConfig {
  /** The gateway's base URL (SUBSIDY_GATEWAY_URL), e.g. http://127.0.0.1:4000. */
  url: string;
  /** The economic bureau's own CONSUMER key (SUBSIDY_API_KEY). */
  apiKey: string;
  /** The purpose declared on every read (X-Purpose); SUBSIDY_ELIGIBILITY unless configured. */
  purpose?: string;
  timeoutMs?: number;
}

export const DEFAULT_PURPOSE = 'SUBSIDY_ELIGIBILITY';

export interface GatewayError {
  message: string;
  path?: ReadonlyArray<string | number>;
  extensions?: { code?: string; reason?: string; fields?: string[]; contractIds?: string[] } & Record<string, unknown>;
}

export interface GatewayAnswer<T> {
  data: T | null;
  errors: GatewayError[];
  /** Where this read is on record: the correlation id sent, and what the gateway said it decided under. */
  correlationId: string;
  decisionIds: string[];
  contractIds: string[];
}

/** The gateway did not answer as GraphQL over HTTP does (down, 5xx, not JSON): the read is retried later, not judged. */
export class GatewayUnavailable extends Error {
  override readonly name = 'GatewayUnavailable';
}

const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.flatMap((v) => (typeof v === 'string' ? [v] : v && typeof (v as { id?: unknown }).id === 'string' ? [(v as { id: string }).id] : [])) : [];

/**
 * GraphQL over HTTP to the gateway with the bureau's key and declared purpose. It needs nothing
 * but the URL and the key: the gateway decides, field by field, what the bureau may read.
 */
export class GatewayClient {
  readonly purpose: string;

  constructor(private readonly config: GatewayClientConfig) {
    this.purpose = config.purpose ?? DEFAULT_PURPOSE;
  }

  /** SUBSIDY_GATEWAY_URL, SUBSIDY_API_KEY and, optionally, SUBSIDY_PURPOSE. */
  static configFromEnvironment(env: NodeJS.ProcessEnv = process.env): GatewayClientConfig {
    const url = env.SUBSIDY_GATEWAY_URL;
    const apiKey = env.SUBSIDY_API_KEY;
    if (!url || !apiKey) throw new Error('the subsidy service needs SUBSIDY_GATEWAY_URL and SUBSIDY_API_KEY to read shared data');
    return { url, apiKey, purpose: env.SUBSIDY_PURPOSE || undefined };
  }

  async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<GatewayAnswer<T>> {
    const correlationId = randomUUID();
    let response: Response;
    try {
      response = await fetch(`${this.config.url.replace(/\/$/, '')}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${this.config.apiKey}`,
          'x-purpose': this.purpose,
          'x-correlation-id': correlationId,
        },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new GatewayUnavailable(`the gateway did not answer: ${(error as Error).message}`);
    }
    const text = await response.text();
    let body: { data?: T | null; errors?: GatewayError[]; extensions?: Record<string, unknown> };
    try {
      body = JSON.parse(text);
    } catch {
      throw new GatewayUnavailable(`the gateway answered ${response.status} without GraphQL: ${text.slice(0, 200)}`);
    }
    const errors = body.errors ?? [];
    // A 401/403 with errors is still an answer (a refused key is the bureau's problem to fix, reported as such).
    if (!body.data && errors.length === 0) throw new GatewayUnavailable(`the gateway answered ${response.status} with neither data nor errors`);
    const extensions = body.extensions ?? {};
    const decisionId = typeof extensions.decisionId === 'string' ? [extensions.decisionId] : [];
    return {
      data: body.data ?? null,
      errors,
      correlationId,
      decisionIds: decisionId,
      contractIds: [...new Set([...strings(extensions.contractIds), ...strings(extensions.contracts), ...errors.flatMap((e) => strings(e.extensions?.contractIds))])],
    };
  }
}
