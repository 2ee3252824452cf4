import { createHmac } from 'node:crypto';
import { applyMask } from './field.masking.js';

const key = 'gateway-hash-key-2026';
const hmac = (text: string, secret: string | Uint8Array = key) => `hmac-sha256:${createHmac('sha256', secret).update(text, 'utf8').digest('hex')}`;

describe('masking: NONE and REDACT', () => {
  it.each(['张三', 42, true, { a: 1 }, ['x'], null])('NONE serves %p as it is', (value) => {
    expect(applyMask('NONE', value, key)).toBe(value);
  });

  it.each(['张三', 42, true, { a: 1 }, ['x'], null])('REDACT serves %p as null', (value) => {
    expect(applyMask('REDACT', value, key)).toBeNull();
  });
});

describe('masking: MASK', () => {
  it.each([
    ['张三', '张*'],
    ['张三丰', '张**'],
    ['欧阳娜娜', '欧阳**'],
    ['司马光', '司马*'],
    ['欧阳', '欧*'],
    ['阿依古丽·买买提', '阿***·***'],
  ])('a Chinese name keeps its surname: %s → %s', (name, masked) => {
    expect(applyMask('MASK', name, key)).toBe(masked);
  });

  it.each([
    ['110101199003071234', '110101********1234'],
    ['11010119900307123X', '110101********123X'],
    ['11010119900307123x', '110101********123x'],
  ])('an 18-character ID number keeps its first 6 and last 4: %s → %s', (idNumber, masked) => {
    expect(applyMask('MASK', idNumber, key)).toBe(masked);
  });

  it.each([
    ['13812345678', '138****5678'],
    ['0571-87654321', '057*-****4321'],
    ['+86 138 1234 5678', '+86 1** **** 5678'],
  ])('a phone number keeps its first 3 and last 4 digits: %s → %s', (phone, masked) => {
    expect(applyMask('MASK', phone, key)).toBe(masked);
  });

  it.each([
    ['hello', 'h***o'],
    ['1990-03-07', '1********7'],
    ['杭州市西湖区文三路 90 号', `杭${'*'.repeat(12)}号`],
    ['ab', 'a*'],
    ['a', '*'],
    ['', ''],
    ['😀ab😀', '😀**😀'],
  ])('any other string keeps its first and last character: %p → %p', (value, masked) => {
    expect(applyMask('MASK', value, key)).toBe(masked);
  });

  it.each([42, 3.5, true, { name: '张三' }, null, undefined])('%p has no partial form and becomes null', (value) => {
    expect(applyMask('MASK', value, key)).toBeNull();
  });

  it('masks a list item by item', () => {
    expect(applyMask('MASK', ['张三', null, '13812345678'], key)).toEqual(['张*', null, '138****5678']);
  });
});

describe('masking: HASH', () => {
  it('is the hex HMAC-SHA256 of the value under the key, prefixed with its algorithm', () => {
    expect(applyMask('HASH', '110101199003071234', key)).toBe(hmac('110101199003071234'));
    expect(applyMask('HASH', '张三', key)).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
  });

  it('is stable under one key, so consumers can join on it, and differs under another', () => {
    const bytes = new TextEncoder().encode('another-key');

    expect(applyMask('HASH', '张三', key)).toBe(applyMask('HASH', '张三', key));
    expect(applyMask('HASH', '张三', bytes)).toBe(hmac('张三', bytes));
    expect(applyMask('HASH', '张三', bytes)).not.toBe(applyMask('HASH', '张三', key));
  });

  it('hashes numbers and booleans as their text', () => {
    expect(applyMask('HASH', 42, key)).toBe(hmac('42'));
    expect(applyMask('HASH', false, key)).toBe(hmac('false'));
  });

  it('hashes a list item by item; null and objects become null', () => {
    expect(applyMask('HASH', ['a', null, { b: 1 }], key)).toEqual([hmac('a'), null, null]);
    expect(applyMask('HASH', null, key)).toBeNull();
  });

  it.each(['', new Uint8Array(0)])('refuses an empty key: an unkeyed hash of an ID number is reversible', (empty) => {
    expect(() => applyMask('HASH', '110101199003071234', empty)).toThrow(RangeError);
  });
});
