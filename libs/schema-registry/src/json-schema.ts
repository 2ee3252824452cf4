/**
 * The JSON Schema (draft 2020-12) vocabulary this registry reads, and the few structural helpers
 * the validator, the comparator and the field check share.
 */

export const DRAFT_2020_12 = 'https://json-schema.org/draft/2020-12/schema';

/** The JSON data types of draft 2020-12; `integer` is the subset of `number` with no fraction. */
export type JsonType = 'null' | 'boolean' | 'object' | 'array' | 'number' | 'string' | 'integer';

export const JSON_TYPES: readonly JsonType[] = ['null', 'boolean', 'object', 'array', 'number', 'string', 'integer'];

/**
 * A schema in object form. The keywords the registry compares structurally are typed; any other
 * keyword of the 2020-12 vocabularies may appear (validation refuses those outside it).
 */
export interface JsonSchemaObject {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: JsonType | JsonType[];
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
  minProperties?: number;
  maxProperties?: number;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  [keyword: string]: unknown;
}

/** `true` accepts every value and `false` none (draft 2020-12, section 4.3.2). */
export type JsonSchema = boolean | JsonSchemaObject;

/** Where each applicator of 2020-12 keeps its subschemas: one schema, an array of them, or a name → schema map. */
const SINGLE_SUBSCHEMA = [
  'additionalProperties', 'items', 'contains', 'propertyNames', 'not', 'if', 'then', 'else',
  'unevaluatedItems', 'unevaluatedProperties', 'contentSchema',
] as const;
const ARRAY_OF_SUBSCHEMAS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const MAP_OF_SUBSCHEMAS = ['properties', 'patternProperties', '$defs', 'dependentSchemas'] as const;

/** Every keyword of the vocabularies the 2020-12 meta-schema declares (core to content). */
export const KNOWN_KEYWORDS: ReadonlySet<string> = new Set([
  // core
  '$schema', '$id', '$ref', '$anchor', '$dynamicRef', '$dynamicAnchor', '$vocabulary', '$comment', '$defs',
  // applicator and unevaluated
  ...SINGLE_SUBSCHEMA, ...ARRAY_OF_SUBSCHEMAS, ...MAP_OF_SUBSCHEMAS,
  // validation
  'type', 'const', 'enum', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum',
  'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains',
  'maxProperties', 'minProperties', 'required', 'dependentRequired',
  // meta-data, format-annotation, content
  'title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly', 'examples', 'format',
  'contentEncoding', 'contentMediaType',
]);

/**
 * Keywords that never change which instances a schema accepts: 2020-12 makes meta-data and
 * content keywords annotations only, and `$id`/`$schema`/`$comment` identify or comment.
 * (`format` is left out on purpose: the registry treats it as an assertion, see the comparator.)
 */
export const ANNOTATION_KEYWORDS: ReadonlySet<string> = new Set([
  '$schema', '$id', '$comment', 'title', 'description', 'default', 'deprecated', 'readOnly', 'writeOnly',
  'examples', 'contentEncoding', 'contentMediaType', 'contentSchema',
]);

/** Whether a value of `type` passes a `type` check of `types` (an integer is a number). */
export const admits = (types: readonly JsonType[], type: JsonType): boolean =>
  types.includes(type) || (type === 'integer' && types.includes('number'));

/** The only values a schema allows through `enum` and `const` (both apply when both are present), or undefined when it lists none. */
export const listedValues = (schema: JsonSchemaObject): unknown[] | undefined => {
  if (!Object.hasOwn(schema, 'const')) return schema.enum;
  return schema.enum === undefined || schema.enum.some((value) => sameJson(value, schema.const)) ? [schema.const] : [];
};

const typeOfValue = (value: unknown): JsonType => {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as 'boolean' | 'object' | 'string';
};

/**
 * The types of the values a schema accepts: those its `type` keyword admits (every type without
 * one), and, when it lists its values, only the types of those. `{ "enum": ["MALE", "FEMALE"] }`
 * is a string field whether or not it also says `"type": "string"`.
 */
export const admittedTypes = (schema: JsonSchemaObject): readonly JsonType[] => {
  const declared = schema.type === undefined ? JSON_TYPES : ([] as JsonType[]).concat(schema.type);
  const listed = listedValues(schema);
  return listed === undefined ? declared : [...new Set(listed.map(typeOfValue))].filter((type) => admits(declared, type));
};

export const isSchemaObject = (value: unknown): value is JsonSchemaObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** RFC 6901: `~` and `/` inside a reference token are written `~0` and `~1`. */
export const pointerTo = (base: string, ...tokens: string[]): string =>
  tokens.reduce((pointer, token) => `${pointer}/${token.replace(/~/g, '~0').replace(/\//g, '~1')}`, base);

/** The subschemas directly under a schema, each with its pointer relative to that schema. */
const subschemasOf = (schema: JsonSchemaObject): Array<{ at: string[]; schema: unknown }> => [
  ...SINGLE_SUBSCHEMA.filter((keyword) => Object.hasOwn(schema, keyword)).map((keyword) => ({ at: [keyword], schema: schema[keyword] })),
  ...ARRAY_OF_SUBSCHEMAS.flatMap((keyword) => {
    const value = schema[keyword];
    return Array.isArray(value) ? value.map((item, index) => ({ at: [keyword, String(index)], schema: item as unknown })) : [];
  }),
  ...MAP_OF_SUBSCHEMAS.flatMap((keyword) => {
    const value = schema[keyword];
    return isSchemaObject(value) ? Object.entries(value).map(([name, item]) => ({ at: [keyword, name], schema: item })) : [];
  }),
];

/** Every schema object in a schema, itself included, with its JSON pointer (boolean subschemas hold no keywords). */
export const schemaNodes = (schema: unknown, pointer = ''): Array<{ node: JsonSchemaObject; pointer: string }> =>
  isSchemaObject(schema)
    ? [{ node: schema, pointer }, ...subschemasOf(schema).flatMap((sub) => schemaNodes(sub.schema, pointerTo(pointer, ...sub.at)))]
    : [];

/** Deep equality of JSON values, as JSON sees them: key order does not matter, array order does. */
export const sameJson = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJson(item, b[i]));
  }
  if (!isSchemaObject(a) || !isSchemaObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && sameJson(a[key], b[key]));
};

const validationKeywords = (schema: JsonSchemaObject): string[] => Object.keys(schema).filter((key) => !ANNOTATION_KEYWORDS.has(key));

const isOneOf = (list: readonly string[], keyword: string): boolean => list.includes(keyword);

/** Whether two values of one keyword are the same, looking through subschemas with {@link sameSchema}. */
export const sameKeywordValue = (keyword: string, a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (isOneOf(SINGLE_SUBSCHEMA, keyword)) return sameSchema(a, b);
  if (isOneOf(ARRAY_OF_SUBSCHEMAS, keyword)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameSchema(item, b[i]));
  }
  if (isOneOf(MAP_OF_SUBSCHEMAS, keyword)) {
    if (!isSchemaObject(a) || !isSchemaObject(b)) return false;
    const names = Object.keys(a);
    return names.length === Object.keys(b).length && names.every((name) => Object.hasOwn(b, name) && sameSchema(a[name], b[name]));
  }
  return sameJson(a, b);
};

/** Two schemas that accept the same instances by the same keywords, whatever their annotations say. */
export const sameSchema = (a: unknown, b: unknown): boolean => {
  const left = a === true ? {} : a;
  const right = b === true ? {} : b;
  if (!isSchemaObject(left) || !isSchemaObject(right)) return left === right;
  const keys = validationKeywords(left);
  return (
    keys.length === validationKeywords(right).length &&
    keys.every((key) => Object.hasOwn(right, key) && sameKeywordValue(key, left[key], right[key]))
  );
};
