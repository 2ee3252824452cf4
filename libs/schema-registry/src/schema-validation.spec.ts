import { validateSchema } from './index.js';
import { residentV1, revise } from '../test/resident-record.schemas.js';

const record = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });

describe('validateSchema', () => {
  describe('given a well-formed dataset schema', () => {
    it('when it is the resident record, then it is accepted', () => {
      expect(validateSchema(residentV1)).toEqual({ valid: true });
    });

    it('when it uses nullable type unions, boolean subschemas, arrays and local references, then it is accepted', () => {
      const schema = record(
        {
          nickname: { type: ['string', 'null'], maxLength: 32 },
          anything: true,
          never: false,
          tags: { type: 'array', items: { type: 'string' }, uniqueItems: true },
          registeredAddress: { $ref: '#/$defs/address' },
        },
        { $defs: { address: { type: 'object', properties: { city: { type: 'string' } } } } },
      );
      expect(validateSchema(schema)).toEqual({ valid: true });
    });

    it('when it declares draft 2020-12 through $schema, then it is accepted', () => {
      expect(validateSchema({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...record({ id: { type: 'string' } }) })).toEqual({ valid: true });
    });
  });

  describe('given a value that is not a dataset schema', () => {
    it.each([
      ['an array', [], '(root): a dataset schema must be a JSON object'],
      ['a boolean schema', true, '(root): a dataset schema must be a JSON object'],
      ['null', null, '(root): a dataset schema must be a JSON object'],
      ['a list at the root', { type: 'array', items: { type: 'string' } }, '/type: a dataset schema must describe a record, with "type": "object" at its root'],
      ['no root type', { properties: { id: { type: 'string' } } }, '(root): a dataset schema must describe a record, with "type": "object" at its root'],
      ['no properties', { type: 'object' }, '(root): a dataset schema must list the fields of its record under "properties"'],
      ['a draft-07 document', { $schema: 'http://json-schema.org/draft-07/schema#', ...record({}) }, '/$schema: must be "https://json-schema.org/draft/2020-12/schema": the registry only accepts draft 2020-12 schemas'],
    ])('when it is %s, then it is refused, saying where and why', (_, schema, error) => {
      const result = validateSchema(schema);
      expect(result.valid).toBe(false);
      expect(!result.valid && result.errors).toContain(error);
    });
  });

  describe('given a schema that breaks the 2020-12 meta-schema', () => {
    it.each([
      ['an unknown type name', record({ gender: { type: 'strng' } }), '/properties/gender/type: must be one of "array", "boolean", "integer", "null", "number", "object", "string"'],
      ['an unknown type in a union', record({ gender: { type: ['string', 'nul'] } }), '/properties/gender/type/1: must be one of "array", "boolean", "integer", "null", "number", "object", "string"'],
      ['a negative maxLength', record({ name: { type: 'string', maxLength: -1 } }), '/properties/name/maxLength: must be >= 0'],
      ['required that is not a list', record({ name: { type: 'string' } }, { required: 'name' }), '/required: must be array'],
      ['a field schema that is a string', record({ name: 'string' }), '/properties/name: must be object or boolean'],
    ])('when it has %s, then it is refused with the pointer of the problem', (_, schema, error) => {
      const result = validateSchema(schema);
      expect(result.valid).toBe(false);
      expect(!result.valid && result.errors).toContain(error);
    });
  });

  describe('given a schema that the meta-schema lets through but the registry does not', () => {
    it.each([
      ['a misspelt keyword', record({ name: { type: 'string', maxLenght: 3 } }), '/properties/name/maxLenght: "maxLenght" is not a JSON Schema 2020-12 keyword'],
      ['draft-07 definitions', record({}, { definitions: {} }), '/definitions: "definitions" is not a JSON Schema 2020-12 keyword (use "$defs")'],
      ['OpenAPI nullable', record({ name: { type: 'string', nullable: true } }), '/properties/name/nullable: "nullable" is not a JSON Schema 2020-12 keyword (add "null" to "type")'],
      ['a field named like a pointer', record({ 'a/b~c': { type: 'string', maxLenght: 3 } }), '/properties/a~1b~0c/maxLenght: "maxLenght" is not a JSON Schema 2020-12 keyword'],
      ['a reference to another document', record({ address: { $ref: 'https://example.org/address.json' } }), '/properties/address/$ref: refers to another document (https://example.org/address.json); a dataset schema must be self-contained'],
      ['a reference to nothing', record({ address: { $ref: '#/$defs/address' } }), "/properties/address/$ref: can't resolve reference #/$defs/address from id #"],
      ['a pattern that is not a regular expression', record({ id: { type: 'string', pattern: '([0-9]' } }), '/properties/id/pattern: "([0-9]" is not a valid regular expression'],
      ['a property pattern that is not a regular expression', record({}, { patternProperties: { '(x': { type: 'string' } } }), '/patternProperties/(x: "(x" is not a valid regular expression'],
      ['an empty enum', record({ gender: { type: 'string', enum: [] } }), '/properties/gender/enum: an empty enum allows no value at all'],
      ['a keyword for another type', record({ name: { type: 'string', minimum: 3 } }), '/properties/name: missing type "number" for keyword "minimum"'],
      ['a nested record without a type', record({ household: { properties: { id: { type: 'string' } } } }), '/properties/household: missing type "object" for keyword "properties"'],
      ['a required field that is not defined', record({ name: { type: 'string' } }, { required: ['nmae'] }), '(root): required property "nmae" is not defined'],
    ])('when it has %s, then it is refused with the pointer of the problem', (_, schema, error) => {
      expect(validateSchema(schema)).toEqual({ valid: false, errors: [error] });
    });

    it('when it names an unknown format, then it is refused with the formats 2020-12 defines', () => {
      const result = validateSchema(record({ birthDate: { type: 'string', format: 'dat' } }));
      expect(result.valid).toBe(false);
      expect(!result.valid && result.errors).toEqual([expect.stringMatching(/^\/properties\/birthDate\/format: "dat" is not a format defined by JSON Schema 2020-12 \(date-time, date, /)]);
    });
  });

  describe('given a resident record with several mistakes', () => {
    it('when it is validated, then every structural mistake is reported at once', () => {
      const broken = revise(residentV1, (draft) => {
        draft.properties!.gender = { type: 'string', enum: ['MALE', 'FEMALE'], nullable: true };
        draft.properties!.birthDate = { type: 'date' as never };
        draft.definitions = {};
      });
      const result = validateSchema(broken);
      expect(result.valid).toBe(false);
      expect(!result.valid && result.errors.sort()).toEqual(
        [
          '/definitions: "definitions" is not a JSON Schema 2020-12 keyword (use "$defs")',
          '/properties/birthDate/type: must be one of "array", "boolean", "integer", "null", "number", "object", "string"',
          '/properties/gender/nullable: "nullable" is not a JSON Schema 2020-12 keyword (add "null" to "type")',
        ].sort(),
      );
    });
  });
});
