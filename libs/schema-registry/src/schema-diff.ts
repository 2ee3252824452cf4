import {
  ANNOTATION_KEYWORDS,
  JSON_TYPES,
  admits,
  admittedTypes,
  isSchemaObject,
  listedValues,
  pointerTo,
  sameKeywordValue,
  sameSchema,
  type JsonSchema,
  type JsonSchemaObject,
  type JsonType,
} from './json-schema.js';
import { compilePattern, type CompiledPattern } from './schema-pattern.js';

/**
 * The two ways of reading across versions (Confluent Schema Registry's terms). BACKWARD: a consumer
 * using the new schema reads data written with the previous one, so the new schema must accept
 * everything the previous one accepted. FORWARD: a consumer of the previous schema reads data
 * written with the new one, so the previous schema must accept everything the new one accepts.
 */
export type Direction = 'BACKWARD' | 'FORWARD';

/** What changed from the previous version to the next, named from the steward's side of the edit. */
export type ChangeKind =
  | 'PROPERTY_ADDED'
  | 'PROPERTY_REMOVED'
  | 'REQUIRED_ADDED'
  | 'REQUIRED_REMOVED'
  | 'TYPE_NARROWED'
  | 'TYPE_WIDENED'
  | 'TYPE_CHANGED'
  | 'ENUM_NARROWED'
  | 'ENUM_WIDENED'
  | 'ENUM_CHANGED'
  | 'ADDITIONAL_PROPERTIES_NARROWED'
  | 'ADDITIONAL_PROPERTIES_WIDENED'
  | 'ADDITIONAL_PROPERTIES_CHANGED'
  | 'PATTERN_PROPERTIES_CHANGED'
  | 'CONSTRAINT_TIGHTENED'
  | 'CONSTRAINT_RELAXED'
  | 'CONSTRAINT_CHANGED'
  | 'FALSE_SCHEMA_ADDED'
  | 'FALSE_SCHEMA_REMOVED'
  | 'KEYWORD_CHANGED';

/** One change between two versions that breaks at least one direction of reading. */
export interface SchemaChange {
  /** JSON pointer into the schema: a property (`/properties/household/properties/address`) or a keyword (`/properties/age/maximum`). */
  path: string;
  kind: ChangeKind;
  /** BACKWARD when the next version refuses something the previous accepted; FORWARD for the reverse. */
  breaks: Direction[];
  /** Plain words, starting lower-case, saying what changed. */
  description: string;
}

/** Kind names by outcome: the next version accepts less (narrowed), more (widened), or each accepts what the other refuses. */
type Kinds = { narrowed: ChangeKind; widened: ChangeKind; changed: ChangeKind };

const TYPE_KINDS: Kinds = { narrowed: 'TYPE_NARROWED', widened: 'TYPE_WIDENED', changed: 'TYPE_CHANGED' };
const ENUM_KINDS: Kinds = { narrowed: 'ENUM_NARROWED', widened: 'ENUM_WIDENED', changed: 'ENUM_CHANGED' };
const CONSTRAINT_KINDS: Kinds = { narrowed: 'CONSTRAINT_TIGHTENED', widened: 'CONSTRAINT_RELAXED', changed: 'CONSTRAINT_CHANGED' };
const ADDITIONAL_PROPERTIES_KINDS: Kinds = {
  narrowed: 'ADDITIONAL_PROPERTIES_NARROWED',
  widened: 'ADDITIONAL_PROPERTIES_WIDENED',
  changed: 'ADDITIONAL_PROPERTIES_CHANGED',
};
const always = (kind: ChangeKind): Kinds => ({ narrowed: kind, widened: kind, changed: kind });

const BOTH_DIRECTIONS: Direction[] = ['BACKWARD', 'FORWARD'];

/** The change, if it breaks anything: `breaksBackward` when the next version refuses data the previous accepted, `breaksForward` for the reverse. */
const change = (path: string, kinds: Kinds, breaksBackward: boolean, breaksForward: boolean, description: string): SchemaChange[] => {
  if (!breaksBackward && !breaksForward) return [];
  const kind = breaksBackward && breaksForward ? kinds.changed : breaksBackward ? kinds.narrowed : kinds.widened;
  const breaks = BOTH_DIRECTIONS.filter((direction) => (direction === 'BACKWARD' ? breaksBackward : breaksForward));
  return [{ path, kind, breaks, description }];
};

/**
 * The verdicts of {@link isSubschema} within one comparison, by the identity of the two schemas.
 * Nested `patternProperties` bring the same pair of subschemas back along a number of paths that
 * doubles with each level (every level asks both ways round), and the verdict does not depend on
 * the path. Kept for one top-level {@link diffSchemas} only, so no later edit of a schema object
 * can meet a stale verdict.
 */
let subschemaVerdicts: WeakMap<JsonSchemaObject, WeakMap<JsonSchemaObject, boolean>> | undefined;

/** Whether every instance `writer` accepts, `reader` accepts too, as far as the structural comparison can tell. */
const isSubschema = (writer: JsonSchema, reader: JsonSchema): boolean => {
  const decide = () => compareSchemas(writer, reader, '').every((found) => !found.breaks.includes('BACKWARD'));
  if (typeof writer === 'boolean' || typeof reader === 'boolean' || subschemaVerdicts === undefined) return decide();
  const ofWriter = subschemaVerdicts.get(writer) ?? new WeakMap<JsonSchemaObject, boolean>();
  subschemaVerdicts.set(writer, ofWriter);
  const known = ofWriter.get(reader);
  if (known !== undefined) return known;
  const verdict = decide();
  ofWriter.set(reader, verdict);
  return verdict;
};

/**
 * A value passes every schema of `writers` (they apply together); it is safe for `readers` when
 * each reader schema is implied by one of them.
 */
const accepts = (writers: readonly JsonSchema[], readers: readonly JsonSchema[]): boolean =>
  readers.every((reader) => writers.some((writer) => isSubschema(writer, reader)));

const isEmptySchema = (schema: JsonSchema): boolean => schema === true || (isSchemaObject(schema) && sameSchema(schema, {}));

const describeTypes = (types: readonly JsonType[]): string => (types.length === JSON_TYPES.length ? 'any type' : types.join(' or '));

const diffTypes = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] => {
  const before = admittedTypes(previous);
  const after = admittedTypes(next);
  const covers = (outer: readonly JsonType[], inner: readonly JsonType[]) => inner.every((type) => admits(outer, type));
  return change(
    pointerTo(path, 'type'),
    TYPE_KINDS,
    !covers(after, before),
    !covers(before, after),
    `type changed from ${describeTypes(before)} to ${describeTypes(after)}`,
  );
};

const quoted = (values: readonly unknown[]): string => values.map((value) => JSON.stringify(value)).join(', ');

/**
 * JSON text with the keys of every object sorted: two values have the same text exactly when they
 * are the same JSON (`sameJson`), so lists of thousands of values compare through a set, not pair by pair.
 */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_, inner: unknown) =>
    isSchemaObject(inner) ? Object.fromEntries(Object.keys(inner).sort().map((key) => [key, inner[key]])) : inner,
  );

const missingFrom = (values: readonly unknown[], list: readonly unknown[]): unknown[] => {
  const listed = new Set(list.map(canonicalJson));
  return values.filter((value) => !listed.has(canonicalJson(value)));
};

const describeListedValues = (before: unknown[] | undefined, after: unknown[] | undefined): string => {
  if (before === undefined) return `a closed list of allowed values was introduced (${quoted(after ?? [])})`;
  if (after === undefined) return `the list of allowed values (${quoted(before)}) was dropped`;
  const dropped = missingFrom(before, after);
  const added = missingFrom(after, before);
  return [
    ...(dropped.length > 0 ? [`${quoted(dropped)} no longer allowed`] : []),
    ...(added.length > 0 ? [`${quoted(added)} newly allowed`] : []),
  ].join(' and ');
};

const diffListedValues = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] => {
  const before = listedValues(previous);
  const after = listedValues(next);
  const keyword = previous.enum === undefined && next.enum === undefined ? 'const' : 'enum';
  return change(
    pointerTo(path, keyword),
    ENUM_KINDS,
    after !== undefined && (before === undefined || missingFrom(before, after).length > 0),
    before !== undefined && (after === undefined || missingFrom(after, before).length > 0),
    describeListedValues(before, after),
  );
};

const describeValueChange = (keyword: string, before: unknown, after: unknown): string => {
  if (before === undefined) return `${keyword} ${JSON.stringify(after)} was added`;
  if (after === undefined) return `${keyword} ${JSON.stringify(before)} was removed`;
  return `${keyword} changed from ${JSON.stringify(before)} to ${JSON.stringify(after)}`;
};

type Limit = 'lower' | 'upper';

/** A bound tightens when it appears, or moves inwards: a lower bound up, an upper bound down. */
const diffBound = (path: string, keyword: string, limit: Limit, before: number | undefined, after: number | undefined): SchemaChange[] => {
  const tighter = (a: number | undefined, b: number | undefined) => a !== undefined && (b === undefined || (limit === 'upper' ? a < b : a > b));
  return change(pointerTo(path, keyword), CONSTRAINT_KINDS, tighter(after, before), tighter(before, after), describeValueChange(keyword, before, after));
};

type NumericBound = { value: number; exclusive: boolean; keyword: string };

/** `maximum` and `exclusiveMaximum` (or the minimums) bound one thing together: the tighter of the two is the bound. */
const numericBound = (schema: JsonSchemaObject, limit: Limit): NumericBound | undefined => {
  const candidates: Array<NumericBound | undefined> =
    limit === 'upper'
      ? [
          schema.maximum === undefined ? undefined : { value: schema.maximum, exclusive: false, keyword: 'maximum' },
          schema.exclusiveMaximum === undefined ? undefined : { value: schema.exclusiveMaximum, exclusive: true, keyword: 'exclusiveMaximum' },
        ]
      : [
          schema.minimum === undefined ? undefined : { value: schema.minimum, exclusive: false, keyword: 'minimum' },
          schema.exclusiveMinimum === undefined ? undefined : { value: schema.exclusiveMinimum, exclusive: true, keyword: 'exclusiveMinimum' },
        ];
  return candidates.reduce<NumericBound | undefined>((tightest, bound) => (tighterBound(limit, bound, tightest) ? bound : tightest), undefined);
};

/** Whether bound `a` lets fewer numbers through than bound `b` (an absent bound lets every number through). */
const tighterBound = (limit: Limit, a: NumericBound | undefined, b: NumericBound | undefined): boolean => {
  if (a === undefined) return false;
  if (b === undefined) return true;
  if (a.value !== b.value) return limit === 'upper' ? a.value < b.value : a.value > b.value;
  return a.exclusive && !b.exclusive;
};

const describeNumericBound = (limit: Limit, bound: NumericBound | undefined): string => {
  if (bound === undefined) return 'none';
  if (limit === 'upper') return `${bound.exclusive ? 'below' : 'at most'} ${bound.value}`;
  return `${bound.exclusive ? 'above' : 'at least'} ${bound.value}`;
};

const diffNumericBound = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string, limit: Limit): SchemaChange[] => {
  const before = numericBound(previous, limit);
  const after = numericBound(next, limit);
  const keyword = (after ?? before)?.keyword ?? (limit === 'upper' ? 'maximum' : 'minimum');
  return change(
    pointerTo(path, keyword),
    CONSTRAINT_KINDS,
    tighterBound(limit, after, before),
    tighterBound(limit, before, after),
    `${limit} bound changed from ${describeNumericBound(limit, before)} to ${describeNumericBound(limit, after)}`,
  );
};

/** Up to floating-point noise: 0.3 is a multiple of 0.1. */
const isMultipleOf = (value: number, step: number): boolean => {
  const ratio = value / step;
  return Math.abs(ratio - Math.round(ratio)) < 1e-9;
};

/** Every multiple of `before` is a multiple of `after` exactly when `before` is itself a multiple of `after`. */
const diffMultipleOf = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] => {
  const before = previous.multipleOf;
  const after = next.multipleOf;
  return change(
    pointerTo(path, 'multipleOf'),
    CONSTRAINT_KINDS,
    after !== undefined && (before === undefined || !isMultipleOf(before, after)),
    before !== undefined && (after === undefined || !isMultipleOf(after, before)),
    describeValueChange('multipleOf', before, after),
  );
};

/**
 * `pattern` and `format` cannot be compared with one another: one appearing tightens, one going
 * away relaxes, and one replaced by another is treated as both (the new may refuse old values and
 * the old may refuse new ones). `format` is treated as an assertion, not an annotation, because a
 * consumer that parses `birthDate` as a date breaks on any other string whatever the validator does.
 */
const diffAssertion = (path: string, keyword: 'pattern' | 'format', before: string | undefined, after: string | undefined): SchemaChange[] =>
  before === after ? [] : change(pointerTo(path, keyword), CONSTRAINT_KINDS, after !== undefined, before !== undefined, describeValueChange(keyword, before, after));

const diffStrings = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] => [
  ...diffBound(path, 'minLength', 'lower', previous.minLength, next.minLength),
  ...diffBound(path, 'maxLength', 'upper', previous.maxLength, next.maxLength),
  ...diffAssertion(path, 'pattern', previous.pattern, next.pattern),
  ...diffAssertion(path, 'format', previous.format, next.format),
];

const diffNumbers = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] => [
  ...diffNumericBound(previous, next, path, 'lower'),
  ...diffNumericBound(previous, next, path, 'upper'),
  ...diffMultipleOf(previous, next, path),
];

const diffArrays = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] => [
  ...compareSchemas(previous.items ?? true, next.items ?? true, pointerTo(path, 'items')),
  ...diffBound(path, 'minItems', 'lower', previous.minItems, next.minItems),
  ...diffBound(path, 'maxItems', 'upper', previous.maxItems, next.maxItems),
  ...change(
    pointerTo(path, 'uniqueItems'),
    CONSTRAINT_KINDS,
    next.uniqueItems === true && previous.uniqueItems !== true,
    previous.uniqueItems === true && next.uniqueItems !== true,
    `uniqueItems turned ${next.uniqueItems === true ? 'on' : 'off'}`,
  ),
];

/**
 * Matching is linear in each name, times the pattern's program: a version adding or removing
 * thousands of names beside large patterns is more work than any real schema needs, and the
 * registry then does not match at all (see {@link unlistedSchemasFor}). Five hundred fields of
 * twenty characters against patterns of twenty instructions are a fifth of it.
 */
const MAX_MATCHING_WORK = 1_000_000;

/** The schemas governing an unlisted name, or why the registry cannot tell. */
type Governing = JsonSchema[] | { unknown: string };

/**
 * How `schema` governs the property names the other version adds or removes beside it, none of
 * which it lists: every `patternProperties` entry whose pattern matches the name (they apply
 * together), otherwise `additionalProperties` (absent: any value). Patterns run on RE2 only; a
 * schema registered before that rule may hold one RE2 cannot run, and then, as when matching
 * `names` would take more than {@link MAX_MATCHING_WORK}, what governs them is unknown.
 */
const unlistedSchemasFor = (schema: JsonSchemaObject, names: readonly string[]): ((name: string) => Governing) => {
  const otherwise = [schema.additionalProperties ?? true];
  const entries = Object.entries(schema.patternProperties ?? {});
  if (entries.length === 0 || names.length === 0) return () => otherwise;
  const patterns: Array<{ compiled: Extract<CompiledPattern, { ok: true }>; governing: JsonSchema }> = [];
  for (const [pattern, governing] of entries) {
    const compiled = compilePattern(pattern);
    if (!compiled.ok) return () => ({ unknown: compiled.reason });
    patterns.push({ compiled, governing });
  }
  const work = names.reduce((sum, name) => sum + name.length + 1, 0) * patterns.reduce((sum, { compiled }) => sum + compiled.programSize, 0);
  if (work > MAX_MATCHING_WORK) {
    return () => ({ unknown: `matching ${names.length} property names against its patternProperties is more work than the registry does for one object` });
  }
  return (name) => {
    const matching = patterns.filter(({ compiled }) => compiled.regExp.test(name)).map(({ governing }) => governing);
    return matching.length > 0 ? matching : otherwise;
  };
};

/** Open, closed or partially open content model, in Confluent's terms, as it bears on one property name. */
const contentModel = (governing: readonly JsonSchema[]): 'open' | 'closed' | 'partially open' => {
  if (governing.length === 1 && isEmptySchema(governing[0])) return 'open';
  if (governing.length === 1 && governing[0] === false) return 'closed';
  return 'partially open';
};

/** A property added or removed where what governs its name in the other version is unknown: it may break either way. */
const unknownFate = (path: string, kind: ChangeKind, name: string, what: string, version: string, reason: string): SchemaChange[] =>
  change(path, always(kind), true, true, `property "${name}" was ${what} and the registry cannot tell which schema of the ${version} version governs that name: ${reason}`);

/**
 * A property that only the previous version lists. Its old values must now pass whatever governs
 * unlisted properties in the next version (BACKWARD), and whatever that lets through must pass the
 * old property schema (FORWARD). Hence Confluent's rule: removing is backward compatible from an
 * open content model and breaks it from a closed one, and the other way round for forward.
 */
const propertyRemoved = (name: string, was: JsonSchema, governing: Governing, path: string): SchemaChange[] => {
  if (!Array.isArray(governing)) return unknownFate(path, 'PROPERTY_REMOVED', name, 'removed', 'new', governing.unknown);
  const fate = {
    open: 'the new version still accepts it as an unlisted property, with any value',
    closed: 'the new version refuses unlisted properties',
    'partially open': 'the new version checks it against its schema for unlisted properties',
  }[contentModel(governing)];
  return change(path, always('PROPERTY_REMOVED'), !accepts([was], governing), !accepts(governing, [was]), `property "${name}" was removed and ${fate}`);
};

/**
 * A property that only the next version lists: the mirror image of a removal. Under an open
 * content model old data may already hold any value under that name, so a typed new property
 * breaks BACKWARD (Confluent's PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL); under a closed one it cannot,
 * and only FORWARD breaks, since previous consumers refuse the new property.
 */
const propertyAdded = (name: string, is: JsonSchema, governing: Governing, path: string): SchemaChange[] => {
  if (!Array.isArray(governing)) return unknownFate(path, 'PROPERTY_ADDED', name, 'added', 'previous', governing.unknown);
  const before = {
    open: 'the previous version accepted any value under that name as an unlisted property',
    closed: 'the previous version refused unlisted properties',
    'partially open': 'the previous version checked it against its schema for unlisted properties',
  }[contentModel(governing)];
  return change(path, always('PROPERTY_ADDED'), !accepts(governing, [is]), !accepts([is], governing), `property "${name}" was added and ${before}`);
};

const diffProperties = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] => {
  const before = previous.properties ?? {};
  const after = next.properties ?? {};
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  const governedInNext = unlistedSchemasFor(next, names.filter((name) => !Object.hasOwn(after, name)));
  const governedInPrevious = unlistedSchemasFor(previous, names.filter((name) => !Object.hasOwn(before, name)));
  return names.flatMap((name) => {
    const at = pointerTo(path, 'properties', name);
    if (!Object.hasOwn(after, name)) return propertyRemoved(name, before[name], governedInNext(name), at);
    if (!Object.hasOwn(before, name)) return propertyAdded(name, after[name], governedInPrevious(name), at);
    return compareSchemas(before[name], after[name], at);
  });
};

/**
 * A newly required property is missing from old data that left it out (BACKWARD). A property no
 * longer required may be missing from new data that previous consumers insist on (FORWARD).
 * A default does not excuse either, unlike Confluent: JSON Schema validation never fills one in.
 */
const diffRequired = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] => {
  const before = new Set(previous.required ?? []);
  const after = new Set(next.required ?? []);
  return [
    ...[...after]
      .filter((name) => !before.has(name))
      .flatMap((name) => change(pointerTo(path, 'properties', name), always('REQUIRED_ADDED'), true, false, `property "${name}" became required`)),
    ...[...before]
      .filter((name) => !after.has(name))
      .flatMap((name) => change(pointerTo(path, 'properties', name), always('REQUIRED_REMOVED'), false, true, `property "${name}" is no longer required`)),
  ];
};

const describeContent = (schema: JsonSchema): string => {
  if (isEmptySchema(schema)) return 'accepted with any value';
  if (schema === false) return 'refused';
  return 'accepted when they match a schema';
};

/** `additionalProperties` governs the names neither version lists; added and removed names are judged above. */
const diffAdditionalProperties = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] => {
  const before = previous.additionalProperties ?? true;
  const after = next.additionalProperties ?? true;
  const at = pointerTo(path, 'additionalProperties');
  if (isSchemaObject(before) && isSchemaObject(after)) return compareSchemas(before, after, at);
  return change(
    at,
    ADDITIONAL_PROPERTIES_KINDS,
    !isSubschema(before, after),
    !isSubschema(after, before),
    `unlisted properties were ${describeContent(before)} and are now ${describeContent(after)}`,
  );
};

/**
 * Patterns are matched by their text. A pattern added or dropped moves names between itself,
 * other patterns and `additionalProperties` in ways no structural comparison can bound, so it
 * counts as breaking both ways.
 */
const diffPatternProperties = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] => {
  const before = previous.patternProperties ?? {};
  const after = next.patternProperties ?? {};
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].flatMap((pattern) => {
    const at = pointerTo(path, 'patternProperties', pattern);
    if (Object.hasOwn(before, pattern) && Object.hasOwn(after, pattern)) return compareSchemas(before[pattern], after[pattern], at);
    const what = Object.hasOwn(after, pattern) ? 'added' : 'removed';
    return change(at, always('PATTERN_PROPERTIES_CHANGED'), true, true, `pattern property ${JSON.stringify(pattern)} was ${what}`);
  });
};

const diffObjects = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] => [
  ...diffProperties(previous, next, path),
  ...diffRequired(previous, next, path),
  ...diffAdditionalProperties(previous, next, path),
  ...diffPatternProperties(previous, next, path),
  ...diffBound(path, 'minProperties', 'lower', previous.minProperties, next.minProperties),
  ...diffBound(path, 'maxProperties', 'upper', previous.maxProperties, next.maxProperties),
];

/** The keywords compared structurally above; every other validation keyword is compared by value. */
const COMPARED_KEYWORDS: ReadonlySet<string> = new Set([
  'type', 'enum', 'const',
  'properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties', 'maxProperties',
  'items', 'minItems', 'maxItems', 'uniqueItems',
  'minLength', 'maxLength', 'pattern', 'format',
  'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf',
]);

/**
 * Composition (`allOf`, `anyOf`, `oneOf`, `not`, `if`), references and `$defs`, `prefixItems`,
 * `contains`, dependencies...: when unchanged they constrain both versions alike and the
 * comparison above stays sound; when changed the registry cannot tell which way they moved, so the
 * change counts as breaking both ways.
 */
const diffOtherKeywords = (previous: JsonSchemaObject, next: JsonSchemaObject, path: string): SchemaChange[] =>
  [...new Set([...Object.keys(previous), ...Object.keys(next)])]
    .filter((keyword) => !COMPARED_KEYWORDS.has(keyword) && !ANNOTATION_KEYWORDS.has(keyword))
    .filter((keyword) => !sameKeywordValue(keyword, previous[keyword], next[keyword]))
    .flatMap((keyword) =>
      change(
        pointerTo(path, keyword),
        always('KEYWORD_CHANGED'),
        true,
        true,
        `"${keyword}" was ${!Object.hasOwn(previous, keyword) ? 'added' : !Object.hasOwn(next, keyword) ? 'removed' : 'changed'}, and the registry does not compare it structurally`,
      ),
    );

/**
 * `unevaluatedProperties`/`unevaluatedItems` reach whatever every other keyword beside them
 * evaluated, so comparing keyword by keyword is unsound there: any change in such a schema counts
 * as breaking both ways.
 */
const UNEVALUATED_KEYWORDS = ['unevaluatedProperties', 'unevaluatedItems'];

const diffFalseSchemas = (previous: JsonSchema, next: JsonSchema, path: string): SchemaChange[] => {
  if (previous === false && next === false) return [];
  return previous === false
    ? change(path, always('FALSE_SCHEMA_REMOVED'), false, true, 'the schema was false, allowing no value, and now allows values')
    : change(path, always('FALSE_SCHEMA_ADDED'), true, false, 'the schema is now false: no value is allowed any more');
};

/**
 * Every change from `previous` to `next` that breaks a direction of reading, with the pointer of
 * where it happened. Keywords that only apply to one JSON type are compared only when both versions
 * admit that type: when one does not, the type change is already reported and says it all.
 * Both schemas are expected to have passed {@link validateSchema}.
 */
export const diffSchemas = (previous: JsonSchema, next: JsonSchema, path = ''): SchemaChange[] => {
  if (subschemaVerdicts !== undefined) return compareSchemas(previous, next, path);
  subschemaVerdicts = new WeakMap();
  try {
    return compareSchemas(previous, next, path);
  } finally {
    subschemaVerdicts = undefined;
  }
};

const compareSchemas = (previous: JsonSchema, next: JsonSchema, path: string): SchemaChange[] => {
  if (previous === false || next === false) return diffFalseSchemas(previous, next, path);
  const before: JsonSchemaObject = previous === true ? {} : previous;
  const after: JsonSchemaObject = next === true ? {} : next;
  // Also what ends the recursion through `additionalProperties`, whose absence means `true`.
  if (sameSchema(before, after)) return [];
  const unevaluated = UNEVALUATED_KEYWORDS.find((keyword) => Object.hasOwn(before, keyword) || Object.hasOwn(after, keyword));
  if (unevaluated !== undefined) {
    return change(pointerTo(path, unevaluated), always('KEYWORD_CHANGED'), true, true, `a schema using "${unevaluated}" changed, and the registry does not compare such schemas structurally`);
  }
  const bothAdmit = (type: JsonType) => admits(admittedTypes(before), type) && admits(admittedTypes(after), type);
  return [
    ...diffTypes(before, after, path),
    ...diffListedValues(before, after, path),
    ...(bothAdmit('object') ? diffObjects(before, after, path) : []),
    ...(bothAdmit('array') ? diffArrays(before, after, path) : []),
    ...(bothAdmit('string') ? diffStrings(before, after, path) : []),
    ...(bothAdmit('integer') ? diffNumbers(before, after, path) : []),
    ...diffOtherKeywords(before, after, path),
  ];
};
