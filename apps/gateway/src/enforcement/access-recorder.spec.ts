import { InMemoryEventStore, type AppendOptions, type NewEvent } from '@shuzhi/event-store';
import { accessStreamId, type AccessRefused } from '@shuzhi/policy';
import { AccessRecorder } from './access-recorder.js';

const at = '2026-12-10T02:00:00.000Z';
const actor = { department: 'human-resources', client: 'hr-system', role: 'CONSUMER' };

const refusal = (decisionId: string, when = at): AccessRefused => ({
  type: 'AccessRefused',
  data: {
    clientId: 'hr-system',
    department: 'human-resources',
    purpose: 'SUBSIDY_ELIGIBILITY',
    decisionId,
    correlationId: `c-${decisionId}`,
    at: when,
    snapshotCheckpoint: null,
    operationHash: '0'.repeat(64),
    code: 'CONTRACT_REQUIRED',
    reason: 'no contract grants Resident.name',
    deniedFields: ['Resident.name'],
    contracts: [],
  },
});

/** An in-memory store that counts appends and can be told to fail them. */
class CountingStore extends InMemoryEventStore {
  appends: number[] = [];
  failing = false;

  override async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions) {
    this.appends.push(events.length);
    if (this.failing) throw new Error('disk full');
    return super.appendToStream(streamId, events, options);
  }
}

describe('access recorder (group commit)', () => {
  it('sends records that arrive during an append together in the next one, each resolved once committed', async () => {
    const store = new CountingStore();
    const recorder = new AccessRecorder(store);

    await Promise.all(Array.from({ length: 10 }, (_, i) => recorder.record(refusal(`d-${i}`), actor, `c-d-${i}`)));

    expect(store.appends).toEqual([1, 9]);
    const stored = await store.readStream(accessStreamId(new Date(at)));
    expect(stored.map((e) => (e.data as AccessRefused['data']).decisionId)).toEqual(Array.from({ length: 10 }, (_, i) => `d-${i}`));
    expect(stored[3].metadata).toMatchObject({ actor, correlationId: 'c-d-3', causationId: 'd-3' });
  });

  it('puts each record in the stream of its own UTC day', async () => {
    const store = new CountingStore();
    const recorder = new AccessRecorder(store);

    await Promise.all([recorder.record(refusal('late', '2026-12-10T23:59:59.999Z'), actor, 'x'), recorder.record(refusal('early', '2026-12-11T00:00:00.000Z'), actor, 'y')]);

    expect((await store.readStream('access-2026-12-10')).map((e) => e.type)).toEqual(['AccessRefused']);
    expect((await store.readStream('access-2026-12-11')).map((e) => e.type)).toEqual(['AccessRefused']);
  });

  it('a record the log refuses fails its own request only, not the others in its group', async () => {
    // The log refuses what it cannot store (jsonb: NUL, unpaired surrogates).
    const store = new (class extends CountingStore {
      override async appendToStream(streamId: string, events: readonly NewEvent[], options: AppendOptions) {
        if (events.some((e) => (e.data as AccessRefused['data']).decisionId === 'poison')) throw new Error('invalid input syntax for type json');
        return super.appendToStream(streamId, events, options);
      }
    })();
    const recorder = new AccessRecorder(store);

    const results = await Promise.allSettled(['a', 'poison', 'b', 'c'].map((id) => recorder.record(refusal(id), actor, id)));

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((await store.readStream(accessStreamId(new Date(at)))).map((e) => (e.data as AccessRefused['data']).decisionId)).toEqual(['a', 'b', 'c']);
  });

  it('rejects every record of a failed append, so that no response goes out without its record', async () => {
    const store = new CountingStore();
    store.failing = true;
    const recorder = new AccessRecorder(store);

    const results = await Promise.allSettled([recorder.record(refusal('a'), actor, 'a'), recorder.record(refusal('b'), actor, 'b')]);

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    store.failing = false;
    await expect(recorder.record(refusal('c'), actor, 'c')).resolves.toBeUndefined();
  });
});
