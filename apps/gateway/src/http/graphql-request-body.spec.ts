import { Readable } from 'node:stream';
import { checkRequestBody, readBody } from './graphql-request-body.js';

const stream = (chunks: string[], headers: Record<string, unknown> = {}) => Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers });

describe('the POST body', () => {
  it('accepts a JSON object with a query', () => {
    expect(checkRequestBody('{"query":"{ a }","variables":{"x":1}}')).toEqual({ ok: true });
  });

  it.each([
    ['{"query":', /not valid JSON/],
    ['null', /not a GraphQL request/],
    ['"{ a }"', /not a GraphQL request/],
    ['[{"query":"{ a }"}]', /not a GraphQL request/],
    ['{"query":"   "}', /"query" must be a non-empty string/],
    ['{"variables":{}}', /"query" must be a non-empty string/],
  ])('refuses %s', (body, reason) => {
    const verdict = checkRequestBody(body);
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(reason);
  });

  it('reads a body up to the limit', async () => {
    expect(await readBody(stream(['{"query":', '"{ a }"}']), 100)).toEqual({ ok: true, body: '{"query":"{ a }"}' });
  });

  it('refuses a body past the limit, declared or streamed', async () => {
    expect(await readBody(stream(['x'], { 'content-length': '101' }), 100)).toEqual({ ok: false, tooLarge: true });
    expect(await readBody(stream(['x'.repeat(60), 'x'.repeat(60)]), 100)).toEqual({ ok: false, tooLarge: true });
  });
});
