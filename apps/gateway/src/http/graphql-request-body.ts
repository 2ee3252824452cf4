/** A POST body the gateway hands on to the GraphQL runtime, or why it refuses it. */
export type RequestBodyVerdict = { ok: true } | { ok: false; reason: string };

/**
 * GraphQL over HTTP's POST body: a JSON object with a `query` string. What is refused here is
 * what is not a GraphQL request at all (400); the runtime checks the rest (variables,
 * operationName) and the query itself.
 */
export const checkRequestBody = (body: string): RequestBodyVerdict => {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return { ok: false, reason: `the request body is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'the request body is not a GraphQL request: expected a JSON object { query, variables?, operationName? }' };
  }
  const { query } = value as Record<string, unknown>;
  if (typeof query !== 'string' || query.trim() === '') {
    return { ok: false, reason: 'the request body is not a GraphQL request: "query" must be a non-empty string' };
  }
  return { ok: true };
};

export type BodyRead = { ok: true; body: string } | { ok: false; tooLarge: true };

/**
 * The request body, up to `limit` bytes. Past the limit it stops keeping what arrives but keeps
 * reading, so the client, still sending, receives the refusal instead of a broken connection.
 */
export const readBody = (request: NodeJS.ReadableStream & { headers: Record<string, unknown> }, limit: number): Promise<BodyRead> =>
  new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      request.resume();
      resolve({ ok: false, tooLarge: true });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      resolve({ ok: false, tooLarge: true });
    });
    request.on('end', () => resolve({ ok: true, body: Buffer.concat(chunks).toString('utf8') }));
    request.on('error', reject);
  });
