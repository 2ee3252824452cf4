import type { EventMetadata } from '@shuzhi/event-store';
import type { CommandActor } from '@shuzhi/shared-kernel';

/** Who issued a command and under which request, as every appended event records it. */
export interface CommandOrigin {
  actor: CommandActor;
  correlationId: string;
}

/** The metadata of the events a command appends: its request, its actor, the role it acted in. */
export const metadataOf = (origin: CommandOrigin, role: string): Partial<EventMetadata> => ({
  correlationId: origin.correlationId,
  actor: { department: origin.actor.department, client: origin.actor.clientId, role },
});
