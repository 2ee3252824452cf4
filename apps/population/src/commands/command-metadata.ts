import type { EventMetadata } from '@shuzhi/event-store';
import type { CommandActor } from '@shuzhi/shared-kernel';

/** Who issued a command and under which request, as every appended event records it. */
export interface CommandOrigin {
  actor: CommandActor;
  correlationId: string;
}

/** Every write of the register is a steward's (the deciders refuse anyone else). */
export const metadataOf = (origin: CommandOrigin): Partial<EventMetadata> => ({
  correlationId: origin.correlationId,
  actor: { department: origin.actor.department, client: origin.actor.clientId, role: 'STEWARD' },
});
