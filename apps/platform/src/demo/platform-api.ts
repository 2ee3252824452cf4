import { randomUUID } from 'node:crypto';
import { waitUntil } from '@shuzhi/shared-kernel';

/** A GraphQL error as the gateway answers it (API.md: every error carries `extensions.code`). */
export interface ApiError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; reason?: string; fields?: string[]; contractIds?: string[]; [key: string]: unknown };
}

export interface ApiAnswer<T> {
  status: number;
  data?: T | null;
  errors?: ApiError[];
}

export interface CallOptions {
  purpose?: string;
  partial?: boolean;
  correlationId?: string;
}

/** The first error's code, or undefined when the answer has none. */
export const codeOf = (answer: ApiAnswer<unknown>): string | undefined => answer.errors?.[0]?.extensions?.code;

/**
 * The gateway's public GraphQL API as a department system meets it: a key, and a purpose when
 * the query reads a dataset. The demo seed and the tour go through it and nothing else, so they
 * show what an operator can do with the platform's own door.
 */
export class PlatformApi {
  constructor(readonly gatewayUrl: string) {}

  async call<T = Record<string, unknown>>(apiKey: string, query: string, variables: object = {}, options: CallOptions = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      authorization: `Bearer ${apiKey}`,
      'x-correlation-id': options.correlationId ?? randomUUID(),
    };
    if (options.purpose) headers['x-purpose'] = options.purpose;
    if (options.partial) headers['x-partial'] = 'allow';
    const response = await fetch(`${this.gatewayUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const text = await response.text();
    try {
      return { status: response.status, ...(JSON.parse(text) as Omit<ApiAnswer<T>, 'status'>) };
    } catch {
      return { status: response.status, errors: [{ message: text || response.statusText, extensions: { code: 'INTERNAL' } }] };
    }
  }

  /** The data, or an error naming the codes and reasons the gateway gave. */
  async ok<T = Record<string, unknown>>(apiKey: string, query: string, variables: object = {}, options: CallOptions = {}): Promise<T> {
    const answer = await this.call<T>(apiKey, query, variables, options);
    if (answer.errors?.length || !answer.data) throw new PlatformApiError(answer);
    return answer.data;
  }

  /** A key works once the gateway has projected its issue: until then it is UNAUTHENTICATED. */
  async untilKeyWorks(apiKey: string, what: string): Promise<void> {
    await waitUntil(async () => (await this.call(apiKey, '{ purposes { code } }')).status === 200, { timeoutMs: 30_000, intervalMs: 100, what: `${what}'s key to work` });
  }
}

export class PlatformApiError extends Error {
  constructor(readonly answer: ApiAnswer<unknown>) {
    super(
      (answer.errors ?? [{ message: `HTTP ${answer.status} without data` }])
        .map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.extensions?.reason ?? e.message}`)
        .join('; '),
    );
  }

  get code(): string | undefined {
    return codeOf(this.answer);
  }
}
