import { metadataOf as metadataActingAs, type CommandOrigin } from '@shuzhi/subgraph';

export type { CommandOrigin };

/** A steward's role when it holds one (programs and decisions are the bureau's stewards'), else its first. */
export const metadataOf = (origin: CommandOrigin) =>
  metadataActingAs(origin, origin.actor.roles.includes('STEWARD') ? 'STEWARD' : (origin.actor.roles[0] ?? 'NONE'));
