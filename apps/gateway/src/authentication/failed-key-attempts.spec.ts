import { FailedKeyAttempts, sourceOfAddress } from './failed-key-attempts.js';

describe('failed key attempts', () => {
  let now = 0;
  const attempts = (maxSources = 100) => new FailedKeyAttempts({ maxFailures: 3, windowMs: 60_000, maxSources }, () => now);

  beforeEach(() => {
    now = 1_000_000;
  });

  it('blocks a source at its limit until its window ends, and no other source', () => {
    const failures = attempts();
    for (let i = 0; i < 2; i++) failures.recordFailure('10.0.0.1');
    expect(failures.blockedFor('10.0.0.1')).toBe(0);
    now += 10_000;
    failures.recordFailure('10.0.0.1');
    expect(failures.blockedFor('10.0.0.1')).toBe(50_000);
    expect(failures.blockedFor('10.0.0.2')).toBe(0);
    now += 49_999;
    expect(failures.blockedFor('10.0.0.1')).toBe(1);
    now += 1;
    expect(failures.blockedFor('10.0.0.1')).toBe(0);
    // A new window counts from nothing.
    failures.recordFailure('10.0.0.1');
    expect(failures.blockedFor('10.0.0.1')).toBe(0);
  });

  it('remembers at most maxSources, forgetting the one used least recently', () => {
    const failures = attempts(3);
    for (let i = 0; i < 3; i++) failures.recordFailure('10.0.0.1');
    for (let source = 2; source <= 1_000; source++) {
      failures.recordFailure(`10.0.${source >> 8}.${source & 255}`);
      // The blocked source keeps trying, and so stays among the remembered.
      if (source % 2 === 0) expect(failures.blockedFor('10.0.0.1')).toBeGreaterThan(0);
      expect(failures.size).toBeLessThanOrEqual(3);
    }
    expect(failures.blockedFor('10.0.0.1')).toBeGreaterThan(0);
    // Once it stops, other sources push it out.
    for (let source = 1; source <= 3; source++) failures.recordFailure(`10.1.0.${source}`);
    expect(failures.blockedFor('10.0.0.1')).toBe(0);
  });
});

describe('the source of an address', () => {
  it('is the IPv4 address, mapped or not', () => {
    expect(sourceOfAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(sourceOfAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('is the /64 of an IPv6 address, however it is written', () => {
    expect(sourceOfAddress('2001:db8:0:1:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:0:1::/64');
    expect(sourceOfAddress('2001:0db8:0000:0001::1')).toBe('2001:db8:0:1::/64');
    expect(sourceOfAddress('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(sourceOfAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(sourceOfAddress('::1')).toBe('0:0:0:0::/64');
    expect(sourceOfAddress('2001:db8:0:2::1')).not.toBe(sourceOfAddress('2001:db8:0:1::1'));
  });

  it('is one shared source when the socket has no address', () => {
    expect(sourceOfAddress(undefined)).toBe('unknown');
  });
});
