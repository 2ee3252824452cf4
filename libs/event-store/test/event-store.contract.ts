import { randomUUID } from 'node:crypto';
import { ConcurrencyConflict, InvalidEventInput, type EventStore, type NewEvent, type RecordedEvent } from '../src/index.js';

/** What every adapter of the event store must do; each adapter's spec runs this suite. */
export const describeEventStoreContract = (
  adapter: string,
  open: () => Promise<{ store: EventStore; cleanUp?: () => Promise<void> }>,
  /** KurrentDB keeps event ids unique per stream only (it has no index by id). */
  { eventIdsUniqueAcrossStreams = true } = {},
) => {
  describe(`${adapter}: the event store contract`, () => {
    let store: EventStore;
    let cleanUp: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      ({ store, cleanUp } = await open());
    });
    afterAll(async () => {
      await store.close();
      await cleanUp?.();
    });

    /** Each test writes to streams of its own, so tests never see one another's events. */
    const streamOf = (kind: string) => `${kind}-${randomUUID()}`;
    const event = (type: string, data: unknown = {}): NewEvent => ({ type, data });
    const readEverything = async (filter: { streamPrefix?: string; types?: string[] } = {}) => {
      const events: RecordedEvent[] = [];
      let after;
      for (;;) {
        const page = await store.readAll({ ...filter, after, limit: 7 });
        events.push(...page.events);
        after = page.checkpoint;
        if (page.endOfLog) return events;
      }
    };

    describe('append and read a stream', () => {
      it('writes a new stream at versions 0..n-1 and reads it back as written', async () => {
        const stream = streamOf('contract');
        const metadata = {
          correlationId: 'corr-1',
          actor: { department: 'civil-affairs', client: 'c-1', role: 'STEWARD' },
        };
        const result = await store.appendToStream(
          stream,
          [event('ContractSubmitted', { fields: ['name'], quota: 10, nested: { ok: true, none: null } }), event('ContractApproved')],
          { expectedVersion: 'no-stream', metadata },
        );
        expect(result.nextExpectedVersion).toBe(1);
        expect(result.positions.map((p) => p.streamVersion)).toEqual([0, 1]);
        expect(result.positions[1].globalPosition).toBeGreaterThan(result.positions[0].globalPosition);

        const read = await store.readStream(stream);
        expect(read.map((e) => [e.type, e.streamVersion, e.streamId])).toEqual([
          ['ContractSubmitted', 0, stream],
          ['ContractApproved', 1, stream],
        ]);
        expect(read[0].data).toEqual({ fields: ['name'], quota: 10, nested: { ok: true, none: null } });
        expect(read[0].metadata).toMatchObject({ ...metadata, causationId: null, schemaVersion: 1 });
        expect(read[0].eventId).toBe(result.positions[0].eventId);
        expect(read[0].recordedAt).toBeInstanceOf(Date);
      });

      it('appends at the expected version and refuses any other with a concurrency conflict', async () => {
        const stream = streamOf('contract');
        await store.appendToStream(stream, [event('A')], { expectedVersion: 'no-stream' });
        await store.appendToStream(stream, [event('B')], { expectedVersion: 0 });

        await expect(store.appendToStream(stream, [event('C')], { expectedVersion: 0 })).rejects.toEqual(
          new ConcurrencyConflict(stream, 0, 1),
        );
        await expect(store.appendToStream(stream, [event('C')], { expectedVersion: 'no-stream' })).rejects.toBeInstanceOf(
          ConcurrencyConflict,
        );
        await expect(
          store.appendToStream(streamOf('missing'), [event('C')], { expectedVersion: 3 }),
        ).rejects.toMatchObject({ actualVersion: 'no-stream', expectedVersion: 3 });
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B']);

        const any = await store.appendToStream(stream, [event('C')], { expectedVersion: 'any' });
        expect(any.nextExpectedVersion).toBe(2);
      });

      it('reads a stream from a version, until a version and until a time', async () => {
        const stream = streamOf('window');
        await store.appendToStream(stream, [event('E0'), event('E1'), event('E2'), event('E3')], {
          expectedVersion: 'no-stream',
        });
        const types = (events: RecordedEvent[]) => events.map((e) => e.type);
        expect(types(await store.readStream(stream, { fromVersion: 1, untilVersion: 2 }))).toEqual(['E1', 'E2']);
        const all = await store.readStream(stream);
        expect(types(await store.readStream(stream, { untilTime: all[3].recordedAt }))).toEqual(['E0', 'E1', 'E2', 'E3']);
        expect(await store.readStream(stream, { untilTime: new Date(all[0].recordedAt.getTime() - 1) })).toEqual([]);
        expect(await store.readStream(streamOf('nothing'))).toEqual([]);
      });
    });

    describe('idempotent event ids', () => {
      it('treats a re-sent append as done: the original positions, nothing written', async () => {
        const stream = streamOf('idempotent');
        const batch = [
          { ...event('ConsentGranted'), eventId: randomUUID() },
          { ...event('ConsentReceiptIssued'), eventId: randomUUID() },
        ];
        const first = await store.appendToStream(stream, batch, { expectedVersion: 'no-stream' });
        const again = await store.appendToStream(stream, batch, { expectedVersion: 'no-stream' });
        expect(again.positions).toEqual(first.positions);
        expect(again.nextExpectedVersion).toBe(first.nextExpectedVersion);
        expect([first.resent, again.resent]).toEqual([false, true]);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('treats as done an append whose ids another writer landed first, after this one read the stream', async () => {
        const stream = streamOf('idempotent');
        await store.appendToStream(stream, [event('A')], { expectedVersion: 'no-stream' });
        // Both writers read version 0 and decided the same step, with the same id.
        const step = { ...event('B'), eventId: randomUUID() };
        const winner = await store.appendToStream(stream, [step], { expectedVersion: 0 });
        const loser = await store.appendToStream(stream, [step], { expectedVersion: 0 });
        expect(loser.positions).toEqual(winner.positions);
        expect([winner.resent, loser.resent]).toEqual([false, true]);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B']);
      });

      it('refuses a batch of which only some event ids were written, and writes none of it', async () => {
        const stream = streamOf('idempotent');
        const known = { ...event('A'), eventId: randomUUID() };
        await store.appendToStream(stream, [known], { expectedVersion: 'no-stream' });
        await expect(
          store.appendToStream(stream, [known, event('B')], { expectedVersion: 'any' }),
        ).rejects.toBeInstanceOf(InvalidEventInput);
        if (eventIdsUniqueAcrossStreams) {
          await expect(
            store.appendToStream(streamOf('other'), [known], { expectedVersion: 'any' }),
          ).rejects.toBeInstanceOf(InvalidEventInput);
        }
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A']);
      });
    });

    describe('refuses bad input before writing anything', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const refusals: Array<[string, () => [string, NewEvent[], unknown]]> = [
        ['an empty stream id', () => ['', [event('A')], 'any']],
        ['a blank stream id', () => ['   ', [event('A')], 'any']],
        ['a stream id that is not a string', () => [42 as unknown as string, [event('A')], 'any']],
        ['an event with no type', () => [streamOf('bad'), [{ data: {} } as NewEvent], 'any']],
        ['an event with an empty type', () => [streamOf('bad'), [event('')], 'any']],
        ['a function in the payload', () => [streamOf('bad'), [event('A', { f: () => 1 })], 'any']],
        ['a bigint in the payload', () => [streamOf('bad'), [event('A', { n: 10n })], 'any']],
        ['a Date in the payload', () => [streamOf('bad'), [event('A', { at: new Date() })], 'any']],
        ['NaN in the payload', () => [streamOf('bad'), [event('A', { n: NaN })], 'any']],
        ['a cycle in the payload', () => [streamOf('bad'), [event('A', cyclic)], 'any']],
        ['an undefined payload', () => [streamOf('bad'), [{ type: 'A', data: undefined }], 'any']],
        ['U+0000 in a string', () => [streamOf('bad'), [event('A', { s: 'a\u0000b' })], 'any']],
        ['an expected version below zero', () => [streamOf('bad'), [event('A')], -1]],
        ['a fractional expected version', () => [streamOf('bad'), [event('A')], 1.5]],
        ['an unknown expected version word', () => [streamOf('bad'), [event('A')], 'latest']],
        ['no events', () => [streamOf('bad'), [], 'any']],
        ['an event id that is not a UUID', () => [streamOf('bad'), [{ ...event('A'), eventId: 'abc' }], 'any']],
      ];
      it.each(refusals)('%s', async (_, make) => {
        const before = await readEverything();
        const [stream, events, expectedVersion] = make();
        await expect(
          store.appendToStream(stream, events, { expectedVersion } as { expectedVersion: 'any' }),
        ).rejects.toBeInstanceOf(InvalidEventInput);
        expect(await readEverything()).toHaveLength(before.length);
      });

      it('says what is wrong', async () => {
        await expect(store.appendToStream('', [event('A')], { expectedVersion: 'any' })).rejects.toThrow(
          'stream id must be a non-empty string',
        );
        await expect(
          store.appendToStream(streamOf('bad'), [event('A', { when: new Date() })], { expectedVersion: 'any' }),
        ).rejects.toThrow(/data\.when is a Date, not plain JSON/);
        await expect(
          store.appendToStream(streamOf('bad'), [event('A')], { expectedVersion: -1 }),
        ).rejects.toThrow(/expected version must be a whole number of at least 0/);
      });
    });

    describe('the global log', () => {
      it('reads everything once, in order, page by page, with type and stream-prefix filters', async () => {
        const prefix = `glob_${randomUUID().slice(0, 8)}%-`;
        const streams = [`${prefix}a`, `${prefix}b`, `${prefix}c`];
        for (const [i, stream] of streams.entries()) {
          await store.appendToStream(stream, [event('Left', { i }), event('Right', { i })], { expectedVersion: 'no-stream' });
        }
        // A stream whose name matches the prefix only if % or _ were wildcards.
        await store.appendToStream(`${prefix.replace('%', 'X')}z`, [event('Left')], { expectedVersion: 'no-stream' });

        const mine = await readEverything({ streamPrefix: prefix });
        expect(mine.map((e) => `${e.streamId.slice(-1)}:${e.type}`)).toEqual([
          'a:Left', 'a:Right', 'b:Left', 'b:Right', 'c:Left', 'c:Right',
        ]);
        const positions = mine.map((e) => e.globalPosition);
        expect([...positions].sort((a, b) => a - b)).toEqual(positions);
        for (let i = 1; i < mine.length; i++) {
          expect(store.compareCheckpoints(mine[i - 1].checkpoint, mine[i].checkpoint)).toBeLessThan(0);
        }

        const rights = await readEverything({ streamPrefix: prefix, types: ['Right'] });
        expect(rights.map((e) => e.streamId.slice(-1))).toEqual(['a', 'b', 'c']);

        const everything = await readEverything();
        expect(everything.filter((e) => e.streamId.startsWith(prefix))).toEqual(mine);
      });

      it('resumes after a checkpoint and moves a filtered reader past what it skipped', async () => {
        const stream = streamOf('resume');
        await store.appendToStream(stream, [event('One'), event('Two')], { expectedVersion: 'no-stream' });
        const all = await readEverything();
        const one = all.find((e) => e.streamId === stream && e.type === 'One')!;
        const after = await store.readAll({ after: one.checkpoint, limit: 1000 });
        expect(after.events[0]).toMatchObject({ streamId: stream, type: 'Two' });

        const none = await store.readAll({ limit: 1000, types: [`Never-${randomUUID()}`] });
        expect(none.events).toEqual([]);
        expect(none.endOfLog).toBe(true);
        expect(none.checkpoint).toEqual(all[all.length - 1].checkpoint);
      });

      it('knows its head: the last readable event, from which a reader sees only what comes next', async () => {
        await store.appendToStream(streamOf('head'), [event('A'), event('B')], { expectedVersion: 'no-stream' });
        const all = await readEverything();
        const head = await store.head();
        expect(head).toEqual(all[all.length - 1].checkpoint);
        const stream = streamOf('after-head');
        await store.appendToStream(stream, [event('C')], { expectedVersion: 'no-stream' });
        const next = await store.readAll({ after: head, limit: 1000 });
        expect(next.events.map((e) => `${e.streamId}:${e.type}`)).toEqual([`${stream}:C`]);
      });

      it('wakes listeners after an append', async () => {
        let woken = 0;
        const stop = store.onAppended(() => woken++);
        try {
          // A listener's channel may still be opening when the first append commits (and may
          // wake it once it opens): keep appending until a wake comes after an append.
          const deadline = Date.now() + 5_000;
          let wokeAfterAppend = false;
          while (!wokeAfterAppend && Date.now() < deadline) {
            const before = woken;
            await store.appendToStream(streamOf('wake'), [event('A')], { expectedVersion: 'no-stream' });
            const wait = Date.now() + 200;
            while (woken === before && Date.now() < wait) await new Promise((r) => setTimeout(r, 5));
            wokeAfterAppend = woken > before;
          }
          expect(wokeAfterAppend).toBe(true);
        } finally {
          stop();
        }
      });
    });

    it('50 concurrent writers on one stream: every append lands at the next version or conflicts', async () => {
      const stream = streamOf('contended');
      let conflicts = 0;
      const writer = async (id: number) => {
        for (let attempt = 0; attempt < 500; attempt++) {
          const current = await store.readStream(stream);
          const expectedVersion = current.length === 0 ? 'no-stream' : current[current.length - 1].streamVersion;
          try {
            const result = await store.appendToStream(stream, [event('Written', { id })], { expectedVersion });
            expect(result.nextExpectedVersion).toBe(expectedVersion === 'no-stream' ? 0 : expectedVersion + 1);
            return;
          } catch (error) {
            if (!(error instanceof ConcurrencyConflict)) throw error;
            conflicts++;
          }
        }
        throw new Error(`writer ${id} never landed`);
      };
      await Promise.all(Array.from({ length: 50 }, (_, id) => writer(id)));

      const events = await store.readStream(stream);
      expect(events.map((e) => e.streamVersion)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(events.map((e) => (e.data as { id: number }).id).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i),
      );
      if (adapter !== 'in-memory') expect(conflicts).toBeGreaterThan(0);
    });
  });
};
