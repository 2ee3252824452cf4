import { Kind, type OperationDefinitionNode } from 'graphql';
import { composeSupergraph, CompositionFailed } from '../src/composition/compose-supergraph.js';
import { fetchSubgraphSdls } from '../src/composition/subgraph-sdl.js';
import { gatewayError } from '../src/runtime/api-errors.js';
import type { OperationPolicy, OperationUnderDecision, PolicyVerdict } from '../src/runtime/operation-policy.js';
import { jest } from '@jest/globals';
import { waitUntil } from '@shuzhi/testing';
import { GatewayHarness } from './gateway-harness.js';
import { ProbeSubgraph } from './probe-subgraph.js';

const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])';
const PROBE_SDL = `${FEDERATION_LINK}\ntype Query { probe: String, slowProbe: String }`;
// Governance resolves Department.code as a String, not shareable.
const RIVAL_SDL = `${FEDERATION_LINK}\ntype Query { rivalDepartments: [Department!]! }\ntype Department { code: Int! }`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A policy for the test: refuses operations that read `departments`, remembers what it saw. */
class RecordingPolicy implements OperationPolicy {
  readonly name = 'recording';
  readonly seen: OperationUnderDecision[] = [];

  decide(operation: OperationUnderDecision): PolicyVerdict {
    this.seen.push(operation);
    const root = operation.document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const fields = root?.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])) ?? [];
    if (fields.includes('departments')) {
      return { allowed: false, error: gatewayError('FORBIDDEN', 'departments are not for you', { fields: ['Query.departments'] }) };
    }
    return {
      allowed: true,
      finish: (result) => ({
        ...result,
        extensions: { ...result.extensions, decisionId: operation.request.decisionId },
      }),
    };
  }
}

describe('gateway federation (composition, signed subgraph calls, policy plug, upstream timeout)', () => {
  let harness: GatewayHarness;
  let probe: ProbeSubgraph;
  let rival: ProbeSubgraph;
  let gatewayUrl: string;
  const policy = new RecordingPolicy();

  beforeAll(async () => {
    harness = await GatewayHarness.start('gateway_federation');
    probe = await ProbeSubgraph.start(PROBE_SDL, harness.gatewayKeys, (query) => (query.includes('slowProbe') ? 'hang' : { probe: 'ok' }));
    rival = await ProbeSubgraph.start(RIVAL_SDL, harness.gatewayKeys, () => ({}), 'rival');
    gatewayUrl = await harness.startGateway({
      subgraphs: { governance: harness.governanceUrl, probe: probe.url },
      // The probe subgraph's fields are bound by no dataset: contract enforcement would refuse
      // them all, and this suite is about the plug, not about contracts.
      enforcement: false,
      policies: [policy],
      upstreamTimeoutMs: 500,
    });
  });

  afterAll(async () => {
    await harness?.stop();
    await probe?.stop();
    await rival?.stop();
  });

  it('asks each subgraph for its SDL as the gateway client, signed and bound to the body', () => {
    const sdlRequest = probe.received.find((r) => r.query.includes('_service'));
    expect(sdlRequest?.context).toMatchObject({ clientId: 'gateway', roles: [], purpose: null });
  });

  it('names the subgraph and the conflict when the subgraphs do not compose', async () => {
    const subgraphs = { governance: harness.governanceUrl, rival: rival.url };
    const sdls = await fetchSubgraphSdls(subgraphs, harness.gatewayKeys.privateKey);
    let failure: unknown;
    try {
      composeSupergraph(sdls);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(CompositionFailed);
    const { subgraphs: named, conflicts, message } = failure as CompositionFailed;
    expect(named).toContain('rival');
    expect(conflicts.length).toBeGreaterThan(0);
    expect(message).toMatch(/Department\.code/);
    expect(message).toMatch(/"rival"/);
    await expect(harness.startGateway({ subgraphs })).rejects.toThrow(/rival[\s\S]*Department\.code/);
  });

  it('signs every subgraph request with the caller, the purpose, the correlation id and the decision', async () => {
    const answer = await harness.call(harness.adminKey, '{ probe }', {}, { 'x-purpose': 'AUDIT', 'x-correlation-id': 'case-17' }, gatewayUrl);
    expect(answer).toMatchObject({ status: 200, data: { probe: 'ok' } });
    const decided = policy.seen.at(-1)!;
    // The signal that the caller's connection is done is the gateway's own, not sent on.
    const { gone, ...request } = decided.request;
    expect(gone?.aborted).toBe(true);
    expect(request).toEqual({
      caller: { clientId: 'platform-admin', department: 'data-bureau', roles: ['PLATFORM'] },
      purpose: 'AUDIT',
      decisionId: expect.stringMatching(UUID),
      correlationId: 'case-17',
    });
    expect(decided.headers['x-purpose']).toBe('AUDIT');
    const sent = probe.received.at(-1)!;
    expect(sent.query).toMatch(/probe/);
    expect(sent.context).toMatchObject({
      clientId: 'platform-admin',
      department: 'data-bureau',
      roles: ['PLATFORM'],
      purpose: 'AUDIT',
      correlationId: 'case-17',
      decisionId: decided.request.decisionId,
    });
    // The finisher saw the result before it left.
    expect((answer as { extensions?: Record<string, unknown> }).extensions).toEqual({ decisionId: decided.request.decisionId });
  });

  it('gives each operation its own decision and correlation ids when the client sends none', async () => {
    await harness.call(harness.adminKey, '{ probe }', {}, {}, gatewayUrl);
    await harness.call(harness.adminKey, '{ probe }', {}, {}, gatewayUrl);
    const [first, second] = probe.received.slice(-2).map((r) => r.context);
    expect(first.purpose).toBeNull();
    expect(first.correlationId).toMatch(UUID);
    expect(first.decisionId).not.toBe(second.decisionId);
    expect(first.correlationId).not.toBe(second.correlationId);
  });

  it('lets a policy refuse an operation before any subgraph is asked', async () => {
    const before = policy.seen.length;
    const answer = await harness.call(harness.adminKey, '{ departments { code } }', {}, {}, gatewayUrl);
    expect(policy.seen.length).toBe(before + 1);
    expect(answer.data ?? null).toBeNull();
    expect(answer.errors).toEqual([
      expect.objectContaining({
        message: 'departments are not for you',
        extensions: { code: 'FORBIDDEN', reason: 'departments are not for you', fields: ['Query.departments'] },
      }),
    ]);
    expect(policy.seen.at(-1)!.document.kind).toBe(Kind.DOCUMENT);
  });

  it('ends a subgraph call that takes too long with an INTERNAL error, and keeps serving', async () => {
    const started = Date.now();
    const answer = await harness.call(harness.adminKey, '{ slowProbe }', {}, {}, gatewayUrl);
    expect(Date.now() - started).toBeLessThan(5_000);
    // Only the code and the reason: the runtime's record of the subgraph request stays inside.
    expect(answer.errors?.[0].extensions).toEqual({ code: 'INTERNAL', reason: 'a service behind the gateway did not answer in time (the probe service)' });
    expect(await harness.call(harness.adminKey, '{ probe purposes { code } }', {}, {}, gatewayUrl)).toMatchObject({
      status: 200,
      data: { probe: 'ok', purposes: expect.any(Array) },
    });
  });

  it('recomposes when a subgraph changes its schema, and keeps the last good supergraph on a conflict or an outage', async () => {
    const changing = await ProbeSubgraph.start(
      PROBE_SDL.replace('probe: String, slowProbe: String', 'changing: String'),
      harness.gatewayKeys,
      () => ({ changing: 'before', added: 'after' }),
      'changing',
    );
    const failures = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const url = await harness.startGateway({
        subgraphs: { governance: harness.governanceUrl, changing: changing.url },
        enforcement: false,
        recomposeIntervalMs: 100,
      });
      expect(await harness.call(harness.adminKey, '{ added }', {}, {}, url)).toMatchObject({ errors: [{ extensions: { code: 'VALIDATION_FAILED' } }] });

      changing.sdl = PROBE_SDL.replace('probe: String, slowProbe: String', 'changing: String, added: String');
      await waitUntil(async () => (await harness.call(harness.adminKey, '{ added }', {}, {}, url)).data?.added === 'after', {
        timeoutMs: 15_000,
        what: 'the new field to be served',
      });

      // A conflicting redeploy is not taken: the last good supergraph keeps serving, and the log names the subgraph.
      changing.sdl = RIVAL_SDL;
      // The runtime recomposes on the first request after the interval: the waits keep asking.
      const reported = (pattern: RegExp) => async () =>
        (await harness.call(harness.adminKey, '{ purposes { code } }', {}, {}, url)).data?.purposes !== undefined &&
        failures.mock.calls.some((call) => pattern.test(String(call[0])));
      await waitUntil(reported(/"changing"[\s\S]*Department\.code/), {
        timeoutMs: 15_000,
        what: 'the conflict to be reported',
      });
      expect(await harness.call(harness.adminKey, '{ added }', {}, {}, url)).toMatchObject({ data: { added: 'after' } });

      // A subgraph that is down does not take its part of the graph away from the supergraph.
      await changing.stop();
      await waitUntil(reported(/changing .* did not give its schema/), {
        timeoutMs: 15_000,
        what: 'the outage to be reported',
      });
      expect(await harness.call(harness.adminKey, '{ purposes { code } }', {}, {}, url)).toMatchObject({ data: { purposes: expect.any(Array) } });
      expect(await harness.call(harness.adminKey, '{ added }', {}, {}, url)).toMatchObject({ errors: [{ extensions: { code: 'INTERNAL' } }] });
    } finally {
      failures.mockRestore();
      await changing.stop().catch(() => undefined);
    }
  });

  it('serves a supergraph composed beforehand, reaching each subgraph where SUBGRAPHS says it is now', async () => {
    const supergraphSdl = composeSupergraph(await fetchSubgraphSdls({ governance: harness.governanceUrl, probe: probe.url }, harness.gatewayKeys.privateKey));
    const moved = await ProbeSubgraph.start(PROBE_SDL, harness.gatewayKeys, () => ({ probe: 'moved' }));
    try {
      const url = await harness.startGateway({ subgraphs: { governance: harness.governanceUrl, probe: moved.url }, supergraphSdl, enforcement: false });
      expect(supergraphSdl).toContain(probe.url);
      expect(await harness.call(harness.adminKey, '{ probe }', {}, {}, url)).toMatchObject({ data: { probe: 'moved' } });
    } finally {
      await moved.stop();
    }
  });
});
