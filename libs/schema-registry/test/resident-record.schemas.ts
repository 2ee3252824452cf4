import type { JsonSchemaObject } from '../src/index.js';

/**
 * Version 1 of the population service's resident record, as a steward would register it: a
 * closed content model throughout (the usual choice for a governed dataset, so that a field can
 * only appear through a new version), an 18-digit ID number, a household with its address.
 */
export const residentV1: JsonSchemaObject = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://shuzhi.example/schemas/population/resident.json',
  title: 'Resident (常住人口)',
  type: 'object',
  additionalProperties: false,
  required: ['idNumber', 'name', 'gender', 'birthDate', 'household'],
  properties: {
    idNumber: {
      type: 'string',
      description: 'Resident ID number (GB 11643-1999): 17 digits and a check character',
      pattern: '^[1-9][0-9]{16}[0-9X]$',
      minLength: 18,
      maxLength: 18,
    },
    name: { type: 'string', minLength: 1, maxLength: 64 },
    gender: { type: 'string', enum: ['MALE', 'FEMALE', 'UNKNOWN'] },
    birthDate: { type: 'string', format: 'date' },
    household: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'address'],
      properties: {
        id: { type: 'string', pattern: '^[0-9]{9}$' },
        address: {
          type: 'object',
          additionalProperties: false,
          required: ['province', 'city', 'district'],
          properties: {
            province: { type: 'string' },
            city: { type: 'string' },
            district: { type: 'string' },
            street: { type: 'string', maxLength: 128 },
          },
        },
      },
    },
  },
};

/** The field schema at `names`, through nested `properties`: where a test edits its copy. */
export const field = (schema: JsonSchemaObject, ...names: string[]): JsonSchemaObject =>
  names.reduce<JsonSchemaObject>((node, name) => {
    const next = node.properties?.[name];
    if (typeof next !== 'object') throw new Error(`no field schema at ${names.join('.')}`);
    return next;
  }, schema);

/** A new version: a deep copy of `schema` edited by `edit`. */
export const revise = (schema: JsonSchemaObject, edit: (draft: JsonSchemaObject) => void): JsonSchemaObject => {
  const draft = structuredClone(schema);
  edit(draft);
  return draft;
};
