import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { CALLER_CONTEXT_HEADER, loadOrCreateKeyPair, newNonce, signCallerContext } from '@shuzhi/signing';
import { codeOf } from '../../apps/platform/src/demo/platform-api.js';
import { HostilePlatform } from './hostile-platform.js';

const START_MS = 330_000;

/** The machine's own addresses other than loopback: where another host would reach it. */
const externalAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flat()
    .flatMap((address) => (address && address.family === 'IPv4' && !address.internal ? [address.address] : []));

/** The local addresses (hex, as the kernel writes them) listening on `port`, from /proc/net/tcp and tcp6. */
const listeningAddresses = async (port: number): Promise<string[]> => {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'utf8').catch(() => '')));
  return tables
    .flatMap((table) => table.split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter((columns) => columns[3] === '0A' && columns[1]?.endsWith(`:${hexPort}`))
    .map((columns) => columns[1].slice(0, columns[1].indexOf(':')));
};

const reachable = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

/**
 * The platform's inner doors, as `npm start` runs it: what a stolen or guessed key, a process on
 * the same network, or someone who got hold of a signed subgraph request can do with them.
 */
describe('service boundaries, against npm start', () => {
  let p: HostilePlatform;

  beforeAll(async () => {
    p = await HostilePlatform.start('security_boundaries');
  }, START_MS);

  afterAll(async () => {
    await p?.stop();
  }, 60_000);

  const subgraphUrl = (port: number) => `http://127.0.0.1:${port}/graphql`;

  it('a subgraph answers nobody but the gateway: not without its signed context, not with a valid API key', async () => {
    for (const headers of [{}, { authorization: `Bearer ${p.keys.admin}` }] as Array<Record<string, string>>) {
      const response = await fetch(subgraphUrl(p.ports.GOVERNANCE_PORT), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ whoAmI { clientId } }' }),
      });
      expect(response.status).toBe(401);
      expect(JSON.stringify(await response.json())).toMatch(/UNAUTHENTICATED/);
    }
  });

  it('subgraphs listen on loopback only: another host reaches the gateway alone', async () => {
    // What the kernel says each listens on: 127.0.0.1 (0100007F), never every address.
    for (const port of [p.ports.GOVERNANCE_PORT, p.ports.POPULATION_PORT, p.ports.ENTERPRISE_PORT, p.ports.SUBSIDY_PORT, p.ports.AUDIT_PORT]) {
      expect({ port, listening: await listeningAddresses(port) }).toEqual({ port, listening: ['0100007F'] });
    }
    const addresses = externalAddresses();
    for (const host of addresses) {
      expect(await reachable(host, p.ports.PORT)).toBe(true);
      for (const port of [p.ports.GOVERNANCE_PORT, p.ports.POPULATION_PORT, p.ports.ENTERPRISE_PORT, p.ports.SUBSIDY_PORT, p.ports.AUDIT_PORT]) {
        expect({ host, port, reachable: await reachable(host, port) }).toEqual({ host, port, reachable: false });
      }
    }
  });

  it('a signed request seen in transit is good once, and only at the subgraph it was meant for', async () => {
    // Someone who reads a subgraph request off the wire (or a compromised subgraph that received
    // it) holds a valid context and its body: made here with the gateway's key, as the gateway would.
    const { privateKey } = await loadOrCreateKeyPair(join(p.dataDir, 'keys'), 'gateway-context');
    const body = JSON.stringify({ query: '{ whoAmI { clientId roles } }' });
    const context = signCallerContext(
      {
        clientId: 'platform-admin',
        department: 'data-bureau',
        roles: ['PLATFORM'],
        purpose: null,
        decisionId: randomUUID(),
        correlationId: randomUUID(),
        audience: 'governance',
        nonce: newNonce(),
        issuedAt: new Date().toISOString(),
      },
      privateKey,
      { body },
    );
    const send = (port: number) =>
      fetch(subgraphUrl(port), { method: 'POST', headers: { 'content-type': 'application/json', [CALLER_CONTEXT_HEADER]: context }, body });
    // Meant for governance: the audit subgraph refuses it even before governance has seen it.
    expect((await send(p.ports.AUDIT_PORT)).status).toBe(401);
    expect((await send(p.ports.GOVERNANCE_PORT)).status).toBe(200);
    const replay = await send(p.ports.GOVERNANCE_PORT);
    expect(replay.status).toBe(401);
    expect(JSON.stringify(await replay.json())).toMatch(/replayed/);
  });

  it('wrong keys are refused before any slow hash, and guessing from one address is cut off while known keys keep working', async () => {
    for (const malformed of ['x', 'not a key at all', `shz_${'a'.repeat(600)}`]) {
      expect((await p.call(malformed, '{ purposes { code } }')).status).toBe(401);
    }
    // Well-formed keys of a real client with a wrong secret: the costly kind.
    const civil = p.credentials.find((c) => c.department === 'civil-affairs')!;
    const guesses = Array.from({ length: 30 }, () => `shz_${civil.clientId}_${randomBytes(32).toString('base64url')}`);
    const statuses: number[] = [];
    for (const guess of guesses) statuses.push((await p.call(guess, '{ purposes { code } }')).status);
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    const known = await p.call(p.keys.civilAffairs, '{ purposes { code } }');
    expect(known.status).toBe(200);
    expect(codeOf(known)).toBeUndefined();
  });
});
