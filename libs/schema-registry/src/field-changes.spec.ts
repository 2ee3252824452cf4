import { fieldChanges, type JsonSchema, type JsonSchemaObject } from './index.js';
import { field, residentV1, revise } from '../test/resident-record.schemas.js';

const record = (properties: Record<string, JsonSchema>, extra: JsonSchemaObject = {}): JsonSchemaObject => ({ type: 'object', properties, ...extra });

describe('fieldChanges', () => {
  describe('given the resident record', () => {
    it('when nothing but wording changes, then no field is removed or retyped', () => {
      const v2 = revise(residentV1, (draft) => {
        field(draft, 'name').description = '姓名';
        draft.title = 'Resident';
      });
      expect(fieldChanges(residentV1, v2)).toEqual({ removed: [], retyped: [] });
    });

    it('when gender is dropped and birthDate becomes a string without a format, then gender is removed and birthDate retyped', () => {
      const v2 = revise(residentV1, (draft) => {
        delete draft.properties!.gender;
        delete field(draft, 'birthDate').format;
      });
      expect(fieldChanges(residentV1, v2)).toEqual({ removed: ['gender'], retyped: ['birthDate'] });
    });

    it('when the household address loses a field, then household, the granted top-level field, is retyped', () => {
      const v2 = revise(residentV1, (draft) => {
        delete field(draft, 'household', 'address').properties!.street;
      });
      expect(fieldChanges(residentV1, v2)).toEqual({ removed: [], retyped: ['household'] });
    });

    it('when the household address gains a field, then nothing granted is taken away', () => {
      const v2 = revise(residentV1, (draft) => {
        field(draft, 'household', 'address').properties!.postcode = { type: 'string' };
      });
      expect(fieldChanges(residentV1, v2)).toEqual({ removed: [], retyped: [] });
    });

    it('when fields are added or their enum and bounds change, then nothing is removed or retyped: the compatibility check judges those', () => {
      const v2 = revise(residentV1, (draft) => {
        draft.properties!.ethnicity = { type: 'string' };
        field(draft, 'gender').enum = ['MALE', 'FEMALE'];
        field(draft, 'name').maxLength = 32;
      });
      expect(fieldChanges(residentV1, v2)).toEqual({ removed: [], retyped: [] });
    });
  });

  describe('given a field whose type changes', () => {
    it.each<[string, JsonSchema, JsonSchema]>([
      ['integer widened to number', { type: 'integer' }, { type: 'number' }],
      ['number narrowed to integer', { type: 'number' }, { type: 'integer' }],
      ['made nullable', { type: 'string' }, { type: ['string', 'null'] }],
      ['made non-nullable', { type: ['string', 'null'] }, { type: 'string' }],
      ['string turned integer', { type: 'string' }, { type: 'integer' }],
      ['type dropped', { type: 'string' }, {}],
      ['format changed', { type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }],
      ['list items retyped', { type: 'array', items: { type: 'string' } }, { type: 'array', items: { type: 'integer' } }],
      ['nested field retyped', record({ code: { type: 'string' } }), record({ code: { type: 'integer' } })],
      ['forbidden by a false schema', { type: 'string' }, false],
      ['composition changed', { anyOf: [{ type: 'string' }, { type: 'null' }] }, { anyOf: [{ type: 'integer' }, { type: 'null' }] }],
    ])('when it is %s, then it is retyped', (_, before, after) => {
      expect(fieldChanges(record({ value: before }), record({ value: after }))).toEqual({ removed: [], retyped: ['value'] });
    });

    it('when an enum-only field states the type of its values, then it is not retyped', () => {
      expect(fieldChanges(record({ value: { enum: ['MALE', 'FEMALE'] } }), record({ value: { type: 'string', enum: ['MALE', 'FEMALE'] } }))).toEqual({ removed: [], retyped: [] });
    });

    it('when an enum-only field trades its strings for numbers, then it is retyped', () => {
      expect(fieldChanges(record({ value: { enum: ['1', '2'] } }), record({ value: { enum: [1, 2] } }))).toEqual({ removed: [], retyped: ['value'] });
    });

    it('when the type union is only reordered, then it is not retyped', () => {
      expect(fieldChanges(record({ value: { type: ['string', 'null'] } }), record({ value: { type: ['null', 'string'] } }))).toEqual({ removed: [], retyped: [] });
    });
  });

  describe('given a field typed through a reference', () => {
    const withAddress = (city: JsonSchema) =>
      record({ address: { $ref: '#/$defs/address' }, name: { type: 'string' } }, { $defs: { address: record({ city }) } });

    it('when the definition it points to changes, then that field, and only that one, is retyped', () => {
      expect(fieldChanges(withAddress({ type: 'string' }), withAddress({ type: 'integer' }))).toEqual({ removed: [], retyped: ['address'] });
    });

    it('when neither the reference nor the definitions change, then it is not retyped', () => {
      expect(fieldChanges(withAddress({ type: 'string' }), withAddress({ type: 'string' }))).toEqual({ removed: [], retyped: [] });
    });
  });

  it('given several removals, when listed, then they come in the order of the previous version', () => {
    const before = record({ a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' }, d: { type: 'string' } });
    expect(fieldChanges(before, record({ b: { type: 'string' } }))).toEqual({ removed: ['a', 'c', 'd'], retyped: [] });
  });
});
