import { InMemoryEventStore } from '@shuzhi/event-store';
import { metrics } from '@shuzhi/observability';
import { GatewayHarness } from '../../test/gateway-harness.js';
import { withAccessRecordMetrics } from './access-record-metrics.js';

const REGISTER_DEPARTMENT = 'mutation ($input: RegisterDepartmentInput!) { registerDepartment(input: $input) { code } }';

describe('gateway observability (real gateway, real governance subgraph, real PostgreSQL)', () => {
  let harness: GatewayHarness;

  beforeAll(async () => {
    harness = await GatewayHarness.start('gateway_observability');
  });

  afterAll(async () => {
    await harness?.stop();
  });

  const post = (query: string, variables: object, headers: Record<string, string> = {}) =>
    fetch(`${harness.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${harness.adminKey}`, ...headers },
      body: JSON.stringify({ query, variables }),
    });

  it("keeps the client's correlation id, echoes it, and the events it causes carry it", async () => {
    const response = await post(REGISTER_DEPARTMENT, { input: { code: 'civil-affairs', name: '民政局' } }, { 'x-correlation-id': 'corr-obs-1' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toBe('corr-obs-1');
    expect((await response.json()).errors).toBeUndefined();
    const [registered] = await harness.store.readStream('department-civil-affairs');
    expect(registered.metadata.correlationId).toBe('corr-obs-1');
  });

  it('makes one up when the client gives none, or one that is not a plain token', async () => {
    const none = await post('{ purposes { code } }', {});
    expect(none.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
    const smuggled = await post('{ purposes { code } }', {}, { 'x-correlation-id': 'two words <b>' });
    expect(smuggled.headers.get('x-correlation-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves /metrics without a key: operations by type and outcome, HTTP requests, the projections’ lag; nothing of the data', async () => {
    await post('{ nothingHere }', {});
    const response = await fetch(`${harness.gatewayUrl}/metrics`);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toMatch(/shuzhi_graphql_operations_total\{operation_type="mutation",outcome="ok"\} [1-9]/);
    expect(body).toMatch(/shuzhi_graphql_operations_total\{operation_type="query",outcome="ok"\} [1-9]/);
    expect(body).toMatch(/shuzhi_http_requests_total\{method="POST",route="\/graphql",status="200"\} [1-9]/);
    expect(body).toMatch(/shuzhi_projection_lag_events\{projection="gateway\.clients"\} \d+/);
    expect(body).toMatch(/shuzhi_projection_lag_seconds\{projection="gateway\.policy-snapshot"\} [\d.e-]+/);
    expect(body).not.toMatch(/civil-affairs|民政局|corr-obs-1/);
  });
});

describe('access record metrics', () => {
  it('counts decisions by outcome once recorded, with the group size and its append time', async () => {
    const store = withAccessRecordMetrics(new InMemoryEventStore());
    // Copied: prom-client answers its live counters, which the appends below then move.
    const before = structuredClone(await metrics().policyDecisions.get());
    const count = (outcome: string, code: string, of = before) =>
      of.values.find((v) => v.labels.outcome === outcome && v.labels.code === code)?.value ?? 0;
    await store.appendToStream(
      'access-2026-11-27',
      [
        { type: 'AccessRecorded', data: { outcome: 'ALLOW' } },
        { type: 'AccessRecorded', data: { outcome: 'PARTIAL' } },
        { type: 'AccessRefused', data: { code: 'CONSENT_REQUIRED' } },
      ],
      { expectedVersion: 'any' },
    );
    const after = await metrics().policyDecisions.get();
    expect(count('ALLOW', '', after) - count('ALLOW', '')).toBe(1);
    expect(count('PARTIAL', '', after) - count('PARTIAL', '')).toBe(1);
    expect(count('REFUSED', 'CONSENT_REQUIRED', after) - count('REFUSED', 'CONSENT_REQUIRED')).toBe(1);
    const batches = await metrics().accessRecordBatch.get();
    expect(batches.values.find((v) => v.metricName === 'shuzhi_access_record_batch_size_sum')?.value).toBeGreaterThanOrEqual(3);
  });
});
