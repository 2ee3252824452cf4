import { describeRebuilt, rebuiltFields, type ReadableField } from './inference.js';

const idNumber = (mask: ReadableField['mask']): ReadableField => ({ name: 'idNumber', format: 'ID_NUMBER', mask });
const birthDate = (mask: ReadableField['mask']): ReadableField => ({ name: 'birthDate', format: 'BIRTH_DATE', mask });
const gender = (mask: ReadableField['mask']): ReadableField => ({ name: 'gender', format: 'SEX', mask });

describe('inference through masks', () => {
  it('an ID number under MASK is rebuilt from the birth date in clear: the eight hidden digits are the birth date', () => {
    const rebuilt = rebuiltFields([idNumber('MASK'), birthDate('NONE'), gender('NONE')]);
    expect(rebuilt).toEqual([{ field: 'idNumber', mask: 'MASK', from: ['birthDate'] }]);
    expect(describeRebuilt(rebuilt)).toBe('idNumber (MASK) is rebuilt from birthDate');
  });

  it.each<[string, ReadableField[]]>([
    ['the birth date masked too', [idNumber('MASK'), birthDate('MASK')]],
    ['the birth date not read', [idNumber('MASK'), gender('NONE')]],
    ['the ID number hashed (keyed)', [idNumber('HASH'), birthDate('NONE')]],
    ['the ID number redacted', [idNumber('REDACT'), birthDate('NONE'), gender('NONE')]],
    ['everything in clear', [idNumber('NONE'), birthDate('NONE')]],
  ])('nothing is rebuilt with %s', (_case, fields) => {
    expect(rebuiltFields(fields)).toEqual([]);
  });

  it('a masked birth date or a redacted sex is rebuilt from the ID number that carries it', () => {
    expect(rebuiltFields([idNumber('NONE'), birthDate('MASK')])).toEqual([{ field: 'birthDate', mask: 'MASK', from: ['idNumber'] }]);
    expect(rebuiltFields([idNumber('MASK'), gender('REDACT')])).toEqual([{ field: 'gender', mask: 'REDACT', from: ['idNumber'] }]);
  });

  it('a sex has two values: masked or hashed it still shows', () => {
    expect(describeRebuilt(rebuiltFields([gender('HASH')]))).toBe('gender (HASH) still shows its value');
    expect(rebuiltFields([gender('REDACT')])).toEqual([]);
  });

  it('fields without a format never take part', () => {
    expect(rebuiltFields([{ name: 'name', mask: 'MASK' }, { name: 'address', mask: 'NONE' }])).toEqual([]);
  });
});
