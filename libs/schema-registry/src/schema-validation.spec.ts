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

  describe('given a schema whose patterns RE2 cannot run in linear time', () => {
    it.each([
      ['a backreference in a pattern', record({ code: { type: 'string', pattern: '^(a)\\1$' } }), '/properties/code/pattern: "^(a)\\\\1$" uses a backreference (\\1)'],
      ['a lookahead in patternProperties', record({}, { patternProperties: { '^(?=x_)': { type: 'string' } } }), '/patternProperties/^(?=x_): "^(?=x_)" uses lookaround ((?=…)'],
      ['a lookbehind in propertyNames', record({}, { propertyNames: { pattern: '(?<!_)$' } }), '/propertyNames/pattern: "(?<!_)$" uses lookaround ((?<!…)'],
    ])('when it has %s, then it is refused at that pointer, saying what RE2 lacks', (_, schema, error) => {
      expect(validateSchema(schema)).toEqual({
        valid: false,
        errors: [`${error}; the registry runs patterns only on a linear-time engine (RE2), which has no backreferences or lookaround`],
      });
    });

    it('when its patternProperties together compile to more than 100 instructions, then it is refused with their size', () => {
      const patterns = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`^x${i}_[a-z]{2,8}$`, { type: 'string' }]));
      const result = validateSchema(record({}, { patternProperties: patterns }));
      expect(result).toEqual({ valid: false, errors: [expect.stringMatching(/^\(root\): the patternProperties of a dataset schema compile to at most 100 RE2 instructions together; these take \d+$/)] });
      expect(validateSchema(record({}, { patternProperties: Object.fromEntries(Object.entries(patterns).slice(0, 4)) }))).toEqual({ valid: true });
    });

    it('when a listed property of 32 "a"s and a "!" sits beside ^(a+)+$, then it is accepted without running V8\'s backtracking on it', () => {
      // Ajv's strict mode matched listed names against patterns with V8's RegExp: minutes for this name.
      const started = performance.now();
      expect(validateSchema(record({ [`${'a'.repeat(32)}!`]: { type: 'string' } }, { patternProperties: { '^(a+)+$': { type: 'string' } } }))).toEqual({ valid: true });
      expect(performance.now() - started).toBeLessThan(2000);
    });
  });

  describe('given a schema larger than a dataset record needs', () => {
    it('when it nests objects and arrays more than 32 deep, then it is refused before anything walks it', () => {
      // As a request body would bring it: JSON text, parsed.
      const nested = (depth: number): unknown => JSON.parse(`${'{"type":"object","properties":{"inner":'.repeat(depth)}{"type":"string"}${'}}'.repeat(depth)}`);
      // Each level of nesting is two levels of JSON (the schema and its properties); the root is one.
      expect(validateSchema(nested(15))).toEqual({ valid: true });
      expect(validateSchema(nested(16))).toEqual({ valid: false, errors: ['(root): a dataset schema nests objects and arrays at most 32 deep'] });
      expect(validateSchema(nested(100_000)).valid).toBe(false);
    });

    it('when it is more than 256 KiB of JSON, then it is refused with its size', () => {
      const codes = Array.from({ length: 30_000 }, (_, i) => `code-${i}`);
      const result = validateSchema(record({ industry: { type: 'string', enum: codes } }));
      expect(result).toEqual({ valid: false, errors: [expect.stringMatching(/^\(root\): a dataset schema is at most 262144 bytes of JSON; this one is \d+$/)] });
      expect(validateSchema(record({ industry: { type: 'string', enum: codes.slice(0, 20_000) } }))).toEqual({ valid: true });
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
