import { metadataOf as metadataActingAs, type CommandOrigin } from '@shuzhi/subgraph';

export type { CommandOrigin };

/** Only the register's stewards write it (the decider refuses anyone else), so that is the role recorded. */
export const metadataOf = (origin: CommandOrigin) => metadataActingAs(origin, 'STEWARD');
