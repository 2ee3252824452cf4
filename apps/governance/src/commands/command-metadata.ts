import type { EventMetadata } from '@shuzhi/event-store';
import type { CommandActor } from '@shuzhi/shared-kernel';

/** Who issued a command and under which request, as every appended event records it. */
export interface CommandOrigin {
  actor: CommandActor;
  correlationId: string;
}

export const metadataOf = (origin: CommandOrigin, role: string): Partial<EventMetadata> => ({
  correlationId: origin.correlationId,
  actor: { department: origin.actor.department, client: origin.actor.clientId, role },
});

/** The role the actor acted in, for metadata: its most specific one. */
export const primaryRole = (actor: CommandActor): string => actor.roles[0] ?? 'SYSTEM';

/** Omit over each member of a union (plain Omit flattens the union first). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
