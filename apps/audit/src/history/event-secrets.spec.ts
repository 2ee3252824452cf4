import { EVENT_SECRETS, REDACTED, redactEvent, secretPathsOf } from './event-secrets.js';

const issued = {
  eventId: 'e-1',
  streamId: 'client-1',
  type: 'ClientKeyIssued',
  data: {
    clientId: '1',
    departmentCode: 'human-resources',
    name: 'hr system',
    roles: ['CONSUMER'],
    keyHash: 'scrypt$16384$8$1$c2FsdA$aGFzaA',
    by: { clientId: 'admin', department: 'data-bureau', role: 'PLATFORM' },
    at: '2026-11-27T10:00:00.000Z',
  },
  metadata: { correlationId: 'c-1' },
};

describe('secrets in event data', () => {
  it('replaces the key hash of a ClientKeyIssued, and keeps everything else as recorded', () => {
    const redacted = redactEvent(issued);
    expect(redacted).toEqual({ ...issued, data: { ...issued.data, keyHash: REDACTED } });
    expect(JSON.stringify(redacted)).not.toContain('scrypt');
  });

  it('leaves the recorded event untouched: hashes and proofs read its stored bytes', () => {
    const before = JSON.stringify(issued);
    redactEvent(issued);
    expect(JSON.stringify(issued)).toBe(before);
  });

  it('gives an event without secrets back as it is', () => {
    const revoked = { type: 'ClientKeyRevoked', data: { clientId: '1', reason: 'keyHash leaked', at: '2026-11-27T10:00:00.000Z' } };
    expect(redactEvent(revoked)).toBe(revoked);
  });

  it('adds no path the event does not hold', () => {
    const old = { type: 'ClientKeyIssued', data: { clientId: '1' } };
    expect(redactEvent(old)).toEqual({ type: 'ClientKeyIssued', data: { clientId: '1' } });
    expect(redactEvent({ type: 'ClientKeyIssued', data: null })).toEqual({ type: 'ClientKeyIssued', data: null });
  });

  it('knows the key hash, and only where an event carries it', () => {
    expect(secretPathsOf('ClientKeyIssued')).toEqual([['keyHash']]);
    expect(secretPathsOf('ContractSubmitted')).toEqual([]);
    expect([...EVENT_SECRETS.keys()]).toEqual(['ClientKeyIssued']);
  });
});
