import type { CommandActor } from '@shuzhi/shared-kernel';

export { metadataOf, type CommandOrigin } from '@shuzhi/subgraph';
export type { DistributiveOmit } from '@shuzhi/shared-kernel';

/** The role the actor acted in, for metadata: its most specific one. */
export const primaryRole = (actor: CommandActor): string => actor.roles[0] ?? 'SYSTEM';
