import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import type { RegExpEngine } from 'ajv/dist/types/index.js';
import { DRAFT_2020_12, KNOWN_KEYWORDS, isSchemaObject, pointerTo, schemaNodes, type JsonSchemaObject } from './json-schema.js';
import { compilePattern } from './schema-pattern.js';

export type SchemaValidation = { valid: true } | { valid: false; errors: string[] };

/**
 * The formats draft 2020-12 defines (validation spec, section 7.3). Only these names are accepted,
 * so a misspelt format is refused instead of silently asserting nothing.
 */
const DEFINED_FORMATS: ReadonlySet<string> = new Set([
  'date-time', 'date', 'time', 'duration', 'email', 'idn-email', 'hostname', 'idn-hostname', 'ipv4', 'ipv6',
  'uri', 'uri-reference', 'iri', 'iri-reference', 'uuid', 'uri-template', 'json-pointer', 'relative-json-pointer', 'regex',
]);

/** Draft-07 and OpenAPI spellings that 2020-12 dropped, with what it says instead. */
const SUPERSEDED_KEYWORDS: Readonly<Record<string, string>> = {
  definitions: 'use "$defs"',
  dependencies: 'use "dependentRequired" or "dependentSchemas"',
  additionalItems: 'use "items" after "prefixItems"',
  nullable: 'add "null" to "type"',
  id: 'use "$id"',
};

const at = (pointer: string, text: string): string => `${pointer === '' ? '(root)' : pointer}: ${text}`;

/**
 * The largest schema a steward may register, as JSON: UTF-8 bytes and nesting of objects and
 * arrays. A dataset schema describes one record; the largest real ones (a few hundred fields,
 * code lists of a few thousand values) stay well under both, and every check after this one,
 * Ajv's included, walks the document recursively.
 */
const MAX_SCHEMA_BYTES = 256 * 1024;
const MAX_SCHEMA_DEPTH = 32;

/**
 * The comparator matches the property names a version adds or removes against the
 * `patternProperties` beside them, in time proportional to the names times the patterns'
 * programs; so their programs are bounded together, not one by one. Real ones (`^x_`,
 * `^ext-[0-9]+$`) take 5 to 20 instructions.
 */
const MAX_PATTERN_PROPERTIES_PROGRAM = 100;

/** Whether objects and arrays nest deeper than `levels`, found without walking past that depth. */
const nestsDeeperThan = (value: unknown, levels: number): boolean =>
  typeof value === 'object' && value !== null && (levels === 0 || Object.values(value).some((child) => nestsDeeperThan(child, levels - 1)));

const sizeErrors = (schema: unknown): string[] => {
  if (nestsDeeperThan(schema, MAX_SCHEMA_DEPTH)) return [at('', `a dataset schema nests objects and arrays at most ${MAX_SCHEMA_DEPTH} deep`)];
  const bytes = new TextEncoder().encode(JSON.stringify(schema)).length;
  return bytes > MAX_SCHEMA_BYTES ? [at('', `a dataset schema is at most ${MAX_SCHEMA_BYTES} bytes of JSON; this one is ${bytes}`)] : [];
};

/** Ajv's patterns on RE2 too, should it ever run one; a pattern RE2 cannot run is refused before Ajv compiles. */
const linearRegExp: RegExpEngine = Object.assign(
  (pattern: string) => {
    const compiled = compilePattern(pattern);
    if (!compiled.ok) throw new Error(compiled.reason);
    return compiled.regExp;
  },
  // Ajv reads `code` only when it generates standalone modules, which the registry never does.
  { code: 're2js' },
);

const patternError = (pointer: string, pattern: string): string[] => {
  const compiled = compilePattern(pattern);
  return compiled.ok ? [] : [at(pointer, compiled.reason)];
};

/** The `patternProperties` programs of the whole schema, against {@link MAX_PATTERN_PROPERTIES_PROGRAM}. */
const patternPropertiesBudgetErrors = (schema: JsonSchemaObject): string[] => {
  const total = schemaNodes(schema)
    .flatMap(({ node }) => (isSchemaObject(node.patternProperties) ? Object.keys(node.patternProperties) : []))
    .map(compilePattern)
    .reduce((sum, compiled) => sum + (compiled.ok ? compiled.programSize : 0), 0);
  return total > MAX_PATTERN_PROPERTIES_PROGRAM
    ? [at('', `the patternProperties of a dataset schema compile to at most ${MAX_PATTERN_PROPERTIES_PROGRAM} RE2 instructions together; these take ${total}`)]
    : [];
};

const quoted = (values: readonly unknown[]): string => values.map((value) => JSON.stringify(value)).join(', ');

const metaSchemaMessage = (error: ErrorObject): string => {
  switch (error.keyword) {
    case 'enum':
      return `must be one of ${quoted((error.params as { allowedValues: unknown[] }).allowedValues)}`;
    case 'type':
      return `must be ${([] as string[]).concat((error.params as { type: string | string[] }).type).join(' or ')}`;
    default:
      return error.message ?? `breaks the "${error.keyword}" rule of the 2020-12 meta-schema`;
  }
};

/**
 * What the 2020-12 meta-schema says is wrong. Where it offers alternatives (`anyOf`, as for `type`:
 * a type name or an array of them), the first alternative's complaint is the one a steward needs;
 * the summary and the other alternatives' complaints only repeat it.
 */
const metaSchemaErrors = (schema: JsonSchemaObject): string[] => {
  const ajv = new Ajv2020({ allErrors: true, code: { regExp: linearRegExp } });
  if (ajv.validateSchema(schema) === true) return [];
  const errors = ajv.errors ?? [];
  const isSecondary = (error: ErrorObject) => error.keyword === 'anyOf' || /\/anyOf\/[1-9]/.test(error.schemaPath);
  const isEcho = (error: ErrorObject) =>
    isSecondary(error) && errors.some((other) => other.instancePath === error.instancePath && !isSecondary(other));
  return [...new Set(errors.filter((error) => !isEcho(error)).map((error) => at(error.instancePath, metaSchemaMessage(error))))];
};

/** Keywords outside 2020-12, references leaving the document, patterns that are not regular expressions or that RE2 cannot run, empty enums, unknown formats. */
const keywordErrors = (node: JsonSchemaObject, pointer: string): string[] => [
  ...Object.keys(node)
    .filter((keyword) => !KNOWN_KEYWORDS.has(keyword))
    .map((keyword) =>
      at(pointerTo(pointer, keyword), `"${keyword}" is not a JSON Schema 2020-12 keyword${Object.hasOwn(SUPERSEDED_KEYWORDS, keyword) ? ` (${SUPERSEDED_KEYWORDS[keyword]})` : ''}`),
    ),
  ...(typeof node.$ref === 'string' && !node.$ref.startsWith('#')
    ? [at(pointerTo(pointer, '$ref'), `refers to another document (${node.$ref}); a dataset schema must be self-contained`)]
    : []),
  ...(typeof node.pattern === 'string' ? patternError(pointerTo(pointer, 'pattern'), node.pattern) : []),
  ...(isSchemaObject(node.patternProperties)
    ? Object.keys(node.patternProperties).flatMap((pattern) => patternError(pointerTo(pointer, 'patternProperties', pattern), pattern))
    : []),
  ...(Array.isArray(node.enum) && node.enum.length === 0 ? [at(pointerTo(pointer, 'enum'), 'an empty enum allows no value at all')] : []),
  ...(typeof node.format === 'string' && !DEFINED_FORMATS.has(node.format)
    ? [at(pointerTo(pointer, 'format'), `"${node.format}" is not a format defined by JSON Schema 2020-12 (${[...DEFINED_FORMATS].join(', ')})`)]
    : []),
];

/** A dataset is a set of records: its schema describes one record, an object with named fields. */
const recordShapeErrors = (schema: JsonSchemaObject): string[] => [
  ...(schema.type === 'object'
    ? []
    : [at(schema.type === undefined ? '' : '/type', 'a dataset schema must describe a record, with "type": "object" at its root')]),
  ...(schema.properties === undefined ? [at('', 'a dataset schema must list the fields of its record under "properties"')] : []),
];

/** Ajv names the place of a strict-mode problem as a URI fragment (`at "#/properties/a"`). */
const AJV_LOCATION = / at (?:path )?"#([^"]*)"/;

/**
 * Ajv's strict mode, the last gate: a keyword that does not apply to the declared type, `required`
 * naming a property that `properties` does not define, a reference that resolves to nothing.
 */
const strictModeErrors = (schema: JsonSchemaObject): string[] => {
  const ajv = new Ajv2020({
    strict: true,
    allowUnionTypes: true,
    code: { regExp: linearRegExp },
    // Ajv checks whether a listed property also matches a pattern with V8's backtracking RegExp;
    // a listed property matched by a pattern is valid 2020-12, and the comparator handles it.
    allowMatchingProperties: true,
    // Known but not asserted: this only checks the schema, it validates no data.
    formats: Object.fromEntries([...DEFINED_FORMATS].map((format) => [format, true as const])),
  });
  try {
    ajv.compile(schema);
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const location = AJV_LOCATION.exec(message);
    const reference = schemaNodes(schema).find(({ node }) => typeof node.$ref === 'string' && message.includes(`reference ${node.$ref} `));
    const pointer = location ? decodeURIComponent(location[1]) : reference ? pointerTo(reference.pointer, '$ref') : '';
    return [at(pointer, message.replace(AJV_LOCATION, '').replace(/^strict mode: /, '').replace(/ \(strict\w+\)$/, ''))];
  }
};

const schemaErrors = (schema: unknown): string[] => {
  if (!isSchemaObject(schema)) return [at('', 'a dataset schema must be a JSON object')];
  if (schema.$schema !== undefined && schema.$schema !== DRAFT_2020_12) {
    return [at('/$schema', `must be "${DRAFT_2020_12}": the registry only accepts draft 2020-12 schemas`)];
  }
  const tooLarge = sizeErrors(schema);
  if (tooLarge.length > 0) return tooLarge;
  const structural = [
    ...metaSchemaErrors(schema),
    ...schemaNodes(schema).flatMap(({ node, pointer }) => keywordErrors(node, pointer)),
    ...recordShapeErrors(schema),
    ...patternPropertiesBudgetErrors(schema),
  ];
  // Ajv only compiles a schema that is already well-formed, so strict mode speaks last.
  return structural.length > 0 ? structural : strictModeErrors(schema);
};

/**
 * Whether a value may be registered as a version of a dataset schema: a JSON Schema draft 2020-12
 * document, using only 2020-12 keywords, self-contained, describing a record (an object with
 * `properties`). Each error names the JSON pointer of the problem (`(root)` for the document).
 */
export const validateSchema = (schema: unknown): SchemaValidation => {
  const errors = schemaErrors(schema);
  return errors.length === 0 ? { valid: true } : { valid: false, errors };
};
