/** An error as the API states it (shared/API.md): a code, a reason in plain words, and details. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
    readonly contractIds: readonly string[] = [],
    readonly fields: readonly string[] = [],
  ) {
    super(`${code}: ${reason}`);
  }
}

interface WireError {
  message: string;
  extensions?: { code?: string; reason?: string; contractIds?: string[]; fields?: string[] };
}

export interface GraphQLAnswer<T> {
  data: T | null;
  errors: ApiError[];
}

const toApiError = (error: WireError): ApiError =>
  new ApiError(
    error.extensions?.code ?? 'INTERNAL',
    error.extensions?.reason ?? error.message,
    error.extensions?.contractIds ?? [],
    error.extensions?.fields ?? [],
  );

/** One GraphQL request to the gateway this page was served by, as the signed-in client. */
export const request = async <T>(apiKey: string, query: string, variables: object = {}, headers: Record<string, string> = {}): Promise<GraphQLAnswer<T>> => {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    return { data: null, errors: [new ApiError('NETWORK', String(error))] };
  }
  const body = (await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status}` }] }))) as {
    data?: T | null;
    errors?: WireError[];
  };
  return { data: body.data ?? null, errors: (body.errors ?? []).map(toApiError) };
};

/** A request whose every error is a failure: the first one is thrown. */
export const graphql = async <T>(apiKey: string, query: string, variables: object = {}): Promise<T> => {
  const answer = await request<T>(apiKey, query, variables);
  if (answer.errors.length > 0) throw answer.errors[0];
  return answer.data as T;
};
