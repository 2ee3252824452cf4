import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Directive, ID, Mutation, Parent, Query, ResolveField, Resolver, ResolveReference } from '@nestjs/graphql';
import type { CommandResult } from '@shuzhi/event-store';
import type { CallerContext } from '@shuzhi/signing';
import { Caller, actorOf, readsArgument } from '@shuzhi/subgraph';
import type { CommandOrigin } from '../commands/command-metadata.js';
import { MoveResident } from '../commands/move-resident.js';
import { RecordDeath } from '../commands/record-death.js';
import { RegisterHousehold } from '../commands/register-household.js';
import { RegisterResident } from '../commands/register-resident.js';
import type { HouseholdState } from '../domain/household/household.decider.js';
import type { HouseholdEvent, ResidentEvent } from '@shuzhi/population-events';
import type { ResidentState } from '../domain/resident/resident.decider.js';
import { POPULATION_CONFIG, type PopulationConfig } from '../population.config.js';
import { ResidentRow } from '../projections/resident.projection.js';
import { PopulationReads } from '../queries/population-reads.js';
import { householdAfter, householdOf, residentAfter, residentOf, residentOfRow } from './population.mappers.js';
import {
  Household,
  MoveResidentInput,
  RecordDeathInput,
  RegisterHouseholdInput,
  RegisterResidentInput,
  Resident,
} from './population.models.js';

const originOf = (caller: CallerContext): CommandOrigin => ({ actor: actorOf(caller), correlationId: caller.correlationId });

/** A federation entity reference: the gateway sends `{ __typename, id }` for each it needs. */
interface EntityReference {
  __typename: string;
  id: string;
}

/** Residents: the register's writes (a public-security steward's) and reads. */
@Resolver(() => Resident)
export class ResidentResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly reads: PopulationReads,
  ) {}

  @Mutation(() => Resident, { description: 'A steward of public-security only; the birth date and gender must agree with the ID number.' })
  async registerResident(@Caller() caller: CallerContext, @Args('input') input: RegisterResidentInput): Promise<Resident> {
    const result: CommandResult<ResidentEvent, ResidentState> = await this.commands.execute(
      new RegisterResident(originOf(caller), { ...input, householdId: input.householdId ?? null }),
    );
    return residentAfter(result);
  }

  @Mutation(() => Resident)
  async moveResident(@Caller() caller: CallerContext, @Args('input') input: MoveResidentInput): Promise<Resident> {
    const result: CommandResult<ResidentEvent, ResidentState> = await this.commands.execute(
      new MoveResident(originOf(caller), input.residentId, input.householdId),
    );
    return residentAfter(result);
  }

  @Mutation(() => Resident)
  async recordDeath(@Caller() caller: CallerContext, @Args('input') input: RecordDeathInput): Promise<Resident> {
    const result: CommandResult<ResidentEvent, ResidentState> = await this.commands.execute(
      new RecordDeath(originOf(caller), input.residentId, input.dateOfDeath),
    );
    return residentAfter(result);
  }

  @Query(() => Resident, { nullable: true, description: 'Read from its stream: always as of the last command.' })
  @Directive(readsArgument('id', 'Resident.id'))
  async resident(@Args('id', { type: () => ID }) id: string): Promise<Resident | null> {
    const found = await this.reads.resident(id);
    return found && residentOf(found);
  }

  @Query(() => Resident, { nullable: true, description: 'A malformed number or a wrong check character is refused (VALIDATION_FAILED).' })
  @Directive(readsArgument('idNumber', 'Resident.idNumber'))
  async residentByIdNumber(@Args('idNumber') idNumber: string): Promise<Resident | null> {
    const found = await this.reads.residentByIdNumber(idNumber);
    return found && residentOf(found);
  }

  @ResolveReference()
  async resolveReference(reference: EntityReference): Promise<Resident | null> {
    return this.resident(reference.id);
  }

  @ResolveField(() => Household, { nullable: true, description: 'The household the resident belongs to (or last belonged to, if deceased).' })
  async household(@Parent() resident: Resident): Promise<Household | null> {
    const found = await this.reads.household(resident.householdId);
    return found && householdOf(found);
  }

  @ResolveField(() => String, {
    nullable: true,
    description:
      'The division the resident lies in, as contracts scoped to a division are held against it: the 12-digit community code of ' +
      'their household (the one they last belonged to, if deceased). Null without a household: such a resident lies in no division.',
  })
  async divisionCode(@Parent() resident: Resident): Promise<string | null> {
    const found = await this.reads.household(resident.householdId);
    return found?.state.grid.community.code ?? null;
  }
}

/** Households and their place in the grid. */
@Resolver(() => Household)
export class HouseholdResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly reads: PopulationReads,
    @Inject(POPULATION_CONFIG) private readonly config: PopulationConfig,
  ) {}

  @Mutation(() => Household, { description: 'A steward of public-security only.' })
  async registerHousehold(@Caller() caller: CallerContext, @Args('input') input: RegisterHouseholdInput): Promise<Household> {
    const result: CommandResult<HouseholdEvent, HouseholdState> = await this.commands.execute(
      new RegisterHousehold(originOf(caller), {
        address: input.address,
        grid: {
          district: { code: input.districtCode, name: input.districtName },
          street: { code: input.streetCode, name: input.streetName },
          community: { code: input.communityCode, name: input.communityName },
        },
      }),
    );
    return householdAfter(result);
  }

  @Query(() => Household, { nullable: true, description: 'Read from its stream: always as of the last command.' })
  @Directive(readsArgument('id', 'Household.id'))
  async household(@Args('id', { type: () => ID }) id: string): Promise<Household | null> {
    const found = await this.reads.household(id);
    return found && householdOf(found);
  }

  @ResolveReference()
  async resolveReference(reference: EntityReference): Promise<Household | null> {
    return this.household(reference.id);
  }

  @ResolveField(() => [Resident], {
    description: 'Living members, eldest first, from the residents read model: it may trail a write by a moment.',
  })
  async members(@Parent() household: Household): Promise<Resident[]> {
    const rows = await this.config.dataSource.manager.find(ResidentRow, {
      where: { householdId: household.id, status: 'LIVING' },
      order: { birthDate: 'ASC', id: 'ASC' },
    });
    return rows.map(residentOfRow);
  }
}
