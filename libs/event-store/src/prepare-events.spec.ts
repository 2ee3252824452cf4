import { uuidV7 } from './prepare-events.js';

describe('uuidV7', () => {
  it('is an RFC 9562 version 7 UUID whose first 48 bits are the time in milliseconds', () => {
    const at = new Date('2026-11-27T12:00:00.123Z');
    const id = uuidV7(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at.getTime());
  });

  it('sorts by time, and differs within one millisecond', () => {
    const earlier = uuidV7(new Date(1_000));
    const later = uuidV7(new Date(2_000));
    expect(earlier < later).toBe(true);
    expect(uuidV7(new Date(1_000))).not.toBe(earlier);
  });
});
