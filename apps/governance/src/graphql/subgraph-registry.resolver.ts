import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { CallerContext } from '@shuzhi/signing';
import { Caller, actorOf } from '@shuzhi/subgraph';
import { RegisterSubgraph } from '../commands/register-subgraph.js';
import type { SubgraphState } from '../domain/registry/subgraph.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';
import { DepartmentRow, SubgraphRow } from '../projections/registry.projections.js';
import { RegisterSubgraphInput, Subgraph } from './governance.models.js';

/** The subgraph registry: which department owns each subgraph's fields. */
@Resolver(() => Subgraph)
export class SubgraphRegistryResolver {
  constructor(
    private readonly commands: CommandBus,
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
    const department = await this.config.dataSource.manager.findOneBy(DepartmentRow, { code: state.departmentCode });
    return { name: state.name, department: { code: state.departmentCode, name: department?.name ?? state.departmentCode }, fields: state.fields };
  }

  @Query(() => [Subgraph], { description: 'The registry, by name.' })
  async subgraphs(): Promise<Subgraph[]> {
    const manager = this.config.dataSource.manager;
    const [rows, departments] = await Promise.all([manager.find(SubgraphRow, { order: { name: 'ASC' } }), manager.find(DepartmentRow)]);
    const names = new Map(departments.map((d) => [d.code, d.name]));
    return rows.map((row) => ({
      name: row.name,
      department: { code: row.departmentCode, name: names.get(row.departmentCode) ?? row.departmentCode },
      fields: row.fields,
    }));
  }
}
