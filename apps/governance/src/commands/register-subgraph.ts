import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { handleCommand } from '@shuzhi/event-store';
import { fieldsOfSubgraphSdl } from '@shuzhi/policy';
import { ValidationFailed } from '@shuzhi/shared-kernel';
import { subgraphDecider, subgraphStreamId } from '../domain/registry/subgraph.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { GovernanceProjections } from '../projections/governance-projections.js';
import { metadataOf, type CommandOrigin } from './command-metadata.js';
import { GovernanceFacts } from './governance-facts.js';

/** A subgraph's SDL larger than this is not one a department wrote by hand: refused before parsing. */
const MAX_SDL_CHARACTERS = 1_000_000;

/** The data bureau registers a subgraph (or records its changed schema): its department and its SDL. */
export class RegisterSubgraph {
  constructor(
    readonly origin: CommandOrigin,
    readonly name: string,
    readonly departmentCode: string,
    /** Its SDL as `{ _service { sdl } }` answers it; or the fields already read from a supergraph. */
    readonly schema: { sdl: string } | { fields: string[] },
  ) {}
}

/**
 * Answers once the registry's read model holds the registration: the next dataset published
 * over the subgraph's fields is checked against it, so the steward never meets a lagging registry.
 */
@CommandHandler(RegisterSubgraph)
export class RegisterSubgraphHandler implements ICommandHandler<RegisterSubgraph> {
  constructor(
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
    private readonly facts: GovernanceFacts,
    private readonly projections: GovernanceProjections,
  ) {}

  async execute({ origin, name, departmentCode, schema }: RegisterSubgraph) {
    const command = {
      type: 'RegisterSubgraph',
      actor: origin.actor,
      now: this.config.clock.now().toISOString(),
      name,
      departmentCode,
      fields: 'fields' in schema ? schema.fields : fieldsOf(schema.sdl),
      departmentRegistered: await this.facts.departmentRegistered(departmentCode),
    } as const;
    const result = await handleCommand(this.config.store, subgraphStreamId(name), subgraphDecider, command, { metadata: metadataOf(origin, 'PLATFORM') });
    if (result.append) await this.projections.caughtUpTo(result.append.checkpoint);
    return result;
  }
}

const fieldsOf = (sdl: string): string[] => {
  if (sdl.length > MAX_SDL_CHARACTERS) throw new ValidationFailed(`the SDL is longer than ${MAX_SDL_CHARACTERS} characters`, { field: 'sdl' });
  try {
    return fieldsOfSubgraphSdl(sdl);
  } catch (error) {
    throw new ValidationFailed(`the SDL does not parse: ${(error as Error).message}`, { field: 'sdl' });
  }
};
