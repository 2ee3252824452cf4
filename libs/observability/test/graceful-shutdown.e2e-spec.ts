import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PostgresEventStore } from '@shuzhi/event-store';
import { createTestDatabase, waitUntil, type TestDatabase } from '@shuzhi/testing';

const REGISTER_TYPESCRIPT = fileURLToPath(new URL('../../testing/register-typescript.mjs', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/slow-subgraph.main.ts', import.meta.url));

interface LogLine {
  level: string;
  msg: string;
  correlationId?: string;
  service?: string;
  [field: string]: unknown;
}

/** A subgraph process as runSubgraph runs it, its JSON log lines collected as they come. */
const startFixture = (databaseUrl: string) => {
  const child = spawn(process.execPath, ['--import', REGISTER_TYPESCRIPT, FIXTURE], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      SHUZHI_GATEWAY_PUBLIC_KEY: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const lines = (): LogLine[] =>
    output.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  return { child, output, lines };
};

const exited = (child: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

describe('a subgraph process (runSubgraph) in operation', () => {
  let database: TestDatabase;
  let fixture: ReturnType<typeof startFixture>;
  let baseUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase('graceful_shutdown');
    fixture = startFixture(database.url);
    // The harnesses' own pattern, on the JSON line.
    await waitUntil(() => /subgraph: (http:\/\/\S+)\/graphql/.test(fixture.output.stdout) || fixture.child.exitCode !== null, {
      timeoutMs: 90_000,
      what: 'the fixture subgraph to listen',
    });
    const started = /subgraph: (http:\/\/\S+)\/graphql/.exec(fixture.output.stdout);
    if (!started) throw new Error(`the fixture did not start: ${fixture.output.stdout}${fixture.output.stderr}`);
    baseUrl = started[1];
  });

  afterAll(async () => {
    if (fixture?.child.exitCode === null && fixture.child.signalCode === null) fixture.child.kill('SIGKILL');
    await database?.drop();
  });

  it('logs JSON lines, the address line among them, named by service', () => {
    const listening = fixture.lines().find((line) => line.msg.startsWith('fixture subgraph: '));
    expect(listening).toMatchObject({ level: 'info', service: 'fixture', msg: `fixture subgraph: ${baseUrl}/graphql` });
  });

  it('answers /health with 200 once its read models are built', async () => {
    await waitUntil(() => fetch(`${baseUrl}/health`).then((r) => r.ok), { timeoutMs: 60_000, what: 'the fixture to be ready' });
    const response = await fetch(`${baseUrl}/health`);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('serves Prometheus metrics without a key: requests, projection lag, process metrics; counts only', async () => {
    const store = await PostgresEventStore.connect({ connectionString: database.url });
    try {
      await store.appendToStream('counter-a', [{ type: 'Counted', data: { n: 1 } }], { expectedVersion: 'no-stream' });
    } finally {
      await store.close();
    }
    const response = await fetch(`${baseUrl}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const body = await response.text();
    expect(body).toMatch(/shuzhi_http_requests_total\{method="GET",route="\/health",status="200",service="fixture"\} \d+/);
    expect(body).toMatch(/shuzhi_projection_lag_events\{projection="stream-counters",service="fixture"\} \d+/);
    expect(body).toMatch(/shuzhi_projection_lag_seconds\{projection="stream-counters",service="fixture"\} [\d.e-]+/);
    expect(body).toMatch(/shuzhi_process_resident_memory_bytes\{service="fixture"\} \d+/);
    expect(body).not.toMatch(/counter-a/);
    // The projection catches up: its lag reads 0 events.
    await waitUntil(
      async () => /shuzhi_projection_lag_events\{projection="stream-counters",service="fixture"\} 0\n/.test(await (await fetch(`${baseUrl}/metrics`)).text()),
      { timeoutMs: 30_000, what: 'the projection to catch up' },
    );
  });

  it('on SIGTERM finishes the request in flight, logs it with its correlation id, then exits 0 leaving nothing behind', async () => {
    const port = Number(new URL(baseUrl).port);
    const answer = fetch(`${baseUrl}/slow`, { headers: { 'x-correlation-id': 'corr-shutdown-1' } });
    await waitUntil(() => fixture.lines().some((line) => line.msg === 'slow request started'), {
      timeoutMs: 30_000,
      what: 'the slow request to be in flight',
    });

    fixture.child.kill('SIGTERM');
    const response = await answer;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });

    expect(await exited(fixture.child)).toEqual({ code: 0, signal: null });
    expect(await refusesConnections(port)).toBe(true);
    const served = fixture.lines().find((line) => line.msg === 'request served' && line.route === '/slow');
    expect(served).toMatchObject({ correlationId: 'corr-shutdown-1', status: 200, service: 'fixture' });
    expect(fixture.lines().map((line) => line.msg)).toEqual(expect.arrayContaining(['fixture subgraph stopping', 'fixture subgraph stopped']));
    // Nothing was cut short: no error lines, nothing on stderr.
    expect(fixture.lines().filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
    expect(fixture.output.stderr).toBe('');
  });
});
