import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { DRAFT_2020_12, KNOWN_KEYWORDS, isSchemaObject, pointerTo, schemaNodes, type JsonSchemaObject } from './json-schema.js';

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

const isValidPattern = (pattern: string): boolean => {
  try {
    // 2020-12 patterns are ECMA-262 regular expressions; Ajv compiles them with the `u` flag too.
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
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
  const ajv = new Ajv2020({ allErrors: true });
  if (ajv.validateSchema(schema) === true) return [];
  const errors = ajv.errors ?? [];
  const isSecondary = (error: ErrorObject) => error.keyword === 'anyOf' || /\/anyOf\/[1-9]/.test(error.schemaPath);
  const isEcho = (error: ErrorObject) =>
    isSecondary(error) && errors.some((other) => other.instancePath === error.instancePath && !isSecondary(other));
  return [...new Set(errors.filter((error) => !isEcho(error)).map((error) => at(error.instancePath, metaSchemaMessage(error))))];
};

/** Keywords outside 2020-12, references leaving the document, patterns that are not regular expressions, empty enums, unknown formats. */
const keywordErrors = (node: JsonSchemaObject, pointer: string): string[] => [
  ...Object.keys(node)
    .filter((keyword) => !KNOWN_KEYWORDS.has(keyword))
    .map((keyword) =>
      at(pointerTo(pointer, keyword), `"${keyword}" is not a JSON Schema 2020-12 keyword${Object.hasOwn(SUPERSEDED_KEYWORDS, keyword) ? ` (${SUPERSEDED_KEYWORDS[keyword]})` : ''}`),
    ),
  ...(typeof node.$ref === 'string' && !node.$ref.startsWith('#')
    ? [at(pointerTo(pointer, '$ref'), `refers to another document (${node.$ref}); a dataset schema must be self-contained`)]
    : []),
  ...(typeof node.pattern === 'string' && !isValidPattern(node.pattern)
    ? [at(pointerTo(pointer, 'pattern'), `${JSON.stringify(node.pattern)} is not a valid regular expression`)]
    : []),
  ...(isSchemaObject(node.patternProperties)
    ? Object.keys(node.patternProperties)
        .filter((pattern) => !isValidPattern(pattern))
        .map((pattern) => at(pointerTo(pointer, 'patternProperties', pattern), `${JSON.stringify(pattern)} is not a valid regular expression`))
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
  const structural = [
    ...metaSchemaErrors(schema),
    ...schemaNodes(schema).flatMap(({ node, pointer }) => keywordErrors(node, pointer)),
    ...recordShapeErrors(schema),
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
