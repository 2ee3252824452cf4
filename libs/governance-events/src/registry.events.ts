import type { RecordedActor, Role } from '@shuzhi/shared-kernel';

/** The data bureau registered a department of the city. */
export type DepartmentRegistered = { type: 'DepartmentRegistered'; data: { code: string; name: string; by: RecordedActor; at: string } };

/** A purpose code consumers may declare (X-Purpose) and contracts may grant. */
export type PurposeRegistered = {
  type: 'PurposeRegistered';
  data: { code: string; name: string; description: string | null; by: RecordedActor; at: string };
};

/** A client of a department got an API key; only its slow hash is kept. */
export type ClientKeyIssued = {
  type: 'ClientKeyIssued';
  data: { clientId: string; departmentCode: string; name: string; roles: Role[]; keyHash: string; by: RecordedActor; at: string };
};

/** The key stops working; final. */
export type ClientKeyRevoked = { type: 'ClientKeyRevoked'; data: { clientId: string; reason: string | null; by: RecordedActor; at: string } };

export type ClientEvent = ClientKeyIssued | ClientKeyRevoked;

export const CLIENT_EVENT_TYPES: ReadonlyArray<ClientEvent['type']> = ['ClientKeyIssued', 'ClientKeyRevoked'];
