import type { RecordedActor, Role } from '@shuzhi/shared-kernel';

/** The levels of government a department may serve at; a community (12 digits) has none of its own. */
export const DEPARTMENT_LEVELS = ['PROVINCE', 'CITY', 'DISTRICT', 'STREET'] as const;
export type DepartmentLevel = (typeof DEPARTMENT_LEVELS)[number];

/**
 * The data bureau registered a department of the city. `level` and `divisionCode` (GB/T 2260 as
 * shared-kernel's division-codes writes it: 330000, 330100, 330106, 330106001) say which area
 * the department serves, the code being of that level; absent (and on older events): the whole
 * platform's area, as a city's own bureaus serve it.
 */
export type DepartmentRegistered = {
  type: 'DepartmentRegistered';
  data: { code: string; name: string; level?: DepartmentLevel; divisionCode?: string; by: RecordedActor; at: string };
};

/** A purpose code consumers may declare (X-Purpose) and contracts may grant. */
export type PurposeRegistered = {
  type: 'PurposeRegistered';
  data: { code: string; name: string; description: string | null; by: RecordedActor; at: string };
};

export const PURPOSE_EVENT_TYPES: ReadonlyArray<PurposeRegistered['type']> = ['PurposeRegistered'];

/** A client of a department got an API key; only its slow hash is kept. */
export type ClientKeyIssued = {
  type: 'ClientKeyIssued';
  data: { clientId: string; departmentCode: string; name: string; roles: Role[]; keyHash: string; by: RecordedActor; at: string };
};

/** The key stops working; final. */
export type ClientKeyRevoked = { type: 'ClientKeyRevoked'; data: { clientId: string; reason: string | null; by: RecordedActor; at: string } };

export type ClientEvent = ClientKeyIssued | ClientKeyRevoked;

export const CLIENT_EVENT_TYPES: ReadonlyArray<ClientEvent['type']> = ['ClientKeyIssued', 'ClientKeyRevoked'];

/**
 * The data bureau registered a subgraph as it joined the graph: the department that owns it, and
 * every `Type.field` it resolves, read from its SDL. A field belongs to the department whose
 * subgraph resolves it: a dataset binds only its provider's own fields.
 */
export type SubgraphRegistered = {
  type: 'SubgraphRegistered';
  data: { name: string; departmentCode: string; fields: string[]; by: RecordedActor; at: string };
};

/** The subgraph's schema changed: the `Type.field`s it resolves from now on, in place of the earlier ones. */
export type SubgraphSchemaRecorded = {
  type: 'SubgraphSchemaRecorded';
  data: { name: string; fields: string[]; by: RecordedActor; at: string };
};

export type SubgraphEvent = SubgraphRegistered | SubgraphSchemaRecorded;

export const SUBGRAPH_EVENT_TYPES: ReadonlyArray<SubgraphEvent['type']> = ['SubgraphRegistered', 'SubgraphSchemaRecorded'];
