import { metadataOf as metadataActingAs, type CommandOrigin } from '@shuzhi/subgraph';

export type { CommandOrigin };

/** Every write of the register is a steward's (the deciders refuse anyone else). */
export const metadataOf = (origin: CommandOrigin) => metadataActingAs(origin, 'STEWARD');
