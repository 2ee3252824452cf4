export { validateSchema, type SchemaValidation } from './schema-validation.js';
export { checkCompatibility, COMPATIBILITY_MODES, type CompatibilityMode, type CompatibilityResult, type Violation } from './schema-compatibility.js';
export { diffSchemas, type ChangeKind, type Direction, type SchemaChange } from './schema-diff.js';
export { fieldChanges, type FieldChanges } from './field-changes.js';
export type { JsonSchema, JsonSchemaObject, JsonType } from './json-schema.js';
