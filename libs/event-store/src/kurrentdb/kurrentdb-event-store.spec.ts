import { ANY, EVENT_TYPE, NO_STREAM, STREAM_NAME, type RegexFilter } from '@kurrent/kurrentdb-client';
import type { Checkpoint } from '../event-store.js';
import { InvalidEventInput } from '../errors.js';
import {
  comparePositions,
  decodeKurrentCheckpoint,
  encodeKurrentCheckpoint,
  matchesReadAll,
  serverFilterFor,
  toActualVersion,
  toStreamState,
} from './kurrentdb-event-store.js';

// The adapter's I/O needs a KurrentDB server and runs in the contract suite; these are the
// translations between our interface and the client's that can be checked without one.

describe('KurrentDB checkpoints', () => {
  it('round-trips a $all position beyond the safe-integer range', () => {
    const position = { commit: 2n ** 63n + 5n, prepare: 2n ** 63n + 3n };
    const checkpoint = encodeKurrentCheckpoint(position);
    expect(checkpoint).toBe('9223372036854775813:9223372036854775811');
    expect(decodeKurrentCheckpoint(checkpoint)).toEqual(position);
  });

  it.each(['', '12', '1:2:3', '-1:0', '1:x', '1 :2'])('refuses %p, which is not one of its checkpoints', (text) => {
    expect(() => decodeKurrentCheckpoint(text as Checkpoint)).toThrow(InvalidEventInput);
  });

  it('orders by commit position first, then by prepare position, as bigints', () => {
    const at = (commit: bigint, prepare: bigint) => ({ commit, prepare });
    expect(comparePositions(at(10n, 99n), at(11n, 0n))).toBeLessThan(0);
    expect(comparePositions(at(11n, 0n), at(10n, 99n))).toBeGreaterThan(0);
    expect(comparePositions(at(10n, 5n), at(10n, 6n))).toBeLessThan(0);
    expect(comparePositions(at(10n, 6n), at(10n, 6n))).toBe(0);
    // As strings "9:0" > "10:0"; and 2^53 + 1 would collapse onto 2^53 as numbers.
    expect(comparePositions(at(9n, 0n), at(10n, 0n))).toBeLessThan(0);
    expect(comparePositions(at(2n ** 53n, 0n), at(2n ** 53n + 1n, 0n))).toBeLessThan(0);
  });
});

describe('KurrentDB expected versions', () => {
  it('maps our expected version to the stream state the client checks', () => {
    expect(toStreamState('any')).toBe(ANY);
    expect(toStreamState('no-stream')).toBe(NO_STREAM);
    expect(toStreamState(0)).toBe(0n);
    expect(toStreamState(41)).toBe(41n);
  });

  it("maps the server's current stream state to our actual version", () => {
    expect(toActualVersion(NO_STREAM)).toBe('no-stream');
    expect(toActualVersion(0n)).toBe(0);
    expect(toActualVersion(7n)).toBe(7);
    // A deleted stream is reported with a negative revision.
    expect(toActualVersion(-5n)).toBe('no-stream');
  });
});

describe('KurrentDB global-read filters', () => {
  const regexOf = (filter: ReturnType<typeof serverFilterFor>) => new RegExp((filter as RegexFilter).regex);

  it('sends a type list to the server as an anchored, escaped alternation', () => {
    const filter = serverFilterFor({ types: ['Contract.Approved', 'Consent(Granted)'] });
    expect(filter.filterOn).toBe(EVENT_TYPE);
    const regex = regexOf(filter);
    expect(regex.test('Contract.Approved')).toBe(true);
    expect(regex.test('Consent(Granted)')).toBe(true);
    expect(regex.test('ContractXApproved')).toBe(false);
    expect(regex.test('Contract.ApprovedV2')).toBe(false);
    expect(regex.test('OldContract.Approved')).toBe(false);
  });

  it('sends a stream prefix as a stream-name prefix when no types are asked for', () => {
    expect(serverFilterFor({ streamPrefix: 'contract-' })).toMatchObject({
      filterOn: STREAM_NAME,
      prefixes: ['contract-'],
    });
  });

  it('gives the types to the server when both are asked for', () => {
    expect(serverFilterFor({ types: ['A'], streamPrefix: 'contract-' }).filterOn).toBe(EVENT_TYPE);
  });

  it('excludes system event types when nothing narrower is asked for', () => {
    const filter = serverFilterFor({});
    expect(filter.filterOn).toBe(EVENT_TYPE);
    expect(regexOf(filter).test('$metadata')).toBe(false);
    expect(regexOf(filter).test('ContractApproved')).toBe(true);
  });

  it('keeps only non-system events of the asked types and streams', () => {
    const event = { type: 'ContractApproved', streamId: 'contract-1' };
    expect(matchesReadAll(event, {})).toBe(true);
    expect(matchesReadAll({ ...event, type: '$>' }, {})).toBe(false);
    expect(matchesReadAll({ ...event, streamId: '$ce-contract' }, {})).toBe(false);
    expect(matchesReadAll(event, { types: ['ContractApproved'], streamPrefix: 'contract-' })).toBe(true);
    expect(matchesReadAll(event, { types: ['ContractRejected'] })).toBe(false);
    expect(matchesReadAll(event, { streamPrefix: 'consent-' })).toBe(false);
    expect(matchesReadAll(event, { types: [] })).toBe(false);
  });
});
