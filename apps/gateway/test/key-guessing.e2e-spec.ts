import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { Client } from 'pg';
import { waitUntil } from '@shuzhi/testing';
import { GatewayHarness } from './gateway-harness.js';

const PURPOSES = '{ purposes { code } }';
const ISSUE_KEY = 'mutation ($input: IssueClientKeyInput!) { issueClientKey(input: $input) { clientId apiKey } }';

interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: { data?: unknown; errors?: Array<{ message: string; extensions: { code: string } }> };
}

describe('key guessing (real gateway, real governance subgraph, real PostgreSQL)', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start('gateway_key_guessing');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  /** A query from a loopback address of our choosing: each is a source of its own to the gateway. */
  const callFrom = (localAddress: string, apiKey: string): Promise<RawAnswer> =>
    new Promise((resolve, reject) => {
      const url = new URL(`${harness.gatewayUrl}/graphql`);
      const body = JSON.stringify({ query: PURPOSES });
      const sent = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          localAddress,
          // A forwarding header is the client's to write: it must change nothing.
          headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}`, 'x-forwarded-for': `10.9.${randomBytes(1)[0]}.1` },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode!, headers: response.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }),
          );
          response.on('error', reject);
        },
      );
      sent.on('error', reject);
      sent.end(body);
    });

  /** A key issued through the gateway and in its clients read model, but presented by nobody yet. */
  const issueUnusedKey = async (): Promise<{ clientId: string; apiKey: string }> => {
    const { issueClientKey } = await harness.ok(harness.adminKey, ISSUE_KEY, {
      input: { departmentCode: 'data-bureau', name: 'unused system', roles: ['CONSUMER'] },
    });
    const client = new Client({ connectionString: harness.database.url });
    await client.connect();
    try {
      await waitUntil(async () => (await client.query('select 1 from gateway.clients where "clientId" = $1', [issueClientKey.clientId])).rowCount === 1, {
        what: 'the gateway to know the new client',
      });
    } finally {
      await client.end();
    }
    return issueClientKey;
  };

  it('refuses a source past 20 wrong keys a minute with 429 before any hash, and keeps serving verified keys and other sources', async () => {
    const attacker = '127.0.0.2';
    expect((await callFrom(attacker, harness.adminKey)).status).toBe(200);
    const unused = await issueUnusedKey();
    const guesses = [
      // Shaped like the bootstrap key, so checked against the platform admin's hash...
      ...Array.from({ length: 15 }, () => randomBytes(32).toString('base64')),
      // ...and well-formed keys of a real client with a wrong secret.
      ...Array.from({ length: 15 }, () => `shz_${unused.clientId}_${randomBytes(32).toString('base64url')}`),
    ];
    const answers: RawAnswer[] = [];
    for (const guess of guesses) answers.push(await callFrom(attacker, guess));

    expect(answers.slice(0, 20).map((answer) => answer.status)).toEqual(Array(20).fill(401));
    for (const answer of answers.slice(20)) {
      expect(answer.status).toBe(429);
      expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0);
      expect(Number(answer.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(answer.body.errors).toEqual([
        { message: expect.stringMatching(/too many wrong API keys from this address/), extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) },
      ]);
    }

    // A key this gateway verified before keeps working from the blocked source; a good key
    // it has not verified yet waits there, and works from anywhere else.
    expect((await callFrom(attacker, harness.adminKey)).status).toBe(200);
    expect((await callFrom(attacker, unused.apiKey)).status).toBe(429);
    const elsewhere = await callFrom('127.0.0.3', unused.apiKey);
    expect(elsewhere).toMatchObject({ status: 200, body: { data: { purposes: expect.any(Array) } } });
    expect((await callFrom(attacker, unused.apiKey)).status).toBe(200);
    expect((await callFrom('127.0.0.1', harness.adminKey)).status).toBe(200);
  });

  it('answers a string that cannot be a key with 401 at once, from any number of them', async () => {
    for (let i = 0; i < 30; i++) expect((await callFrom('127.0.0.4', `short-${i}`)).status).toBe(401);
    expect((await callFrom('127.0.0.4', harness.adminKey)).status).toBe(200);
  });
});
