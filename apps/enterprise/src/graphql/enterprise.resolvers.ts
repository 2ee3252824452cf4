import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Directive, ID, Int, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import { aggregateStream, type CommandResult } from '@shuzhi/event-store';
import type { CallerContext } from '@shuzhi/signing';
import { Caller, actorOf, readsArgument } from '@shuzhi/subgraph';
import { ChangeEnterprise } from '../commands/change-enterprise.js';
import { ChangeLegalRepresentative } from '../commands/change-legal-representative.js';
import type { CommandOrigin } from '../commands/command-origin.js';
import { RegisterEnterprise } from '../commands/register-enterprise.js';
import { enterpriseDecider, enterpriseStreamId, type EnterpriseState } from '../domain/enterprise.decider.js';
import type { EnterpriseEvent } from '../domain/enterprise.events.js';
import { ENTERPRISE_CONFIG, type EnterpriseConfig } from '../enterprise.config.js';
import { enterprisesRepresentedBy, listEnterprises } from '../queries/list-enterprises.js';
import { enterpriseOfStream, historyOf, rowToEnterprise, toEnterprise } from './enterprise.mappers.js';
import { Enterprise, EnterpriseFilter, EnterpriseHistoryEntry, RegisterEnterpriseInput, Resident } from './enterprise.models.js';

const originOf = (caller: CallerContext): CommandOrigin => ({ actor: actorOf(caller), correlationId: caller.correlationId });

type Result = CommandResult<EnterpriseEvent, EnterpriseState>;

/**
 * The register: market regulation's stewards write it; reads are for whoever the gateway let
 * through, which has already checked the caller's contracts field by field.
 */
@Resolver(() => Enterprise)
export class EnterpriseResolver {
  constructor(
    private readonly commands: CommandBus,
    @Inject(ENTERPRISE_CONFIG) private readonly config: EnterpriseConfig,
  ) {}

  /** The state a command left, as the API shows it; a command that changed nothing leaves it as it was. */
  private async answer(command: object): Promise<Enterprise> {
    const result: Result = await this.commands.execute(command);
    if (result.state.status === 'NONE') throw new Error('a command on an enterprise left no enterprise');
    return toEnterprise(result.state, result.version);
  }

  @Mutation(() => Enterprise, {
    description:
      'A steward of market-regulation. VALIDATION_FAILED for a malformed or duplicate credit code, NOT_FOUND for a legal representative the population register does not know.',
  })
  registerEnterprise(@Caller() caller: CallerContext, @Args('input') input: RegisterEnterpriseInput): Promise<Enterprise> {
    return this.answer(new RegisterEnterprise(originOf(caller), input));
  }

  @Mutation(() => Enterprise, { description: 'ACTIVE → SUSPENDED.' })
  suspendEnterprise(@Caller() caller: CallerContext, @Args('creditCode') creditCode: string, @Args('reason') reason: string) {
    return this.answer(new ChangeEnterprise(originOf(caller), creditCode, { type: 'SuspendEnterprise', reason }));
  }

  @Mutation(() => Enterprise, { description: 'SUSPENDED → ACTIVE.' })
  reactivateEnterprise(
    @Caller() caller: CallerContext,
    @Args('creditCode') creditCode: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ) {
    return this.answer(new ChangeEnterprise(originOf(caller), creditCode, { type: 'ReactivateEnterprise', reason: reason ?? null }));
  }

  @Mutation(() => Enterprise, { description: 'ACTIVE or SUSPENDED → DEREGISTERED, which is final.' })
  deregisterEnterprise(@Caller() caller: CallerContext, @Args('creditCode') creditCode: string, @Args('reason') reason: string) {
    return this.answer(new ChangeEnterprise(originOf(caller), creditCode, { type: 'DeregisterEnterprise', reason }));
  }

  @Mutation(() => Enterprise)
  updateEnterpriseEmployees(
    @Caller() caller: CallerContext,
    @Args('creditCode') creditCode: string,
    @Args('employees', { type: () => Int }) employees: number,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ) {
    return this.answer(
      new ChangeEnterprise(originOf(caller), creditCode, { type: 'UpdateEnterpriseEmployees', employees, reason: reason ?? null }),
    );
  }

  @Mutation(() => Enterprise, { description: 'NOT_FOUND for a resident the population register does not know.' })
  changeLegalRepresentative(
    @Caller() caller: CallerContext,
    @Args('creditCode') creditCode: string,
    @Args('legalRepresentativeId', { type: () => ID }) legalRepresentativeId: string,
    @Args('reason', { type: () => String, nullable: true }) reason: string | null,
  ) {
    return this.answer(new ChangeLegalRepresentative(originOf(caller), creditCode, legalRepresentativeId, reason ?? null));
  }

  @Query(() => Enterprise, { nullable: true, description: 'Read from its stream: always as of the last command.' })
  @Directive(readsArgument('creditCode', 'Enterprise.creditCode'))
  async enterprise(@Args('creditCode') creditCode: string): Promise<Enterprise | null> {
    return enterpriseOfStream(await aggregateStream(this.config.store, enterpriseStreamId(creditCode), enterpriseDecider));
  }

  @Query(() => [Enterprise], { description: 'From the read model, in credit-code order; `after` is the last credit code of the previous page.' })
  // The page size reads nothing; the cursor compares credit codes; the filter declares its own fields.
  @Directive(readsArgument('first', 'none'))
  @Directive(readsArgument('after', 'Enterprise.creditCode'))
  async enterprises(
    @Args('filter', { type: () => EnterpriseFilter, nullable: true }) filter: EnterpriseFilter | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Enterprise[]> {
    const rows = await listEnterprises(this.config.dataSource.manager, filter ?? {}, { first, after });
    return rows.map(rowToEnterprise);
  }

  @ResolveField(() => [EnterpriseHistoryEntry])
  async history(@Parent() enterprise: Enterprise): Promise<EnterpriseHistoryEntry[]> {
    return enterprise.history ?? historyOf((await aggregateStream(this.config.store, enterprise.streamId, enterpriseDecider)).events);
  }

  @ResolveReference()
  resolveReference(reference: { __typename: 'Enterprise'; creditCode: string }): Promise<Enterprise | null> {
    return this.enterprise(reference.creditCode);
  }
}

/** What the register adds to the population service's `Resident`: the enterprises they represent. */
@Resolver(() => Resident)
export class ResidentResolver {
  constructor(@Inject(ENTERPRISE_CONFIG) private readonly config: EnterpriseConfig) {}

  @ResolveReference()
  resolveReference(reference: { __typename: 'Resident'; id: string }): Resident {
    return { __typename: 'Resident', id: reference.id };
  }

  @ResolveField(() => [Enterprise], { description: 'The enterprises this resident is the legal representative of, deregistered ones included.' })
  async enterprises(@Parent() resident: Resident): Promise<Enterprise[]> {
    const rows = await enterprisesRepresentedBy(this.config.dataSource.manager, resident.id);
    return rows.map(rowToEnterprise);
  }
}
