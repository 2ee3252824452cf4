import { admits, admittedTypes, isSchemaObject, sameKeywordValue, sameSchema, schemaNodes, type JsonSchema, type JsonSchemaObject, type JsonType } from './json-schema.js';

/** The top-level fields a new version takes away from consumers, by name. */
export interface FieldChanges {
  /** Listed by the previous version, not by the next. */
  removed: string[];
  /** Listed by both, with a different type. */
  retyped: string[];
}

/** Keywords through which a field's type cannot be read off its own `type`. */
const INDIRECT_KEYWORDS = ['$ref', '$dynamicRef', 'allOf', 'anyOf', 'oneOf', 'not', 'if'];

/** A `$ref` anywhere in the field's schema: its meaning moves with the `$defs` it points into. */
const usesReference = (schema: JsonSchema): boolean =>
  schemaNodes(schema).some(({ node }) => Object.hasOwn(node, '$ref') || Object.hasOwn(node, '$dynamicRef'));

const sameTypes = (a: readonly JsonType[], b: readonly JsonType[]): boolean =>
  a.every((type) => b.includes(type)) && b.every((type) => a.includes(type));

const propertiesOf = (schema: JsonSchema): Record<string, JsonSchema> => (isSchemaObject(schema) ? (schema.properties ?? {}) : {});

/**
 * Whether a granted field no longer has the shape its consumers were granted. Any change of its
 * type set counts, widening included (an integer field turning number, a field turning nullable):
 * a contract grants a field as it was, and the consumer's parser was written for that. So does a
 * new `format`, and, for a nested record or a list, one of its own fields removed or retyped.
 * Where the type is indirect (a reference, a composition) any change of the schema counts.
 */
const isRetyped = (previous: JsonSchema, next: JsonSchema, definitionsChanged: boolean): boolean => {
  if (typeof previous === 'boolean' || typeof next === 'boolean') return !sameSchema(previous, next);
  const indirect = (schema: JsonSchemaObject) => INDIRECT_KEYWORDS.some((keyword) => Object.hasOwn(schema, keyword));
  if (indirect(previous) || indirect(next)) {
    return !sameSchema(previous, next) || (definitionsChanged && (usesReference(previous) || usesReference(next)));
  }
  const before = admittedTypes(previous);
  const after = admittedTypes(next);
  if (!sameTypes(before, after) || previous.format !== next.format) return true;
  const both = (type: JsonType) => admits(before, type) && admits(after, type);
  return (
    (both('object') && hasRemovedOrRetyped(previous, next, definitionsChanged)) ||
    (both('array') && isRetyped(previous.items ?? true, next.items ?? true, definitionsChanged))
  );
};

const changesOf = (previous: JsonSchema, next: JsonSchema, definitionsChanged: boolean): FieldChanges => {
  const before = propertiesOf(previous);
  const after = propertiesOf(next);
  const names = Object.keys(before);
  return {
    removed: names.filter((name) => !Object.hasOwn(after, name)),
    retyped: names.filter((name) => Object.hasOwn(after, name) && isRetyped(before[name], after[name], definitionsChanged)),
  };
};

const hasRemovedOrRetyped = (previous: JsonSchema, next: JsonSchema, definitionsChanged: boolean): boolean => {
  const { removed, retyped } = changesOf(previous, next, definitionsChanged);
  return removed.length > 0 || retyped.length > 0;
};

/**
 * The top-level fields of `previous` that `next` removes or retypes: what the governance service
 * holds against the fields granted by active sharing contracts and consents, in any compatibility
 * mode, since a field granted today may not be taken away by a new version.
 */
export const fieldChanges = (previous: JsonSchema, next: JsonSchema): FieldChanges => {
  const definitionsChanged =
    isSchemaObject(previous) && isSchemaObject(next) ? !sameKeywordValue('$defs', previous.$defs, next.$defs) : false;
  return changesOf(previous, next, definitionsChanged);
};
