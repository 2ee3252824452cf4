import { waitUntil } from '@shuzhi/testing';
import { getIntrospectionQuery } from 'graphql';
import { GatewayHarness } from './gateway-harness.js';

const PURPOSES = '{ purposes { code name } }';
const REGISTER_DEPARTMENT = 'mutation ($input: RegisterDepartmentInput!) { registerDepartment(input: $input) { code name } }';
const REGISTER_PURPOSE = 'mutation ($input: RegisterPurposeInput!) { registerPurpose(input: $input) { code } }';
const REVOKE_KEY = 'mutation ($clientId: ID!) { revokeClientKey(clientId: $clientId, reason: "left the project") }';

describe('gateway (real gateway, real governance subgraph, real PostgreSQL)', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start('gateway_e2e');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  describe('the signed caller context', () => {
    it('lets the platform admin read purposes and register a department through the gateway', async () => {
      const answer = await harness.call(harness.adminKey, PURPOSES);
      expect(answer).toMatchObject({ status: 200, data: { purposes: expect.any(Array) } });
      expect(answer.errors).toBeUndefined();

      const registered = await harness.ok(harness.adminKey, REGISTER_DEPARTMENT, { input: { code: 'civil-affairs', name: '民政局' } });
      expect(registered.registerDepartment).toEqual({ code: 'civil-affairs', name: '民政局' });
      // The listing is a read model: it catches up with the registration shortly after.
      await waitUntil(
        async () => {
          const { departments } = await harness.ok(harness.adminKey, '{ departments { code } }');
          return departments.some((d: { code: string }) => d.code === 'civil-affairs');
        },
        { what: 'the department to be listed' },
      );
    });

    it('carries who asked and the correlation id into the events the subgraph writes', async () => {
      await harness.ok(harness.adminKey, REGISTER_PURPOSE, { input: { code: 'AUDIT_TRAIL', name: '审计追溯' } }, { 'x-correlation-id': 'ticket-4711' });
      const [event] = await harness.store.readStream('purpose-AUDIT_TRAIL');
      expect(event.metadata).toMatchObject({
        correlationId: 'ticket-4711',
        actor: { client: 'platform-admin', department: 'data-bureau' },
      });
    });

    it('passes on the roles of the caller: a consumer may not do what the platform may', async () => {
      await harness.ok(harness.adminKey, REGISTER_DEPARTMENT, { input: { code: 'human-resources', name: '人力资源和社会保障局' } });
      const consumer = await harness.issueKey('human-resources', ['CONSUMER']);
      const answer = await harness.call(consumer.apiKey, REGISTER_DEPARTMENT, { input: { code: 'rogue', name: 'rogue' } });
      expect(answer.status).toBe(200);
      expect(answer.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    });

    it('never serves one caller the answer of another: identical requests in flight are not merged', async () => {
      await harness.ok(harness.adminKey, REGISTER_DEPARTMENT, { input: { code: 'audit-office', name: '审计办' } });
      const [auditor, consumer] = [await harness.issueKey('audit-office', ['AUDITOR']), await harness.issueKey('audit-office', ['CONSUMER'])];
      const who = '{ whoAmI { clientId roles } }';
      // Interleaved, so that the same text is in flight for both callers at once; with the HTTP
      // executor's de-duplication about half of the answers went to the wrong caller.
      const calls = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? auditor : consumer));
      const answers = await Promise.all(calls.map((key) => harness.call<{ whoAmI: { clientId: string } }>(key.apiKey, who)));
      const swapped = answers.filter((answer, i) => answer.data?.whoAmI.clientId !== calls[i].clientId);
      expect(swapped).toEqual([]);
    });

    it('is required by the subgraph: calling governance directly, even with a valid API key, is refused', async () => {
      const attempts: Array<Record<string, string>> = [{}, { authorization: `Bearer ${harness.adminKey}` }];
      for (const headers of attempts) {
        const answer = await harness.post(JSON.stringify({ query: PURPOSES }), headers, harness.governanceUrl);
        expect(answer.data ?? null).toBeNull();
        expect(answer.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      }
    });
  });

  describe('authentication', () => {
    it('refuses a missing key, a wrong key and a key that names no client', async () => {
      const issued = await harness.issueKey('civil-affairs', ['STEWARD']);
      const forged = `${issued.apiKey.slice(0, -4)}AAAA`;
      for (const key of [null, forged, 'not-a-key', `shz_${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}_${'A'.repeat(43)}`]) {
        const answer = await harness.call(key, PURPOSES);
        expect(answer.status).toBe(401);
        expect(answer.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
      }
    });

    it('accepts a key issued through the gateway and stops it within a second of its revocation', async () => {
      const issued = await harness.issueKey('civil-affairs', ['CONSUMER']);
      expect((await harness.call(issued.apiKey, PURPOSES)).status).toBe(200);

      await harness.ok(harness.adminKey, REVOKE_KEY, { clientId: issued.clientId });
      await waitUntil(async () => (await harness.call(issued.apiKey, PURPOSES)).status === 401, {
        timeoutMs: 1_000,
        what: 'the revoked key to be refused',
      });
      const answer = await harness.call(issued.apiKey, PURPOSES);
      expect(answer.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect((await harness.call(harness.adminKey, PURPOSES)).status).toBe(200);
    });

    it('serves queries over GET too, with the same key check, but no mutations', async () => {
      const url = (query: string) => `${harness.gatewayUrl}/graphql?query=${encodeURIComponent(query)}`;
      expect((await fetch(url(PURPOSES))).status).toBe(401);
      const answer = await fetch(url(PURPOSES), { headers: { authorization: `Bearer ${harness.adminKey}` } });
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ data: { purposes: expect.any(Array) } });
      const mutation = await fetch(url('mutation { registerPurpose(input: { code: "VIA_GET", name: "no" }) { code } }'), {
        headers: { authorization: `Bearer ${harness.adminKey}` },
      });
      expect(mutation.status).toBe(405);
      expect((await mutation.json()).errors[0].extensions.code).toBe('VALIDATION_FAILED');
    });

    it('answers introspection to authenticated clients only', async () => {
      expect((await harness.call(null, getIntrospectionQuery())).status).toBe(401);
      const answer = await harness.call(harness.adminKey, getIntrospectionQuery());
      expect(answer.errors).toBeUndefined();
      expect(answer.data?.__schema.queryType.name).toBe('Query');
    });
  });

  describe('refusals, each with a clear error, and the gateway keeps serving', () => {
    const auth = () => ({ authorization: `Bearer ${harness.adminKey}` });

    afterEach(async () => {
      expect(await harness.call(harness.adminKey, PURPOSES)).toMatchObject({ status: 200, data: { purposes: expect.any(Array) } });
    });

    it('malformed JSON: 400', async () => {
      const answer = await harness.post('{"query": "{ purposes { code } }"', auth());
      expect(answer.status).toBe(400);
      expect(answer.errors?.[0].extensions.code).toBe('VALIDATION_FAILED');
      expect(answer.errors?.[0].message).toMatch(/not valid JSON/);
    });

    it.each([
      ['a JSON array', '[1, 2, 3]'],
      ['an object without a query', '{"hello": "world"}'],
      ['a query that is not a string', '{"query": 42}'],
    ])('a body that is not a GraphQL request (%s): 400', async (_name, body) => {
      const answer = await harness.post(body, auth());
      expect(answer.status).toBe(400);
      expect(answer.errors?.[0].extensions.code).toBe('VALIDATION_FAILED');
      expect(answer.errors?.[0].message).toMatch(/not a GraphQL request/);
    });

    it('a 10 MB body: 413', async () => {
      const answer = await harness.post(JSON.stringify({ query: `{ purposes { code } } #${'x'.repeat(10 * 1024 * 1024)}` }), auth());
      expect(answer.status).toBe(413);
      expect(answer.errors?.[0].extensions.code).toBe('VALIDATION_FAILED');
      expect(answer.errors?.[0].message).toMatch(/larger than 1048576 bytes/);
    });

    it('a query that does not parse', async () => {
      const answer = await harness.call(harness.adminKey, '{ purposes { code }');
      expect(answer.errors?.[0].extensions.code).toBe('VALIDATION_FAILED');
      expect(answer.errors?.[0].message).toMatch(/Syntax Error/);
    });

    it('200-deep nesting: QUERY_TOO_COMPLEX', async () => {
      const query = `{ ${'purposes { '.repeat(200)}code${' }'.repeat(200)} }`;
      const answer = await harness.call(harness.adminKey, query);
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      expect(answer.errors?.[0].message).toMatch(/deeper than 15 levels/);
    });

    it('10 000 aliases: QUERY_TOO_COMPLEX', async () => {
      const query = `{ ${Array.from({ length: 10_000 }, (_, i) => `a${i}: purposes { code }`).join(' ')} }`;
      const answer = await harness.call(harness.adminKey, query);
      expect(answer.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      expect(answer.errors?.[0].message).toMatch(/more than 5000 tokens/);
    });

    it('more aliases than allowed, within the token limit: QUERY_TOO_COMPLEX', async () => {
      const query = `{ ${Array.from({ length: 31 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
      const answer = await harness.call(harness.adminKey, query);
      expect(answer.errors?.[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
      expect(answer.errors?.[0].message).toMatch(/31 aliases; at most 30/);
    });

    it('an unknown field: VALIDATION_FAILED', async () => {
      const answer = await harness.call(harness.adminKey, '{ purposes { code secretColumn } }');
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors?.[0].extensions).toEqual({ code: 'VALIDATION_FAILED', reason: expect.stringMatching(/secretColumn/) });
    });

    it('a variable of the wrong type: VALIDATION_FAILED', async () => {
      const answer = await harness.call(harness.adminKey, REGISTER_DEPARTMENT, { input: { code: 42, name: ['not', 'a', 'string'] } });
      expect(answer.data ?? null).toBeNull();
      expect(answer.errors?.[0].extensions.code).toBe('VALIDATION_FAILED');
      expect(answer.errors?.[0].message).toMatch(/\$input/);
    });

    it('an error of the subgraph passes through with its code', async () => {
      const answer = await harness.call(harness.adminKey, REGISTER_DEPARTMENT, { input: { code: 'civil-affairs', name: '民政局' } });
      expect(answer.errors?.[0].extensions).toMatchObject({ code: 'INVALID_TRANSITION', reason: expect.stringMatching(/registered already/) });
    });
  });

  describe('health', () => {
    it('is 200 without a key while the gateway and governance answer, 503 once governance is gone', async () => {
      const up = await fetch(`${harness.gatewayUrl}/health`);
      expect(up.status).toBe(200);
      expect(await up.json()).toMatchObject({ status: 'ok', subgraphs: { governance: 'up' } });

      await harness.governance.close();
      const down = await fetch(`${harness.gatewayUrl}/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'unavailable', down: ['governance'] });
    });
  });
});
