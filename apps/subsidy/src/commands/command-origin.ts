import type { EventMetadata } from '@shuzhi/event-store';
import type { CommandActor } from '@shuzhi/shared-kernel';

/** Who issued a command and under which request, as every appended event records it. */
export interface CommandOrigin {
  actor: CommandActor;
  correlationId: string;
}

export const metadataOf = (origin: CommandOrigin): Partial<EventMetadata> => ({
  correlationId: origin.correlationId,
  actor: {
    department: origin.actor.department,
    client: origin.actor.clientId,
    role: origin.actor.roles.includes('STEWARD') ? 'STEWARD' : (origin.actor.roles[0] ?? 'NONE'),
  },
});
