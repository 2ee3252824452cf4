import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplication } from '@nestjs/common';
import { PostgresEventStore } from '@shuzhi/event-store';
import { generateApiKey } from '@shuzhi/signing';
import { createTestDatabase, startSubgraphProcess, waitUntil, type TestDatabase } from '@shuzhi/testing';
import { decideSeed, seedEnterprises } from '../../apps/enterprise/src/seed/seed-enterprises.js';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app.js';
import { baseUrlOf, newKeyPair } from '../../apps/gateway/test/gateway-harness.js';
import { PlatformApi, type ApiAnswer } from '../../apps/platform/src/demo/platform-api.js';
import { generatePopulation } from '../../apps/population/src/seed/population-generator.js';
import { writePopulation } from '../../apps/population/src/seed/seed-writer.js';
import { freePort } from './platform-process.js';

const API_CODES = [
  'UNAUTHENTICATED', 'FORBIDDEN', 'PURPOSE_REQUIRED', 'CONTRACT_REQUIRED', 'CONSENT_REQUIRED', 'QUOTA_EXCEEDED', 'VALIDATION_FAILED',
  'NOT_FOUND', 'INVALID_TRANSITION', 'CONCURRENCY_CONFLICT', 'INCOMPATIBLE_SCHEMA', 'QUERY_TOO_COMPLEX', 'INTERNAL',
];
const ENTERPRISE_SEED = { seed: 'outage', count: 3 };

/**
 * One subgraph dies while the gateway serves: what needs it fails with a clear error, the rest
 * keeps working, and when it comes back on its port the same gateway serves it again.
 */
describe('a subgraph outage behind a running gateway', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;
  let dataDir: string;
  let gateway: INestApplication;
  let api: PlatformApi;
  const children: ChildProcess[] = [];
  let enterprise: ChildProcess;
  let enterprisePort: number;
  let subgraphEnv: Record<string, string>;
  const adminKey = generateApiKey('platform-admin').apiKey;
  const gatewayKeys = newKeyPair();
  let marketSteward: string;
  let populationSteward: string;
  let creditCode: string;
  let residentId: string;

  const readEnterprise = () => api.call<{ enterprise: { name: string } | null }>(marketSteward, 'query ($c: String!) { enterprise(creditCode: $c) { name status } }', { c: creditCode });
  const readResident = () => api.call<{ resident: { name: string } | null }>(populationSteward, 'query ($id: ID!) { resident(id: $id) { name } }', { id: residentId });
  const served = (answer: ApiAnswer<Record<string, unknown>>) => answer.status === 200 && !answer.errors && Object.values(answer.data ?? {})[0] != null;
  const health = () => fetch(`${api.gatewayUrl}/health`).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  beforeAll(async () => {
    database = await createTestDatabase('subgraph_outage');
    store = await PostgresEventStore.connect({ connectionString: database.url });
    dataDir = await mkdtemp(join(tmpdir(), 'shuzhi-outage-'));
    subgraphEnv = {
      DATABASE_URL: database.url,
      SHUZHI_DATA_DIR: dataDir,
      SHUZHI_GATEWAY_PUBLIC_KEY: gatewayKeys.publicKeyPem,
      SHUZHI_ADMIN_KEY: adminKey,
      SHUZHI_RECEIPT_PRIVATE_KEY: newKeyPair().privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      SHUZHI_SCHEMAS_DIR: fileURLToPath(new URL('../../schemas', import.meta.url)),
    };
    const ports = { governance: await freePort(), population: await freePort(), enterprise: await freePort() };
    enterprisePort = ports.enterprise;
    children.push((await startSubgraphProcess('governance', subgraphEnv, { port: ports.governance })).child);
    const [population, started] = await Promise.all([
      startSubgraphProcess('population', subgraphEnv, { port: ports.population }).then((s) => s.child),
      startSubgraphProcess('enterprise', subgraphEnv, { port: ports.enterprise }).then((s) => s.child),
    ]);
    enterprise = started;
    children.push(population, enterprise);
    gateway = await createGatewayApp({
      databaseUrl: database.url,
      store,
      gatewayKeys,
      subgraphs: Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}`])),
    });
    await gateway.listen(0, '127.0.0.1');
    api = new PlatformApi(await baseUrlOf(gateway));

    const issue = async (departmentCode: string) => {
      const { issueClientKey } = await api.ok<{ issueClientKey: { apiKey: string } }>(
        adminKey,
        'mutation ($input: IssueClientKeyInput!) { issueClientKey(input: $input) { apiKey } }',
        { input: { departmentCode, name: `${departmentCode} steward`, roles: ['STEWARD'] } },
      );
      await api.untilKeyWorks(issueClientKey.apiKey, departmentCode);
      return issueClientKey.apiKey;
    };
    marketSteward = await issue('market-regulation');
    populationSteward = await issue('public-security');
    const now = new Date().toISOString();
    const people = [...generatePopulation({ seed: 7, residents: 5, asOf: '2026-01-01', now })];
    await writePopulation(store, people);
    const residentIds = people.flatMap((h) => h.residents.map((r) => r.register.residentId));
    residentId = residentIds[0];
    await seedEnterprises(store, { ...ENTERPRISE_SEED, residentIds });
    creditCode = decideSeed({ ...ENTERPRISE_SEED, residentIds })[0].streamId.replace(/^enterprise-/, '');
    await waitUntil(async () => served(await readEnterprise()) && served(await readResident()), { timeoutMs: 30_000, what: 'the seeded rows to be served' });
  }, 600_000);

  afterAll(async () => {
    await gateway?.close();
    await Promise.all(
      children.map((child) => new Promise<void>((done) => (child.exitCode !== null || child.signalCode !== null ? done() : (child.once('exit', () => done()), child.kill('SIGTERM'))))),
    );
    await store?.close();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('fails what needs the dead subgraph with an API code naming it, serves the rest, and recovers when it is back', async () => {
    const exited = new Promise((resolve) => enterprise.once('exit', resolve));
    enterprise.kill('SIGKILL');
    await exited;

    const refused = await readEnterprise();
    expect(refused.status).toBe(200);
    expect(refused.data?.enterprise ?? null).toBeNull();
    expect(refused.errors).toHaveLength(1);
    const [error] = refused.errors!;
    expect(API_CODES).toContain(error.extensions?.code);
    expect(error.extensions?.reason).toMatch(/enterprise/);

    expect(served(await readResident())).toBe(true);
    expect((await api.call(adminKey, '{ purposes { code } }')).errors).toBeUndefined();
    const down = await health();
    expect(down.status).toBe(503);
    expect(JSON.stringify(down.body)).toContain('enterprise');

    const { child: restarted } = await startSubgraphProcess('enterprise', subgraphEnv, { port: enterprisePort });
    children.push(restarted);

    await waitUntil(async () => served(await readEnterprise()), { timeoutMs: 30_000, what: 'the enterprise subgraph to be served again' });
    expect(served(await readResident())).toBe(true);
    expect((await health()).status).toBe(200);
  }, 240_000);
});
