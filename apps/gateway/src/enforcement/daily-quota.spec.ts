import { chinaDay } from './daily-quota.js';

describe('chinaDay (the quota day of the platform users, UTC+8)', () => {
  it('turns over at 16:00 UTC, midnight in China', () => {
    expect(chinaDay('2026-11-27T15:59:59.999Z')).toBe('2026-11-27');
    expect(chinaDay('2026-11-27T16:00:00.000Z')).toBe('2026-11-28');
    expect(chinaDay('2026-11-28T00:30:00+08:00')).toBe('2026-11-28');
  });

  it('refuses an instant that does not parse', () => {
    expect(() => chinaDay('yesterday')).toThrow(RangeError);
  });
});
