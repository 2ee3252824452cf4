import { checkCompatibility, COMPATIBILITY_MODES, type CompatibilityMode, type JsonSchema, type JsonSchemaObject } from './index.js';
import { field, residentV1, revise } from '../test/resident-record.schemas.js';

const open = (properties: Record<string, JsonSchema>, extra: JsonSchemaObject = {}): JsonSchemaObject => ({ type: 'object', properties, ...extra });
const closed = (properties: Record<string, JsonSchema>, extra: JsonSchemaObject = {}): JsonSchemaObject => open(properties, { additionalProperties: false, ...extra });

/** The violations `mode` finds when `next` follows `previous`, each as "KIND path". */
const found = (mode: CompatibilityMode, previous: JsonSchema[], next: JsonSchema): string[] =>
  checkCompatibility(mode, previous, next).violations.map((violation) => `${violation.kind} ${violation.path}`);

/** What breaks each direction of reading when `next` follows `previous`. */
const verdict = (previous: JsonSchema, next: JsonSchema) => ({ BACKWARD: found('BACKWARD', [previous], next), FORWARD: found('FORWARD', [previous], next) });

const id = { type: 'string' } as const;

describe('checkCompatibility, rule by rule, in both directions', () => {
  describe('given an open record (additionalProperties absent)', () => {
    it('when a typed optional property is added, then BACKWARD breaks: old data may already hold any value under that name', () => {
      expect(verdict(open({ id }), open({ id, nickname: { type: 'string' } }))).toEqual({ BACKWARD: ['PROPERTY_ADDED /properties/nickname'], FORWARD: [] });
    });

    it('when a property is removed, then FORWARD breaks: new data may carry any value there, which old consumers type-check', () => {
      expect(verdict(open({ id, nickname: { type: 'string' } }), open({ id }))).toEqual({ BACKWARD: [], FORWARD: ['PROPERTY_REMOVED /properties/nickname'] });
    });

    it('when a required property is added, then BACKWARD breaks twice: the requirement, and the name old data may already use', () => {
      expect(verdict(open({ id }), open({ id, phone: { type: 'string' } }, { required: ['phone'] }))).toEqual({
        BACKWARD: ['PROPERTY_ADDED /properties/phone', 'REQUIRED_ADDED /properties/phone'],
        FORWARD: [],
      });
    });

    it('when a property with an empty schema is added or removed, then nothing breaks either way', () => {
      expect(verdict(open({ id }), open({ id, note: {} }))).toEqual({ BACKWARD: [], FORWARD: [] });
      expect(verdict(open({ id, note: true }), open({ id }))).toEqual({ BACKWARD: [], FORWARD: [] });
    });
  });

  describe('given a closed record (additionalProperties: false)', () => {
    it('when an optional property is added, then FORWARD breaks: old consumers refuse the unlisted property', () => {
      expect(verdict(closed({ id }), closed({ id, nickname: { type: 'string' } }))).toEqual({ BACKWARD: [], FORWARD: ['PROPERTY_ADDED /properties/nickname'] });
    });

    it('when a property is removed, then BACKWARD breaks: the new schema refuses old data that has it', () => {
      expect(verdict(closed({ id, nickname: { type: 'string' } }), closed({ id }))).toEqual({ BACKWARD: ['PROPERTY_REMOVED /properties/nickname'], FORWARD: [] });
    });

    it('when a required property is added, then BACKWARD breaks on the requirement and FORWARD on the unlisted property', () => {
      expect(verdict(closed({ id }), closed({ id, phone: { type: 'string' } }, { required: ['phone'] }))).toEqual({
        BACKWARD: ['REQUIRED_ADDED /properties/phone'],
        FORWARD: ['PROPERTY_ADDED /properties/phone'],
      });
    });

    it('when a required property is removed, then BACKWARD breaks on the removal and FORWARD on the requirement', () => {
      expect(verdict(closed({ id, phone: { type: 'string' } }, { required: ['phone'] }), closed({ id }))).toEqual({
        BACKWARD: ['PROPERTY_REMOVED /properties/phone'],
        FORWARD: ['REQUIRED_REMOVED /properties/phone'],
      });
    });

    it('when a property forbidden by a false schema is removed, then nothing breaks either way', () => {
      expect(verdict(closed({ id, legacy: false }), closed({ id }))).toEqual({ BACKWARD: [], FORWARD: [] });
    });
  });

  describe('given a record whose content model changes along with its properties', () => {
    it('when it opens and drops a property, then the new content model decides: BACKWARD holds, FORWARD breaks twice', () => {
      expect(verdict(closed({ id, nickname: { type: 'string' } }), open({ id }))).toEqual({
        BACKWARD: [],
        FORWARD: ['PROPERTY_REMOVED /properties/nickname', 'ADDITIONAL_PROPERTIES_WIDENED /additionalProperties'],
      });
    });

    it('when it closes and gains a property, then the old, open content model decides the addition: BACKWARD breaks on both edits', () => {
      expect(verdict(open({ id }), closed({ id, nickname: { type: 'string' } }))).toEqual({
        BACKWARD: ['PROPERTY_ADDED /properties/nickname', 'ADDITIONAL_PROPERTIES_NARROWED /additionalProperties'],
        FORWARD: [],
      });
    });
  });

  describe('given a partially open record (additionalProperties is a schema)', () => {
    const stringsOnly = { additionalProperties: { type: 'string' } } as const;

    it('when an added or removed property is covered by that schema, then nothing breaks either way', () => {
      expect(verdict(open({ id }, stringsOnly), open({ id, nickname: { type: 'string' } }, stringsOnly))).toEqual({ BACKWARD: [], FORWARD: [] });
      expect(verdict(open({ id, nickname: { type: 'string' } }, stringsOnly), open({ id }, stringsOnly))).toEqual({ BACKWARD: [], FORWARD: [] });
    });

    it('when an added property is not covered by that schema, then both directions break', () => {
      expect(verdict(open({ id }, stringsOnly), open({ id, age: { type: 'integer' } }, stringsOnly))).toEqual({
        BACKWARD: ['PROPERTY_ADDED /properties/age'],
        FORWARD: ['PROPERTY_ADDED /properties/age'],
      });
    });

    it('when the schema for unlisted properties widens or narrows, then it is compared like any schema', () => {
      const nullableStrings = { additionalProperties: { type: ['string', 'null'] } } as JsonSchemaObject;
      expect(verdict(open({ id }, stringsOnly), open({ id }, nullableStrings))).toEqual({ BACKWARD: [], FORWARD: ['TYPE_WIDENED /additionalProperties/type'] });
      expect(verdict(open({ id }, nullableStrings), open({ id }, stringsOnly))).toEqual({ BACKWARD: ['TYPE_NARROWED /additionalProperties/type'], FORWARD: [] });
    });

    it('when unlisted properties are governed by patternProperties, then the matching pattern is the schema that covers them', () => {
      const prefixed = { additionalProperties: false, patternProperties: { '^x_': { type: 'string' } } } as const;
      expect(verdict(open({ id }, prefixed), open({ id, x_note: { type: 'string' } }, prefixed))).toEqual({ BACKWARD: [], FORWARD: [] });
      expect(verdict(open({ id }, prefixed), open({ id, note: { type: 'string' } }, prefixed))).toEqual({ BACKWARD: [], FORWARD: ['PROPERTY_ADDED /properties/note'] });
    });

    it('when a name of 29 "a"s and a "!" is added beside ^(a+)+$, then the pattern is run on RE2 and found not to match', () => {
      // V8 took 10 s on this name (and twice as long per "a" more); RE2 reads it once.
      const catastrophic = { patternProperties: { '^(a+)+$': { type: 'string' } } } as const;
      const started = performance.now();
      expect(verdict(open({ id }, catastrophic), open({ id, [`${'a'.repeat(29)}!`]: { type: 'string' } }, catastrophic))).toEqual({
        BACKWARD: [`PROPERTY_ADDED /properties/${'a'.repeat(29)}!`],
        FORWARD: [],
      });
      expect(verdict(open({ id }, catastrophic), open({ id, ['a'.repeat(29)]: { type: 'string' } }, catastrophic))).toEqual({ BACKWARD: [], FORWARD: [] });
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('when a version registered before patterns ran on RE2 holds a lookahead, then a name added beside it breaks both ways, saying why', () => {
      const lookahead = { patternProperties: { '^(?!x_)': { type: 'string' } } } as const;
      const result = checkCompatibility('FULL', [open({ id }, lookahead)], open({ id, note: { type: 'string' } }, lookahead));
      expect(result.violations.map((v) => `${v.direction} ${v.kind} ${v.path}`)).toEqual(['BACKWARD PROPERTY_ADDED /properties/note', 'FORWARD PROPERTY_ADDED /properties/note']);
      expect(result.violations[0].message).toContain('the registry cannot tell which schema of the previous version governs that name: "^(?!x_)" uses lookaround');
    });

    it('when so many names are added beside patterns that matching them is more work than the registry does, then each breaks both ways', () => {
      const prefixed = { patternProperties: { '^x_[a-z]+$': { type: 'string' } } } as const;
      const names = Array.from({ length: 20_000 }, (_, i) => `x_note${i}`);
      const next = open({ id, ...Object.fromEntries(names.map((name) => [name, { type: 'string' }])) }, prefixed);
      const result = checkCompatibility('FULL', [open({ id }, prefixed)], next);
      expect(result.violations).toHaveLength(2 * names.length);
      expect(result.violations[0].message).toContain('matching 20000 property names against its patternProperties is more work than the registry does for one object');
      // Beside a few names, the same pattern is matched as usual.
      expect(verdict(open({ id }, prefixed), open({ id, x_note: { type: 'string' } }, prefixed))).toEqual({ BACKWARD: [], FORWARD: [] });
    });

    it('when patternProperties nest deep, then each pair of subschemas is compared once, not once per path to it', () => {
      const previousLevel = (depth: number): JsonSchemaObject =>
        depth === 0 ? { type: 'string' } : { type: 'object', patternProperties: { '^x': previousLevel(depth - 1) } };
      const nextLevel = (depth: number): JsonSchemaObject => (depth === 0 ? { type: 'integer' } : { type: 'object', properties: { x: nextLevel(depth - 1) } });
      // Deeper than validation lets a schema nest, to make the difference plain: compared path by
      // path this took 14 s, doubling with each level, since each level asks both ways round.
      const nested = { patternProperties: { '^x': previousLevel(18) } };
      const started = performance.now();
      expect(found('BACKWARD', [open({ id }, nested)], open({ id, x: nextLevel(18) }, nested))).toEqual(['PROPERTY_ADDED /properties/x']);
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('when a pattern is added or removed, then both directions break: the names it moves cannot be bounded', () => {
      const prefixed = { patternProperties: { '^x_': { type: 'string' } } } as const;
      expect(verdict(open({ id }), open({ id }, prefixed))).toEqual({
        BACKWARD: ['PATTERN_PROPERTIES_CHANGED /patternProperties/^x_'],
        FORWARD: ['PATTERN_PROPERTIES_CHANGED /patternProperties/^x_'],
      });
    });
  });

  describe('given a property that stays', () => {
    it('when it becomes required, then BACKWARD breaks; when it stops being required, then FORWARD breaks', () => {
      const optional = closed({ id, phone: { type: 'string' } });
      const required = closed({ id, phone: { type: 'string' } }, { required: ['phone'] });
      expect(verdict(optional, required)).toEqual({ BACKWARD: ['REQUIRED_ADDED /properties/phone'], FORWARD: [] });
      expect(verdict(required, optional)).toEqual({ BACKWARD: [], FORWARD: ['REQUIRED_REMOVED /properties/phone'] });
    });

    it('when integer widens to number, then FORWARD breaks; when number narrows to integer, then BACKWARD breaks', () => {
      expect(verdict(closed({ age: { type: 'integer' } }), closed({ age: { type: 'number' } }))).toEqual({ BACKWARD: [], FORWARD: ['TYPE_WIDENED /properties/age/type'] });
      expect(verdict(closed({ age: { type: 'number' } }), closed({ age: { type: 'integer' } }))).toEqual({ BACKWARD: ['TYPE_NARROWED /properties/age/type'], FORWARD: [] });
    });

    it('when it becomes nullable, then FORWARD breaks; when it stops being nullable, then BACKWARD breaks', () => {
      const plain = closed({ nickname: { type: 'string' } });
      const nullable = closed({ nickname: { type: ['string', 'null'] } });
      expect(verdict(plain, nullable)).toEqual({ BACKWARD: [], FORWARD: ['TYPE_WIDENED /properties/nickname/type'] });
      expect(verdict(nullable, plain)).toEqual({ BACKWARD: ['TYPE_NARROWED /properties/nickname/type'], FORWARD: [] });
    });

    it('when a string becomes an integer, then both directions break, and no string keyword is compared', () => {
      const before = closed({ code: { type: 'string', maxLength: 6 } });
      const after = closed({ code: { type: 'integer', maximum: 999_999 } });
      expect(verdict(before, after)).toEqual({ BACKWARD: ['TYPE_CHANGED /properties/code/type'], FORWARD: ['TYPE_CHANGED /properties/code/type'] });
      expect(verdict(after, before)).toEqual({ BACKWARD: ['TYPE_CHANGED /properties/code/type'], FORWARD: ['TYPE_CHANGED /properties/code/type'] });
    });

    it('when a value is dropped from its enum, then BACKWARD breaks; when one is added, then FORWARD breaks', () => {
      const three = closed({ gender: { type: 'string', enum: ['MALE', 'FEMALE', 'UNKNOWN'] } });
      const two = closed({ gender: { type: 'string', enum: ['MALE', 'FEMALE'] } });
      expect(verdict(three, two)).toEqual({ BACKWARD: ['ENUM_NARROWED /properties/gender/enum'], FORWARD: [] });
      expect(verdict(two, three)).toEqual({ BACKWARD: [], FORWARD: ['ENUM_WIDENED /properties/gender/enum'] });
    });

    it('when an enum value is replaced by another, then both directions break', () => {
      const before = closed({ gender: { enum: ['M', 'F'] } });
      const after = closed({ gender: { enum: ['M', 'FEMALE'] } });
      expect(verdict(before, after)).toEqual({ BACKWARD: ['ENUM_CHANGED /properties/gender/enum'], FORWARD: ['ENUM_CHANGED /properties/gender/enum'] });
    });

    it('when an enum is introduced, then BACKWARD breaks; when it is dropped, then FORWARD breaks; const counts as a one-value enum', () => {
      const free = closed({ status: { type: 'string' } });
      const listed = closed({ status: { type: 'string', enum: ['ACTIVE', 'MOVED_OUT'] } });
      const constant = closed({ status: { type: 'string', const: 'ACTIVE' } });
      expect(verdict(free, listed)).toEqual({ BACKWARD: ['ENUM_NARROWED /properties/status/enum'], FORWARD: [] });
      expect(verdict(listed, free)).toEqual({ BACKWARD: [], FORWARD: ['ENUM_WIDENED /properties/status/enum'] });
      expect(verdict(listed, constant)).toEqual({ BACKWARD: ['ENUM_NARROWED /properties/status/enum'], FORWARD: [] });
      expect(verdict(constant, listed)).toEqual({ BACKWARD: [], FORWARD: ['ENUM_WIDENED /properties/status/enum'] });
    });

    it('when an enum-only field states the type its values already have, then nothing breaks: the type is read off the values', () => {
      const untyped = closed({ gender: { enum: ['MALE', 'FEMALE'] } });
      const typed = closed({ gender: { type: 'string', enum: ['MALE', 'FEMALE'] } });
      expect(verdict(untyped, typed)).toEqual({ BACKWARD: [], FORWARD: [] });
      expect(verdict(typed, untyped)).toEqual({ BACKWARD: [], FORWARD: [] });
    });

    it('when a nested record closes, then BACKWARD breaks there; when it opens, then FORWARD breaks there', () => {
      const openHousehold = closed({ household: open({ id }) });
      const closedHousehold = closed({ household: closed({ id }) });
      expect(verdict(openHousehold, closedHousehold)).toEqual({ BACKWARD: ['ADDITIONAL_PROPERTIES_NARROWED /properties/household/additionalProperties'], FORWARD: [] });
      expect(verdict(closedHousehold, openHousehold)).toEqual({ BACKWARD: [], FORWARD: ['ADDITIONAL_PROPERTIES_WIDENED /properties/household/additionalProperties'] });
    });

    it('when the items of a list narrow or widen, then the change is found under /items', () => {
      const strings = closed({ tags: { type: 'array', items: { type: 'string' } } });
      const nullableStrings = closed({ tags: { type: 'array', items: { type: ['string', 'null'] } } });
      expect(verdict(nullableStrings, strings)).toEqual({ BACKWARD: ['TYPE_NARROWED /properties/tags/items/type'], FORWARD: [] });
      expect(verdict(strings, nullableStrings)).toEqual({ BACKWARD: [], FORWARD: ['TYPE_WIDENED /properties/tags/items/type'] });
    });
  });

  describe('given value constraints: a tightened constraint breaks BACKWARD, a relaxed one FORWARD', () => {
    it.each<[string, JsonSchemaObject, JsonSchemaObject, string]>([
      ['maxLength lowered', { type: 'string', maxLength: 64 }, { type: 'string', maxLength: 32 }, '/maxLength'],
      ['maxLength introduced', { type: 'string' }, { type: 'string', maxLength: 64 }, '/maxLength'],
      ['minLength raised', { type: 'string', minLength: 1 }, { type: 'string', minLength: 2 }, '/minLength'],
      ['minLength introduced', { type: 'string' }, { type: 'string', minLength: 1 }, '/minLength'],
      ['pattern introduced', { type: 'string' }, { type: 'string', pattern: '^[0-9]+$' }, '/pattern'],
      ['format introduced', { type: 'string' }, { type: 'string', format: 'date' }, '/format'],
      ['minimum raised', { type: 'integer', minimum: 0 }, { type: 'integer', minimum: 18 }, '/minimum'],
      ['maximum lowered', { type: 'integer', maximum: 150 }, { type: 'integer', maximum: 120 }, '/maximum'],
      ['exclusiveMinimum introduced', { type: 'number' }, { type: 'number', exclusiveMinimum: 0 }, '/exclusiveMinimum'],
      ['multipleOf coarsened', { type: 'number', multipleOf: 0.01 }, { type: 'number', multipleOf: 0.1 }, '/multipleOf'],
      ['maxItems lowered', { type: 'array', maxItems: 10 }, { type: 'array', maxItems: 5 }, '/maxItems'],
      ['minItems raised', { type: 'array' }, { type: 'array', minItems: 1 }, '/minItems'],
      ['uniqueItems turned on', { type: 'array' }, { type: 'array', uniqueItems: true }, '/uniqueItems'],
      ['maxProperties lowered', { type: 'object', maxProperties: 5 }, { type: 'object', maxProperties: 3 }, '/maxProperties'],
    ])('when %s, then BACKWARD breaks and the reverse edit breaks FORWARD', (_, loose, tight, keyword) => {
      const path = `/properties/value${keyword}`;
      expect(verdict(closed({ value: loose }), closed({ value: tight }))).toEqual({ BACKWARD: [`CONSTRAINT_TIGHTENED ${path}`], FORWARD: [] });
      expect(verdict(closed({ value: tight }), closed({ value: loose }))).toEqual({ BACKWARD: [], FORWARD: [`CONSTRAINT_RELAXED ${path}`] });
    });

    it('when maximum becomes exclusiveMaximum at the same value, then the two are read as one bound, and the path names the new keyword', () => {
      const inclusive = closed({ share: { type: 'number', maximum: 100 } });
      const exclusive = closed({ share: { type: 'number', exclusiveMaximum: 100 } });
      expect(verdict(inclusive, exclusive)).toEqual({ BACKWARD: ['CONSTRAINT_TIGHTENED /properties/share/exclusiveMaximum'], FORWARD: [] });
      expect(verdict(exclusive, inclusive)).toEqual({ BACKWARD: [], FORWARD: ['CONSTRAINT_RELAXED /properties/share/maximum'] });
      expect(verdict(inclusive, closed({ share: { type: 'number', maximum: 100, exclusiveMaximum: 120 } }))).toEqual({ BACKWARD: [], FORWARD: [] });
    });

    it.each<[string, JsonSchemaObject, JsonSchemaObject, string]>([
      ['format replaced', { type: 'string', format: 'date' }, { type: 'string', format: 'date-time' }, '/format'],
      ['pattern replaced', { type: 'string', pattern: '^[0-9]{6}$' }, { type: 'string', pattern: '^[0-9]{9}$' }, '/pattern'],
      ['multipleOf replaced by a step neither divides', { type: 'number', multipleOf: 2 }, { type: 'number', multipleOf: 3 }, '/multipleOf'],
    ])('when %s, then both directions break: neither value set contains the other', (_, before, after, keyword) => {
      const path = `/properties/value${keyword}`;
      expect(verdict(closed({ value: before }), closed({ value: after }))).toEqual({ BACKWARD: [`CONSTRAINT_CHANGED ${path}`], FORWARD: [`CONSTRAINT_CHANGED ${path}`] });
    });
  });

  describe('given keywords the registry does not compare structurally', () => {
    it('when only annotations change, then nothing breaks either way', () => {
      const before = closed({ name: { type: 'string', title: '姓名', description: 'legal name' } }, { $comment: 'v1' });
      const after = closed({ name: { type: 'string', title: 'Name', description: 'legal name as registered', examples: ['张三'] } }, { $comment: 'v2' });
      expect(verdict(before, after)).toEqual({ BACKWARD: [], FORWARD: [] });
    });

    it('when a composition changes, then both directions break, at the keyword', () => {
      const before = closed({ contact: { anyOf: [{ type: 'string', format: 'email' }, { type: 'string', pattern: '^1[0-9]{10}$' }] } });
      const after = closed({ contact: { anyOf: [{ type: 'string', format: 'email' }] } });
      expect(verdict(before, after)).toEqual({ BACKWARD: ['KEYWORD_CHANGED /properties/contact/anyOf'], FORWARD: ['KEYWORD_CHANGED /properties/contact/anyOf'] });
    });

    it('when the definitions a reference points into change, then both directions break at /$defs', () => {
      const withAddress = (city: JsonSchema) => closed({ address: { $ref: '#/$defs/address' } }, { $defs: { address: closed({ city }) } });
      expect(verdict(withAddress({ type: 'string' }), withAddress({ type: 'integer' }))).toEqual({ BACKWARD: ['KEYWORD_CHANGED /$defs'], FORWARD: ['KEYWORD_CHANGED /$defs'] });
      expect(verdict(withAddress({ type: 'string' }), withAddress({ type: 'string', description: 'city' }))).toEqual({ BACKWARD: [], FORWARD: [] });
    });

    it('when a schema using unevaluatedProperties changes, then both directions break at that keyword', () => {
      const before = open({ id, nickname: { type: 'string' } }, { unevaluatedProperties: false });
      const after = open({ id }, { unevaluatedProperties: false });
      expect(verdict(before, after)).toEqual({ BACKWARD: ['KEYWORD_CHANGED /unevaluatedProperties'], FORWARD: ['KEYWORD_CHANGED /unevaluatedProperties'] });
    });
  });
});

describe('checkCompatibility, mode by mode', () => {
  // Adding an optional field to a closed record: only consumers of the old version are hurt.
  const v1 = closed({ id });
  const v2 = closed({ id, nickname: { type: 'string' } });

  it.each<[CompatibilityMode, boolean, Array<'BACKWARD' | 'FORWARD'>]>([
    ['NONE', true, []],
    ['BACKWARD', true, []],
    ['BACKWARD_TRANSITIVE', true, []],
    ['FORWARD', false, ['FORWARD']],
    ['FORWARD_TRANSITIVE', false, ['FORWARD']],
    ['FULL', false, ['FORWARD']],
    ['FULL_TRANSITIVE', false, ['FORWARD']],
  ])('given a FORWARD-only break, when checked under %s, then compatible is %s', (mode, compatible, directions) => {
    const result = checkCompatibility(mode, [v1], v2);
    expect(result.compatible).toBe(compatible);
    expect(result.violations.map((violation) => violation.direction)).toEqual(directions);
  });

  it.each<[CompatibilityMode, Array<'BACKWARD' | 'FORWARD'>]>([
    ['NONE', []],
    ['BACKWARD', ['BACKWARD']],
    ['FORWARD', ['FORWARD']],
    ['FULL', ['BACKWARD', 'FORWARD']],
  ])('given a type change that breaks both ways, when checked under %s, then it is reported for %j', (mode, directions) => {
    const result = checkCompatibility(mode, [closed({ code: { type: 'string' } })], closed({ code: { type: 'integer' } }));
    expect(result.compatible).toBe(directions.length === 0);
    expect(result.violations.map((violation) => violation.direction)).toEqual(directions);
  });

  it('given a first version, when checked under any mode, then it is compatible: there is nothing to read across', () => {
    for (const mode of COMPATIBILITY_MODES) expect(checkCompatibility(mode, [], v2)).toEqual({ compatible: true, violations: [] });
  });

  it('given an unknown mode, when checked, then it is refused rather than treated as NONE', () => {
    expect(() => checkCompatibility('LENIENT' as CompatibilityMode, [v1], v2)).toThrow(RangeError);
  });

  it('given a violation, then it carries the pointer, the kind, the direction, the version it breaks against and plain words', () => {
    const before = closed({ household: closed({ id, address: closed({ city: { type: 'string' } }) }) });
    const after = closed({ household: closed({ id, address: closed({}) }) });
    expect(checkCompatibility('BACKWARD', [before], after)).toEqual({
      compatible: false,
      violations: [
        {
          path: '/properties/household/properties/address/properties/city',
          kind: 'PROPERTY_REMOVED',
          direction: 'BACKWARD',
          againstVersion: 1,
          message:
            '/properties/household/properties/address/properties/city: property "city" was removed and the new version refuses unlisted properties, ' +
            'so consumers using the new schema could not read every record written with version 1',
        },
      ],
    });
    expect(checkCompatibility('FORWARD', [after], before).violations.map((violation) => violation.message)).toEqual([
      '/properties/household/properties/address/properties/city: property "city" was added and the previous version refused unlisted properties, ' +
        'so consumers still using version 1 could not read every record written with the new schema',
    ]);
  });

  describe('given three versions, where version 2 was registered while the mode was NONE', () => {
    it('when BACKWARD is asked, then only version 2 is compared; BACKWARD_TRANSITIVE also finds the break against version 1', () => {
      // v1 → v2 removes nickname from a closed record; v3 brings it back as an integer.
      const history = [closed({ id, nickname: { type: 'string' } }), closed({ id })];
      const v3 = closed({ id, nickname: { type: 'integer' } });
      expect(checkCompatibility('BACKWARD', history, v3)).toEqual({ compatible: true, violations: [] });
      expect(checkCompatibility('BACKWARD_TRANSITIVE', history, v3).violations).toEqual([
        expect.objectContaining({ path: '/properties/nickname/type', kind: 'TYPE_CHANGED', direction: 'BACKWARD', againstVersion: 1 }),
      ]);
    });

    it('when FORWARD is asked, then only version 2 is compared; FORWARD_TRANSITIVE also finds the break against version 1', () => {
      // v2 widened the enum with C; v3 keeps C and drops B: fine for v2 readers, not for v1 readers.
      const history = [closed({ grade: { enum: ['A', 'B'] } }), closed({ grade: { enum: ['A', 'B', 'C'] } })];
      const v3 = closed({ grade: { enum: ['A', 'C'] } });
      expect(checkCompatibility('FORWARD', history, v3)).toEqual({ compatible: true, violations: [] });
      expect(checkCompatibility('FORWARD_TRANSITIVE', history, v3).violations).toEqual([
        expect.objectContaining({ path: '/properties/grade/enum', kind: 'ENUM_CHANGED', direction: 'FORWARD', againstVersion: 1 }),
      ]);
    });

    it('when FULL is asked, then only version 2 is compared; FULL_TRANSITIVE also finds the break against version 1', () => {
      // v2 relaxed maxLength; v3 only rewords the description.
      const history = [closed({ name: { type: 'string', maxLength: 32 } }), closed({ name: { type: 'string', maxLength: 64 } })];
      const v3 = closed({ name: { type: 'string', maxLength: 64, description: 'legal name' } });
      expect(checkCompatibility('FULL', history, v3)).toEqual({ compatible: true, violations: [] });
      expect(checkCompatibility('FULL_TRANSITIVE', history, v3).violations).toEqual([
        expect.objectContaining({ path: '/properties/name/maxLength', kind: 'CONSTRAINT_RELAXED', direction: 'FORWARD', againstVersion: 1 }),
      ]);
    });

    it('when the new version breaks against the latest, then a non-transitive mode names that latest version', () => {
      const history = [closed({ id }), closed({ id, nickname: { type: 'string' } })];
      expect(checkCompatibility('BACKWARD', history, closed({ id })).violations).toEqual([
        expect.objectContaining({ kind: 'PROPERTY_REMOVED', againstVersion: 2 }),
      ]);
      expect(checkCompatibility('BACKWARD_TRANSITIVE', history, closed({ id })).violations.map((violation) => violation.againstVersion)).toEqual([2]);
    });
  });
});

describe('checkCompatibility on the resident record', () => {
  it('given version 1, when an optional ethnicity field is added, then the default BACKWARD mode accepts it and FORWARD refuses it', () => {
    const v2 = revise(residentV1, (draft) => {
      draft.properties!.ethnicity = { type: 'string', maxLength: 16 };
    });
    expect(found('BACKWARD', [residentV1], v2)).toEqual([]);
    expect(found('FORWARD', [residentV1], v2)).toEqual(['PROPERTY_ADDED /properties/ethnicity']);
  });

  it('given version 1, when UNKNOWN is dropped from gender and birthDate becomes a date-time, then BACKWARD names both', () => {
    const v2 = revise(residentV1, (draft) => {
      field(draft, 'gender').enum = ['MALE', 'FEMALE'];
      field(draft, 'birthDate').format = 'date-time';
    });
    expect(found('BACKWARD', [residentV1], v2)).toEqual(['ENUM_NARROWED /properties/gender/enum', 'CONSTRAINT_CHANGED /properties/birthDate/format']);
  });

  it('given version 1, when the household address loses its street and the city becomes a code, then the nested paths are named', () => {
    const v2 = revise(residentV1, (draft) => {
      const address = field(draft, 'household', 'address');
      delete address.properties!.street;
      address.properties!.city = { type: 'integer' };
    });
    expect(found('FULL', [residentV1], v2)).toEqual([
      'TYPE_CHANGED /properties/household/properties/address/properties/city/type',
      'TYPE_CHANGED /properties/household/properties/address/properties/city/type',
      'PROPERTY_REMOVED /properties/household/properties/address/properties/street',
    ]);
  });

  it('given version 1, when the ID number pattern and length are kept and only descriptions change, then FULL_TRANSITIVE accepts it', () => {
    const v2 = revise(residentV1, (draft) => {
      field(draft, 'idNumber').description = '公民身份号码';
      draft.title = 'Resident';
    });
    expect(checkCompatibility('FULL_TRANSITIVE', [residentV1], v2)).toEqual({ compatible: true, violations: [] });
  });
});
