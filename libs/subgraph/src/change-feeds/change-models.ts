import { registerEnumType } from '@nestjs/graphql';
export const ChangeKind = { CREATED: 'CREATED', UPDATED: 'UPDATED', REMOVED: 'REMOVED' } as const;
export type ChangeKind = keyof typeof ChangeKind;
registerEnumType(ChangeKind, {
  name: 'ChangeKind',
  description: 'CREATED: the entity entered its register; UPDATED: it changed; REMOVED: it left the register (its last change).',
});

/**
 * On a subscription that feeds changes: the field of its change type that carries the entity. The
 * gateway decides the entity's fields as a read's, and serves a change's other fields (cursor,
 * kind, time) only with an entity the caller may read.
 */
export const feedOf = (entityField: string): string => `@tag(name: "shuzhi:feed=${entityField}")`;
