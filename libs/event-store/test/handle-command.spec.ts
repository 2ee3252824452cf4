import { createTestDatabase, racedAfterFirstRead, type TestDatabase } from '@shuzhi/testing';
import {
  ConcurrencyConflict,
  InMemoryEventStore,
  PostgresEventStore,
  aggregateStream,
  handleCommand,
  type EventStore,
} from '../src/index.js';
import type { Decider } from '@shuzhi/shared-kernel';

/** A tally: opened once, then counted up. Small enough to watch the write path alone. */
type TallyCommand =
  | { type: 'OpenTally'; tallyId: string }
  | { type: 'CountTally'; tallyId: string; by: number };
type TallyEvent = { type: 'TallyOpened'; data: { tallyId: string } } | { type: 'TallyCounted'; data: { by: number } };
type TallyState = { status: 'none' } | { status: 'open'; total: number };

class TallyNotOpen extends Error {}

const tally: Decider<TallyCommand, TallyEvent, TallyState> = {
  initialState: { status: 'none' },
  decide: (command, state) => {
    switch (command.type) {
      case 'OpenTally':
        return state.status === 'none' ? [{ type: 'TallyOpened', data: { tallyId: command.tallyId } }] : [];
      case 'CountTally':
        if (state.status !== 'open') throw new TallyNotOpen(command.tallyId);
        return [{ type: 'TallyCounted', data: { by: command.by } }];
    }
  },
  evolve: (state, event) => {
    switch (event.type) {
      case 'TallyOpened':
        return { status: 'open', total: 0 };
      case 'TallyCounted':
        return state.status === 'open' ? { status: 'open', total: state.total + event.data.by } : state;
    }
  },
};

describe('handleCommand', () => {
  let database: TestDatabase;
  let store: PostgresEventStore;

  beforeAll(async () => {
    database = await createTestDatabase('handle_command');
    store = await PostgresEventStore.connect({ connectionString: database.url });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('loads, decides and appends at the version it read', async () => {
    await handleCommand(store, 'tally-a', tally, { type: 'OpenTally', tallyId: 'a' });
    const result = await handleCommand(store, 'tally-a', tally, { type: 'CountTally', tallyId: 'a', by: 3 });
    expect(result.state).toEqual({ status: 'open', total: 3 });
    expect(result.version).toBe(1);
    expect((await store.readStream('tally-a')).map((e) => e.type)).toEqual(['TallyOpened', 'TallyCounted']);
  });

  it('appends nothing when the decision is to change nothing, and passes domain errors through', async () => {
    const again = await handleCommand(store, 'tally-a', tally, { type: 'OpenTally', tallyId: 'a' });
    expect(again.events).toEqual([]);
    await expect(handleCommand(store, 'tally-none', tally, { type: 'CountTally', tallyId: 'none', by: 1 })).rejects.toBeInstanceOf(
      TallyNotOpen,
    );
    expect(await store.readStream('tally-none')).toEqual([]);
  });

  it('surfaces a concurrency conflict by default, and retries it when the command is safe to retry', async () => {
    await handleCommand(store, 'tally-b', tally, { type: 'OpenTally', tallyId: 'b' });
    const count = (retries: number) =>
      Promise.allSettled(
        Array.from({ length: 8 }, () => handleCommand(store, 'tally-b', tally, { type: 'CountTally', tallyId: 'b', by: 1 }, { retries })),
      );
    const once = await count(0);
    const conflicts = once.filter((r) => r.status === 'rejected');
    expect(conflicts.length).toBeGreaterThan(0);
    for (const r of conflicts) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ConcurrencyConflict);

    const retried = await count(50);
    expect(retried.every((r) => r.status === 'fulfilled')).toBe(true);
    const final = await handleCommand(store, 'tally-b', tally, { type: 'CountTally', tallyId: 'b', by: 0 });
    expect(final.state).toEqual({ status: 'open', total: 8 - conflicts.length + 8 });
  });

  it('appends once when a command with derived event ids is sent twice, and answers the state as stored', async () => {
    await handleCommand(store, 'tally-c', tally, { type: 'OpenTally', tallyId: 'c' });
    const count = { type: 'CountTally', tallyId: 'c', by: 3 } as const;
    const ids = { eventIds: () => '6f1b7c1e-0000-4000-8000-00000000000c' };
    const first = await handleCommand(store, 'tally-c', tally, count, ids);
    const resent = await handleCommand(store, 'tally-c', tally, count, ids);
    expect(resent.append!.positions).toEqual(first.append!.positions);
    expect(resent.events).toEqual([]);
    expect(resent.state).toEqual({ status: 'open', total: 3 });
    expect(resent.version).toBe(1);
    expect(await store.readStream('tally-c')).toHaveLength(2);
  });

  it('appends nothing when another writer lands the same ids between its read and its append', async () => {
    await handleCommand(store, 'tally-f', tally, { type: 'OpenTally', tallyId: 'f' });
    const count = { type: 'CountTally', tallyId: 'f', by: 3 } as const;
    const ids = { eventIds: () => '6f1b7c1e-0000-4000-8000-00000000000f' };
    let winner: Awaited<ReturnType<typeof handleCommand>> | undefined;
    // The other writer's append lands once this one has read the stream at version 0.
    const raced = racedAfterFirstRead(store, 'tally-f', async () => {
      winner = await handleCommand(store, 'tally-f', tally, count, ids);
    });
    const loser = await handleCommand(raced, 'tally-f', tally, count, ids);
    expect(winner!.events).toHaveLength(1);
    expect(loser.events).toEqual([]);
    expect(loser.state).toEqual({ status: 'open', total: 3 });
    expect(loser.version).toBe(1);
    expect(await store.readStream('tally-f')).toHaveLength(2);
  });

  it('decides only on the version the caller read, when it names one', async () => {
    const open = { type: 'OpenTally', tallyId: 'e' } as const;
    await expect(handleCommand(store, 'tally-e', tally, open, { expectedVersion: 0 })).rejects.toMatchObject({
      name: 'ConcurrencyConflict',
      expectedVersion: 0,
      actualVersion: 'no-stream',
    });
    expect(await store.readStream('tally-e')).toEqual([]);

    await handleCommand(store, 'tally-e', tally, open, { expectedVersion: -1 });
    // Read at -1, opened by someone else since: refused before the decider runs, even with retries.
    await expect(
      handleCommand(store, 'tally-e', tally, { type: 'CountTally', tallyId: 'e', by: 1 }, { expectedVersion: -1, retries: 5 }),
    ).rejects.toMatchObject({ name: 'ConcurrencyConflict', expectedVersion: 'no-stream', actualVersion: 0 });
    const counted = await handleCommand(store, 'tally-e', tally, { type: 'CountTally', tallyId: 'e', by: 2 }, { expectedVersion: 0 });
    expect(counted.state).toEqual({ status: 'open', total: 2 });
    expect((await store.readStream('tally-e')).map((e) => e.type)).toEqual(['TallyOpened', 'TallyCounted']);
  });
});

describe('aggregateStream', () => {
  it('folds the stream with the decider and says at which version it stands', async () => {
    const store: EventStore = new InMemoryEventStore();
    await store.appendToStream(
      'tally-g',
      [
        { type: 'TallyOpened', data: { tallyId: 'g' } },
        { type: 'TallyCounted', data: { by: 2 } },
        { type: 'TallyCounted', data: { by: 5 } },
      ],
      { expectedVersion: 'no-stream' },
    );
    const read = await aggregateStream(store, 'tally-g', tally);
    expect(read.state).toEqual({ status: 'open', total: 7 });
    expect(read.version).toBe(2);
    expect(read.events.map((e) => [e.streamVersion, e.type])).toEqual([
      [0, 'TallyOpened'],
      [1, 'TallyCounted'],
      [2, 'TallyCounted'],
    ]);
    expect((await aggregateStream(store, 'tally-g', tally, { untilVersion: 1 })).state).toEqual({ status: 'open', total: 2 });
  });

  it('answers the initial state at version -1 for a stream that does not exist', async () => {
    expect(await aggregateStream(new InMemoryEventStore(), 'tally-none', tally)).toEqual({ state: { status: 'none' }, version: -1, events: [] });
  });
});
