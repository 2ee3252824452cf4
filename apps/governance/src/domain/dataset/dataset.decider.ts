import { checkCompatibility, fieldChanges, validateSchema, type CompatibilityMode, type JsonSchema } from '@shuzhi/schema-registry';
import {
  Forbidden,
  INPUT_LIMITS,
  IncompatibleSchema,
  InvalidTransition,
  NotFound,
  ValidationFailed,
  boundedList,
  boundedText,
  hasRole,
  identifier,
  optionalText,
  type CommandActor,
  type RecordedActor,
} from '@shuzhi/shared-kernel';
import {
  CLASSIFICATIONS,
  FIELD_FORMATS,
  SHARING_TYPES,
  type DatasetEvent,
  type DatasetField,
  type DatasetMetadata,
} from '@shuzhi/governance-events';

export const COMPATIBILITY_MODES: readonly CompatibilityMode[] = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];

export type DatasetState =
  | { status: 'NONE' }
  | {
      status: 'PUBLISHED';
      metadata: DatasetMetadata;
      versions: Array<{ version: number; schema: JsonSchema; fields: DatasetField[] }>;
    };

/** A field granted by something in force: an ACTIVE contract, or an ACTIVE consent. */
export interface FieldGrant {
  kind: 'contract' | 'consent';
  id: string;
  fields: readonly string[];
}

export type DatasetCommand =
  | {
      type: 'PublishDataset';
      actor: CommandActor;
      now: string;
      input: Omit<DatasetMetadata, 'providerDepartment' | 'compatibility'> & {
        providerDepartment?: string;
        compatibility?: CompatibilityMode | null;
        fields: DatasetField[];
        schema: unknown;
      };
      providerRegistered: boolean;
      /** Department → the `Type.field`s its registered subgraphs resolve (the subgraph registry). */
      ownedFields: ReadonlyMap<string, ReadonlySet<string>>;
    }
  | {
      type: 'RegisterSchemaVersion';
      actor: CommandActor;
      now: string;
      schema: unknown;
      /** Classifications of fields the new version adds; an unclassified new field is refused. */
      fields: DatasetField[];
      /** What is in force on this dataset now, from the policy snapshot. */
      grants: readonly FieldGrant[];
      /** Department → the `Type.field`s its registered subgraphs resolve (the subgraph registry). */
      ownedFields: ReadonlyMap<string, ReadonlySet<string>>;
    };

const CODE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const GRAPHQL_TYPE = /^[A-Z][A-Za-z0-9]*$/;

const stewardOf = (actor: CommandActor, department: string, what: string): RecordedActor => {
  if (hasRole(actor, 'STEWARD') && actor.department === department) {
    return { clientId: actor.clientId, department: actor.department, role: 'STEWARD' };
  }
  if (hasRole(actor, 'PLATFORM')) return { clientId: actor.clientId, department: actor.department, role: 'PLATFORM' };
  throw new Forbidden(`${what}: only a steward of ${department} (the provider) or the platform may do this`);
};

const assertValidSchema = (schema: unknown): JsonSchema => {
  const result = validateSchema(schema);
  if (!result.valid) throw new ValidationFailed(`not a valid JSON Schema (2020-12): ${result.errors.join('; ')}`, { errors: result.errors });
  return schema as JsonSchema;
};

/**
 * A field belongs to the department whose subgraph resolves it: a dataset binds only fields its
 * provider's registered subgraphs resolve, or it would let the provider read (and share) another
 * department's data as its own.
 */
const assertOwned = (graphqlType: string, fields: readonly DatasetField[], provider: string, owned: DatasetCommand['ownedFields']): void => {
  const ofProvider = owned.get(provider);
  const foreign = fields.map((f) => `${graphqlType}.${f.name}`).filter((field) => !ofProvider?.has(field));
  if (foreign.length > 0) {
    throw new Forbidden(
      `${foreign.join(', ')} ${foreign.length === 1 ? 'is' : 'are'} resolved by no subgraph of ${provider}: a dataset binds only ` +
        'fields its provider\'s own subgraphs resolve (the data bureau registers each subgraph with its department)',
      { fields: foreign },
    );
  }
};

/** Every property of the schema carries a classification, and every classified field is a property. */
const classify = (schema: JsonSchema, fields: readonly DatasetField[], inherited: readonly DatasetField[] = []): DatasetField[] => {
  boundedList(fields, 'fields').forEach((field) => identifier(field.name, 'fields'));
  for (const field of fields) {
    if (!CLASSIFICATIONS.includes(field.classification)) {
      throw new ValidationFailed(`field ${field.name} has unknown classification ${field.classification}`);
    }
    if (field.format !== undefined && !FIELD_FORMATS.includes(field.format)) {
      throw new ValidationFailed(`field ${field.name} has unknown format ${field.format}`);
    }
  }
  const properties = Object.keys((schema as { properties?: object }).properties ?? {});
  const given = new Map([...inherited, ...fields].map((f) => [f.name, f]));
  const stray = fields.filter((f) => !properties.includes(f.name)).map((f) => f.name);
  if (stray.length > 0) throw new ValidationFailed(`classified field(s) not in the schema: ${stray.join(', ')}`);
  const unclassified = properties.filter((p) => !given.has(p));
  if (unclassified.length > 0) {
    throw new ValidationFailed(`every field needs a classification; missing for ${unclassified.join(', ')}`, {
      fields: unclassified,
    });
  }
  return properties.map((name) => {
    const { classification, format } = given.get(name)!;
    return format ? { name, classification, format } : { name, classification };
  });
};

export const decide = (command: DatasetCommand, state: DatasetState): DatasetEvent[] => {
  switch (command.type) {
    case 'PublishDataset': {
      const { input, actor } = command;
      if (state.status !== 'NONE') {
        throw new InvalidTransition(state.status, command.type, `${input.code} is published; register a new schema version instead`);
      }
      const providerDepartment = input.providerDepartment ?? actor.department;
      const by = stewardOf(actor, providerDepartment, 'publishing a dataset');
      if (!command.providerRegistered) throw new NotFound(`no department ${providerDepartment}`);
      if (!CODE.test(input.code)) {
        throw new ValidationFailed(`dataset code ${input.code} must look like domain.name (lower case, dots between parts)`);
      }
      identifier(input.code, 'code');
      if (!input.name?.trim()) throw new ValidationFailed('a dataset needs a name');
      boundedText(input.name, 'name', INPUT_LIMITS.name);
      if (!SHARING_TYPES.includes(input.sharingType)) throw new ValidationFailed(`unknown sharing type ${input.sharingType}`);
      if (!GRAPHQL_TYPE.test(input.graphqlType)) throw new ValidationFailed(`${input.graphqlType} is not a GraphQL type name`);
      identifier(input.graphqlType, 'graphqlType');
      const compatibility = input.compatibility ?? 'BACKWARD';
      if (!COMPATIBILITY_MODES.includes(compatibility)) throw new ValidationFailed(`unknown compatibility mode ${compatibility}`);
      const schema = assertValidSchema(input.schema);
      const fields = classify(schema, input.fields);
      assertOwned(input.graphqlType, fields, providerDepartment, command.ownedFields);
      const metadata: DatasetMetadata = {
        code: input.code,
        name: input.name.trim(),
        providerDepartment,
        summary: optionalText(input.summary, 'summary', INPUT_LIMITS.description, { multiline: true }),
        sharingType: input.sharingType,
        updateCycle: optionalText(input.updateCycle, 'updateCycle', INPUT_LIMITS.name),
        graphqlType: input.graphqlType,
        compatibility,
      };
      return [
        { type: 'DatasetPublished', data: { ...metadata, by, at: command.now } },
        { type: 'SchemaVersionRegistered', data: { datasetCode: input.code, version: 1, schema, fields, by, at: command.now } },
      ];
    }
    case 'RegisterSchemaVersion': {
      if (state.status === 'NONE') throw new NotFound('no such dataset');
      const { metadata, versions } = state;
      const by = stewardOf(command.actor, metadata.providerDepartment, 'registering a schema version');
      const schema = assertValidSchema(command.schema);
      const latest = versions[versions.length - 1];
      const fields = classify(schema, command.fields, latest.fields);
      assertOwned(metadata.graphqlType, fields.filter((f) => !latest.fields.some((l) => l.name === f.name)), metadata.providerDepartment, command.ownedFields);

      // Both checks, and one refusal naming everything: what breaks compatibility, and which
      // grants in force (contracts, consents) a removed or retyped field would take away.
      const compatibility = checkCompatibility(metadata.compatibility, versions.map((v) => v.schema), schema);
      const changed = fieldChanges(latest.schema, schema);
      const touched = [...new Set([...changed.removed, ...changed.retyped])];
      const broken = command.grants.filter((grant) => grant.fields.some((f) => touched.includes(f)));
      if (!compatibility.compatible || broken.length > 0) {
        const contractIds = broken.filter((g) => g.kind === 'contract').map((g) => g.id);
        const consentIds = broken.filter((g) => g.kind === 'consent').map((g) => g.id);
        const reasons = [
          ...(compatibility.compatible ? [] : [`not ${metadata.compatibility} compatible: ${compatibility.violations.map((v) => v.message).join('; ')}`]),
          ...(broken.length === 0
            ? []
            : [
                `it removes or retypes ${touched.filter((f) => broken.some((g) => g.fields.includes(f))).join(', ')}, granted by ` +
                  [...contractIds.map((id) => `contract ${id}`), ...consentIds.map((id) => `consent ${id}`)].join(', '),
              ]),
        ];
        throw new IncompatibleSchema(`version ${latest.version + 1} of ${metadata.code} is refused: ${reasons.join('; and ')}`, {
          violations: compatibility.violations,
          contractIds,
          consentIds,
          fields: touched.map((f) => `${metadata.graphqlType}.${f}`),
        });
      }
      return [
        {
          type: 'SchemaVersionRegistered',
          data: { datasetCode: metadata.code, version: latest.version + 1, schema, fields, by, at: command.now },
        },
      ];
    }
    default: {
      const exhaustive: never = command;
      return exhaustive;
    }
  }
};

export const evolve = (state: DatasetState, event: DatasetEvent): DatasetState => {
  switch (event.type) {
    case 'DatasetPublished': {
      const { by: _by, at: _at, ...metadata } = event.data;
      return { status: 'PUBLISHED', metadata, versions: [] };
    }
    case 'SchemaVersionRegistered':
      if (state.status === 'NONE') return state;
      return {
        ...state,
        versions: [...state.versions, { version: event.data.version, schema: event.data.schema, fields: event.data.fields }],
      };
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
};

export const datasetDecider = { initialState: { status: 'NONE' } as DatasetState, decide, evolve };
export const datasetStreamId = (code: string) => `dataset-${code}`;
