import { EventStream } from '@shuzhi/testing';
import { checkCharacter } from '../src/domain/id-number/id-number.js';
import { PopulationHarness, type Actor } from './population-harness.js';

const steward: Actor = { clientId: 'ps-steward', department: 'public-security', roles: ['STEWARD'] };

const withCheck = (first17: string) => `${first17}${checkCharacter(first17)}`;
let sequence = 501;
const idNumber = () => {
  sequence += 2;
  return withCheck(`33010619900307${String(sequence).padStart(3, '0')}`);
};

const REGISTER_HOUSEHOLD = `mutation ($input: RegisterHouseholdInput!) { registerHousehold(input: $input) { id } }`;
const REGISTER = `mutation ($input: RegisterResidentInput!) { registerResident(input: $input) { id } }`;
const MOVE = `mutation ($input: MoveResidentInput!) { moveResident(input: $input) { id } }`;
const DEATH = `mutation ($input: RecordDeathInput!) { recordDeath(input: $input) { id } }`;
const CHANGES = 'subscription ($after: String) { residentChanges(after: $after) { cursor kind occurredAt resident { id name status version household { id } } } }';

const grid = (n: number) => ({
  address: `杭州市西湖区文二西路${n}号`,
  districtCode: '330106',
  districtName: '西湖区',
  streetCode: '330106007',
  streetName: '翠苑街道',
  communityCode: '330106007003',
  communityName: '文华社区',
});

type Change = { cursor: string; kind: string; occurredAt: string; resident: { id: string; name: string; status: string; version: number } | null };
const changeOf = (data: unknown) => (data as { data: { residentChanges: Change } }).data.residentChanges;

describe('population change feeds (GraphQL over SSE, real PostgreSQL)', () => {
  let pop: PopulationHarness;
  let homes: string[];
  const open = async (after?: string) => {
    const stream = await pop.subscribe(steward, CHANGES, after === undefined ? {} : { after });
    if (!(stream instanceof EventStream)) throw new Error(`no stream: ${JSON.stringify(stream)}`);
    return stream;
  };
  const nextChange = async (stream: EventStream) => {
    const event = await stream.next();
    expect(event?.event).toBe('next');
    return changeOf(event!.data);
  };

  beforeAll(async () => {
    pop = await PopulationHarness.start('population_changes');
    homes = [];
    for (const n of [1, 2]) homes.push((await pop.ok(steward, REGISTER_HOUSEHOLD, { input: grid(n) })).registerHousehold.id);
  });
  afterAll(() => pop?.stop());

  it('delivers every change of a resident from now on, in order, with the resident right after it', async () => {
    const stream = await open();
    try {
      const { registerResident } = await pop.ok(steward, REGISTER, { input: { idNumber: idNumber(), name: '李娜', gender: 'MALE', birthDate: '1990-03-07', householdId: homes[0] } });
      const id = registerResident.id;
      await pop.ok(steward, MOVE, { input: { residentId: id, householdId: homes[1] } });
      await pop.ok(steward, DEATH, { input: { residentId: id, dateOfDeath: '2026-11-01' } });

      const changes = [await nextChange(stream), await nextChange(stream), await nextChange(stream)];
      expect(changes.map((c) => [c.kind, c.resident?.id, c.resident?.version, c.resident?.status])).toEqual([
        ['CREATED', id, 0, 'LIVING'],
        ['UPDATED', id, 1, 'LIVING'],
        ['REMOVED', id, 2, 'DECEASED'],
      ]);
      // The log's own positions, in the log's order.
      const events = await pop.store.readStream(`resident-${id}`);
      expect(changes.map((c) => c.cursor)).toEqual(events.map((e) => e.checkpoint));
      expect(new Date(changes[0].occurredAt).getTime()).toBe(events[0].recordedAt.getTime());
    } finally {
      stream.close();
    }
  });

  it('resumes after a cursor with every later change once, and reads from the beginning with "0"', async () => {
    const registered: string[] = [];
    for (const name of ['甲', '乙', '丙']) {
      registered.push((await pop.ok(steward, REGISTER, { input: { idNumber: idNumber(), name: `王${name}`, gender: 'MALE', birthDate: '1990-03-07', householdId: homes[0] } })).registerResident.id);
    }
    const all = (await pop.store.readAll({ limit: 10_000, streamPrefix: 'resident-' })).events;
    const fromStart = await open('0');
    try {
      const seen: Change[] = [];
      for (let i = 0; i < all.length; i++) seen.push(await nextChange(fromStart));
      expect(seen.map((c) => c.cursor)).toEqual(all.map((e) => e.checkpoint));
    } finally {
      fromStart.close();
    }
    const firstOfMine = all.findIndex((e) => e.streamId === `resident-${registered[0]}`);
    const resumed = await open(all[firstOfMine].checkpoint);
    try {
      const rest = all.slice(firstOfMine + 1);
      for (const event of rest) expect((await nextChange(resumed)).cursor).toBe(event.checkpoint);
      // Nothing more until something happens.
      await expect(resumed.next(300)).rejects.toThrow(/no server-sent event/);
    } finally {
      resumed.close();
    }
  });

  it('refuses a malformed cursor (VALIDATION_FAILED) and ends the stream', async () => {
    const stream = await open('not-a-cursor');
    const [result] = await stream.rest();
    expect(result).toMatchObject({ errors: [{ extensions: { code: 'VALIDATION_FAILED' } }] });
  });

  it('answers nobody but the gateway: an unsigned subscription is refused with 401', async () => {
    const refused = await pop.subscribe(null, CHANGES);
    expect(refused).toMatchObject({ status: 401, body: { errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] } });
  });
});
