import { PostgresEventStore, type RecordedEvent } from '@shuzhi/event-store';
import { createTestDatabase, type TestDatabase } from '@shuzhi/testing';
import { creditCodeProblem } from '../domain/credit-code.js';
import { industryCodeProblem } from '../domain/industry-code.js';
import { generateEnterprises, type EnterpriseSeedOptions } from './enterprise-generator.js';
import { createPrng } from './prng.js';
import { decideSeed, seedEnterprises, seedEventId } from './seed-enterprises.js';

const residentIds = Array.from({ length: 50 }, (_, i) => `r-${String(i).padStart(4, '0')}`);
const options: EnterpriseSeedOptions = { seed: 'demo', count: 400, residentIds };

describe('synthetic enterprise register', () => {
  it('the same seed gives the same register; another seed another one', () => {
    expect(generateEnterprises(options)).toEqual(generateEnterprises(options));
    expect(decideSeed(options)).toEqual(decideSeed(options));
    const other = generateEnterprises({ ...options, seed: 'other' });
    expect(other.map((e) => e.creditCode)).not.toEqual(generateEnterprises(options).map((e) => e.creditCode));
  });

  it('the PRNG is the same sequence for the same seed, in [0, 1)', () => {
    const a = createPrng('x');
    const b = createPrng('x');
    const draws = Array.from({ length: 1000 }, () => a.next());
    expect(Array.from({ length: 1000 }, () => b.next())).toEqual(draws);
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    expect(new Set(draws.map((d) => Math.floor(d * 10))).size).toBe(10);
  });

  it('issues distinct, valid credit codes and industry codes, with names as registered names are built', () => {
    const enterprises = generateEnterprises(options);
    expect(new Set(enterprises.map((e) => e.creditCode)).size).toBe(400);
    for (const { creditCode, commands } of enterprises) {
      expect({ creditCode, problem: creditCodeProblem(creditCode) }).toEqual({ creditCode, problem: undefined });
      const registration = commands[0];
      if (registration.type !== 'RegisterEnterprise') throw new Error(`${creditCode} does not begin with its registration`);
      const { name, industryCode, legalRepresentativeId, registeredCapital } = registration.input;
      expect(industryCodeProblem(industryCode)).toBeUndefined();
      switch (creditCode[1]) {
        case '1':
          expect(name).toMatch(/^(杭州|宁波|温州|嘉兴|湖州|绍兴|金华|台州)[\u4e00-\u9fa5]{2}[\u4e00-\u9fa5]{2,6}(有限公司|有限责任公司|股份有限公司)$/);
          expect(residentIds).toContain(legalRepresentativeId);
          break;
        case '2':
          expect(name).toMatch(/^[\u4e00-\u9fa5]{2}(区|市)[\u4e00-\u9fa5]{2}(小吃店|面馆|便利店|理发店|汽车维修部)$/);
          expect([legalRepresentativeId, registeredCapital]).toEqual([null, null]);
          break;
        case '3':
          expect(name).toMatch(/专业合作社$/);
          expect(residentIds).toContain(legalRepresentativeId);
          break;
        default:
          throw new Error(`unexpected entity type in ${creditCode}`);
      }
    }
    const kinds = new Set(enterprises.map((e) => e.creditCode[1]));
    expect(kinds).toEqual(new Set(['1', '2', '3']));
  });

  it('every generated command passes the decider, and lives end in every status', () => {
    const streams = decideSeed(options);
    const last = streams.map((s) => s.events.reduce((status, e) => {
      switch (e.type) {
        case 'EnterpriseSuspended':
          return 'SUSPENDED';
        case 'EnterpriseDeregistered':
          return 'DEREGISTERED';
        case 'EnterpriseReactivated':
        case 'EnterpriseRegistered':
          return 'ACTIVE';
        default:
          return status;
      }
    }, 'ACTIVE'));
    expect(new Set(last)).toEqual(new Set(['ACTIVE', 'SUSPENDED', 'DEREGISTERED']));
    for (const { events } of streams) {
      expect(events[0].type).toBe('EnterpriseRegistered');
      const times = events.map((e) => e.data.at);
      expect(times).toEqual([...times].sort());
      expect(times.every((t) => t < '2026-11-01T00:00:00.000Z' && t >= '2005-01-01T00:00:00.000Z')).toBe(true);
    }
  });

  it('refuses to invent legal representatives', () => {
    expect(() => generateEnterprises({ ...options, residentIds: [] })).toThrow(/give the ids of residents/);
  });

  it('derives event ids that are UUIDs, distinct per seed, stream and place', () => {
    const id = seedEventId('demo', 'enterprise-91350100M000100Y43', 0);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(seedEventId('demo', 'enterprise-91350100M000100Y43', 0)).toBe(id);
    expect(seedEventId('demo', 'enterprise-91350100M000100Y43', 1)).not.toBe(id);
    expect(seedEventId('other', 'enterprise-91350100M000100Y43', 0)).not.toBe(id);
  });

  describe('written to PostgreSQL', () => {
    let databases: TestDatabase[] = [];
    let stores: PostgresEventStore[] = [];
    const open = async () => {
      const database = await createTestDatabase('enterprise_seed');
      databases.push(database);
      const store = await PostgresEventStore.connect({ connectionString: database.url });
      stores.push(store);
      return store;
    };
    const everything = async (store: PostgresEventStore): Promise<RecordedEvent[]> => {
      const all: RecordedEvent[] = [];
      for (let after; ; ) {
        const page = await store.readAll({ after, limit: 1_000, streamPrefix: 'enterprise-' });
        all.push(...page.events);
        if (page.endOfLog) return all;
        after = page.checkpoint;
      }
    };
    /** What a seed wrote, apart from where and when it landed in this particular log. */
    const content = (events: RecordedEvent[]) =>
      events
        .map(({ eventId, streamId, streamVersion, type, data, metadata }) => ({ eventId, streamId, streamVersion, type, data, metadata }))
        .sort((a, b) => a.streamId.localeCompare(b.streamId) || a.streamVersion - b.streamVersion);

    afterAll(async () => {
      for (const store of stores) await store.close();
      for (const database of databases) await database.drop();
      databases = [];
      stores = [];
    });

    it('writes the same events into two logs for the same seed, and nothing the second time into one', async () => {
      const [first, second] = [await open(), await open()];
      let progress = 0;
      const result = await seedEnterprises(first, { ...options, onProgress: (written) => (progress = written) });
      expect(result.enterprises).toBe(400);
      expect(progress).toBe(400);
      const written = await everything(first);
      expect(written).toHaveLength(result.events);
      expect(new Set(written.map((e) => e.streamId)).size).toBe(400);
      expect(written[0].metadata).toMatchObject({
        correlationId: 'seed:demo',
        actor: { department: 'market-regulation', client: 'enterprise-seed', role: 'STEWARD' },
        occurredAt: (written[0].data as { at: string }).at,
      });

      await seedEnterprises(second, { ...options, concurrency: 3 });
      expect(content(await everything(second))).toEqual(content(written));

      await seedEnterprises(first, options);
      expect(await everything(first)).toHaveLength(written.length);
    });
  });
});
