import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateKeyPair } from '@shuzhi/signing';
import { createTestDatabase, waitUntil, type TestDatabase } from '@shuzhi/testing';
import { composeSupergraph } from '../../apps/gateway/src/composition/compose-supergraph.js';
import { fetchSubgraphSdls } from '../../apps/gateway/src/composition/subgraph-sdl.js';
import { credentialOf, readDemoCredentials, type DemoCredential } from '../../apps/platform/src/demo/demo-credentials.js';
import { CIVIL_AFFAIRS_SYSTEM, DEMO_CLIENTS, MINIMUM_LIVING } from '../../apps/platform/src/demo/demo-plan.js';
import { demoResidents } from '../../apps/platform/src/demo/demo-residents.js';
import { runTour } from '../../apps/platform/src/demo/demo-tour.js';
import { PlatformApi } from '../../apps/platform/src/demo/platform-api.js';
import { childPidsOf, freePlatformPorts, portIsFree, processIsAlive, PlatformProcess, type PlatformPorts } from './platform-process.js';

const START_MS = 300_000;

/**
 * `npm start` end to end: the platform's own entry point starts every subgraph and the gateway
 * on one PostgreSQL, seeds the demo through the gateway, serves the tour, and stops on SIGTERM
 * with nothing left behind; a second start on the same data seeds nothing again.
 */
describe('the platform as npm start runs it', () => {
  let database: TestDatabase;
  let dataDir: string;
  let ports: PlatformPorts;
  let platform: PlatformProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('platform');
    dataDir = await mkdtemp(join(tmpdir(), 'shuzhi-platform-'));
    ports = await freePlatformPorts();
    env = {
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, String(port)])),
      DATABASE_URL: database.url,
      SHUZHI_DATA_DIR: dataDir,
      SHUZHI_DEMO: 'on',
    };
    platform = await PlatformProcess.start(env, START_MS);
  }, START_MS + 30_000);

  afterAll(async () => {
    await platform?.kill();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  const api = () => new PlatformApi(`http://127.0.0.1:${ports.PORT}`);

  it('writes every demo client to demo-credentials.json, the platform key first, each key working', async () => {
    const credentials = await readDemoCredentials(dataDir);

    expect(credentials[0]).toMatchObject({ department: 'data-bureau', roles: ['PLATFORM'], clientId: 'platform-admin' });
    expect(credentials.slice(1).map(({ department, roles }) => ({ department, roles }))).toEqual(
      DEMO_CLIENTS.map(({ department, roles }) => ({ department, roles })),
    );
    for (const { apiKey } of credentials) expect((await api().call(apiKey, '{ purposes { code } }')).status).toBe(200);
    expect(platform!.output).toContain(`http://localhost:${ports.PORT}/graphql`);
    expect(platform!.output).toContain(`-H 'x-purpose: ${MINIMUM_LIVING}'`);
  });

  it('seeds contracts in each state a steward meets', async () => {
    const credentials = await readDemoCredentials(dataDir);
    const { sharingContracts } = await api().ok<{ sharingContracts: Array<{ status: string; masking: unknown[]; consentRequired: boolean }> }>(
      credentialOf(credentials, 'data-bureau', ['PLATFORM']).apiKey,
      '{ sharingContracts { status masking { field rule } consentRequired } }',
    );

    expect(new Set(sharingContracts.map((c) => c.status))).toEqual(new Set(['ACTIVE', 'PROVIDER_REVIEW', 'SUSPENDED', 'REJECTED']));
    expect(sharingContracts.some((c) => c.status === 'ACTIVE' && c.masking.length > 0)).toBe(true);
    expect(sharingContracts.some((c) => c.status === 'ACTIVE' && c.consentRequired)).toBe(true);
  });

  it('composes the supergraph committed in schemas/ (after changing a subgraph\'s schema: npm run compose:supergraph)', async () => {
    const { privateKey } = await loadOrCreateKeyPair(join(dataDir, 'keys'), 'gateway-context');
    const at = (port: number) => `http://127.0.0.1:${port}`;
    // The order of DEFAULT_SUBGRAPH_ENDPOINTS, which the committed file is composed in.
    const composed = composeSupergraph(
      await fetchSubgraphSdls(
        {
          governance: at(ports.GOVERNANCE_PORT),
          population: at(ports.POPULATION_PORT),
          enterprise: at(ports.ENTERPRISE_PORT),
          subsidy: at(ports.SUBSIDY_PORT),
          audit: at(ports.AUDIT_PORT),
        },
        privateKey,
      ),
    );
    const committed = await readFile(new URL('../../schemas/supergraph.graphql', import.meta.url), 'utf8');
    // Where each subgraph is reached comes from SUBGRAPHS when the gateway starts from the file.
    const withoutUrls = (sdl: string) => sdl.replace(/url: "[^"]*"/g, 'url: ""').trim();
    expect(withoutUrls(composed)).toBe(withoutUrls(committed));
  });

  it('runs the demo tour: every step holds', async () => {
    const outcomes = await runTour({
      api: api(),
      credentials: await readDemoCredentials(dataDir),
      // No timing assertion here: the machine is shared; the tour's own default is a second.
      withdrawalDeadlineMs: 30_000,
      settleTimeoutMs: 60_000,
      log: () => {},
    });

    expect(outcomes.filter((o) => !o.ok)).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(10);
  }, 180_000);

  it('stops on SIGTERM with nothing left running, and a second start reuses the data', async () => {
    const children = await childPidsOf(platform!.pid);
    expect(children.length).toBeGreaterThanOrEqual(4);
    const before: DemoCredential[] = await readDemoCredentials(dataDir);

    expect(await platform!.stop()).toBe(0);

    await waitUntil(() => children.every((pid) => !processIsAlive(pid)), { timeoutMs: 30_000, what: 'every subgraph process to exit' });
    for (const port of Object.values(ports)) expect(await portIsFree(port)).toBe(true);

    platform = await PlatformProcess.start(env, START_MS);
    expect(platform.output).not.toMatch(/Demo: seeded/);
    expect(await readFile(join(dataDir, 'demo-credentials.json'), 'utf8')).toBe(`${JSON.stringify(before, null, 2)}\n`);
    const civilAffairs = credentialOf(before, CIVIL_AFFAIRS_SYSTEM.department, CIVIL_AFFAIRS_SYSTEM.roles).apiKey;
    const [resident] = demoResidents();
    const { resident: read } = await api().ok<{ resident: { name: string } }>(civilAffairs, 'query ($id: ID!) { resident(id: $id) { name } }', { id: resident.id }, { purpose: MINIMUM_LIVING });
    expect(read.name).toMatch(/\*/);

    expect(await platform.stop()).toBe(0);
    platform = undefined;
  }, 2 * START_MS);
});
