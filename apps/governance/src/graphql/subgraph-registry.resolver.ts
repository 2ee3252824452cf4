import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { CallerContext } from '@shuzhi/signing';
import { Caller, actorOf } from '@shuzhi/subgraph';
import { RegisterSubgraph } from '../commands/register-subgraph.js';
import type { SubgraphState } from '../domain/registry/subgraph.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { SubgraphRow } from '../projections/registry.projections.js';
import { GovernanceMappers } from './governance.mappers.js';
import { RegisterSubgraphInput, Subgraph } from './governance.models.js';

/** The subgraph registry: which department owns each subgraph's fields. */
@Resolver(() => Subgraph)
export class SubgraphRegistryResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly mappers: GovernanceMappers,
    @Inject(GOVERNANCE_CONFIG) private readonly config: GovernanceConfig,
  ) {}

  @Mutation(() => Subgraph, {
    description: 'PLATFORM. A subgraph joins (or records its changed schema): its owning department and the fields its SDL resolves.',
  })
  async registerSubgraph(@Caller() caller: CallerContext, @Args('input') input: RegisterSubgraphInput): Promise<Subgraph> {
    const result = await this.commands.execute(
      new RegisterSubgraph({ actor: actorOf(caller), correlationId: caller.correlationId }, input.name, input.departmentCode, { sdl: input.sdl }),
    );
    const state = result.state as Extract<SubgraphState, { status: 'REGISTERED' }>;
    const departments = await this.mappers.departments([state.departmentCode]);
    return { name: state.name, department: departments.get(state.departmentCode)!, fields: state.fields };
  }

  @Query(() => [Subgraph], { description: 'The registry, by name.' })
  async subgraphs(): Promise<Subgraph[]> {
    const rows = await this.config.dataSource.manager.find(SubgraphRow, { order: { name: 'ASC' } });
    const departments = await this.mappers.departments(rows.map((row) => row.departmentCode));
    return rows.map((row) => ({ name: row.name, department: departments.get(row.departmentCode)!, fields: row.fields }));
  }
}
