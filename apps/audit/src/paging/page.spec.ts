import { decodeCursor, encodeCursor, pageSizeOf } from './page.js';

const limits = { default: 100, max: 1000 };

describe('audit paging', () => {
  it('takes the default page size when none is asked for, and any size up to the maximum', () => {
    expect(pageSizeOf(undefined, limits)).toBe(100);
    expect(pageSizeOf(null, limits)).toBe(100);
    expect(pageSizeOf(1, limits)).toBe(1);
    expect(pageSizeOf(1000, limits)).toBe(1000);
  });

  it.each([1001, 0, -5, 2.5, Number.NaN])('refuses a page size of %s, saying how to page, rather than clamping it', (first) => {
    expect(() => pageSizeOf(first, limits)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', details: { max: 1000 } }));
    expect(() => pageSizeOf(first, limits)).toThrow(/from 1 to 1000; got .*pass each page's cursor as after/);
  });

  it('names the argument it checked', () => {
    expect(() => pageSizeOf(5001, { default: 500, max: 5000 }, 'filter.limit')).toThrow(/^filter.limit must be a whole number from 1 to 5000; got 5001/);
  });

  it('gives back the key a cursor was made with', () => {
    const cursor = encodeCursor('stream', ['contract-合同-1', '41']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor('stream', cursor, 2)).toEqual(['contract-合同-1', '41']);
  });

  it.each([
    ['a cursor of another query', encodeCursor('access-log', ['41'])],
    ['a cursor with a key of another length', encodeCursor('stream', ['contract-1'])],
    ['a cursor whose key is not text', Buffer.from(JSON.stringify(['stream', 'contract-1', 41])).toString('base64url')],
    ['text that is no cursor', 'next-page-please'],
    ['an empty string', ''],
  ])('refuses %s', (_what, cursor) => {
    expect(() => decodeCursor('stream', cursor, 2)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});
