import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Args, Directive, Field, GraphQLISODateTime, ObjectType, Resolver, Subscription } from '@nestjs/graphql';
import { RESIDENT_EVENT_TYPES, type HouseholdEvent, type ResidentEvent } from '@shuzhi/population-events';
import { ChangeFeedHub, ChangeKind, feedOf, foldedEntities, readsArgument, type Change } from '@shuzhi/subgraph';
import { householdDecider, type HouseholdState } from '../domain/household/household.decider.js';
import { residentDecider, type ResidentState } from '../domain/resident/resident.decider.js';
import { POPULATION_CONFIG, type PopulationConfig } from '../population.config.js';
import { householdOf, residentOf } from './population.mappers.js';
import { Household, Resident } from './population.models.js';

const CURSOR = 'Where this change is in the log: `after: cursor` resumes right after it.';

@ObjectType({ description: 'A change of a resident of the register, with the resident right after it.' })
export class ResidentChange {
  @Field({ description: CURSOR }) cursor!: string;
  @Field(() => ChangeKind, { description: 'REMOVED: a death was recorded (死亡注销).' }) kind!: string;
  @Field(() => GraphQLISODateTime) occurredAt!: Date;
  @Field(() => Resident, { nullable: true }) resident!: Resident | null;
}

@ObjectType({ description: 'A change of a household, with the household right after it.' })
export class HouseholdChange {
  @Field({ description: CURSOR }) cursor!: string;
  @Field(() => ChangeKind) kind!: string;
  @Field(() => GraphQLISODateTime) occurredAt!: Date;
  @Field(() => Household, { nullable: true }) household!: Household | null;
}

/** The register's change feeds: one reader of the log each, for every subscriber of this process. */
@Injectable()
export class PopulationFeeds implements OnApplicationShutdown {
  readonly residents: ChangeFeedHub<Resident>;
  readonly households: ChangeFeedHub<Household>;

  constructor(@Inject(POPULATION_CONFIG) config: PopulationConfig) {
    this.residents = new ChangeFeedHub(config.store, {
      name: 'residentChanges',
      streamPrefix: 'resident-',
      types: RESIDENT_EVENT_TYPES,
      kindOf: ({ type }) => (type === 'ResidentRegistered' ? 'CREATED' : type === 'ResidentDied' ? 'REMOVED' : 'UPDATED'),
      entitiesAfter: foldedEntities<ResidentEvent, ResidentState, Resident>(config.store, residentDecider, (state, version) =>
        state.status === 'NONE' ? null : residentOf({ state, version }),
      ),
    });
    this.households = new ChangeFeedHub(config.store, {
      name: 'householdChanges',
      streamPrefix: 'household-',
      types: ['HouseholdRegistered'] satisfies Array<HouseholdEvent['type']>,
      kindOf: () => 'CREATED',
      entitiesAfter: foldedEntities<HouseholdEvent, HouseholdState, Household>(config.store, householdDecider, (state, version) =>
        state.status === 'NONE' ? null : householdOf({ state, version }),
      ),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.residents.stop(), this.households.stop()]);
  }
}

const AFTER = 'A cursor a change carried: the changes after it. Omitted: the changes from now on. "0": from the beginning of the log.';

@Resolver()
export class PopulationChangesResolver {
  constructor(private readonly feeds: PopulationFeeds) {}

  @Subscription(() => ResidentChange, {
    description: 'Every change of the register\'s residents after `after`, in log order, each once.',
    resolve: ({ entity, ...change }: Change<Resident>): ResidentChange => ({ ...change, resident: entity }),
  })
  @Directive(readsArgument('after', 'none'))
  @Directive(feedOf('resident'))
  residentChanges(@Args('after', { type: () => String, nullable: true, description: AFTER }) after?: string | null) {
    return this.feeds.residents.subscribe(after ?? undefined);
  }

  @Subscription(() => HouseholdChange, {
    description: 'Every change of the register\'s households after `after`, in log order, each once.',
    resolve: ({ entity, ...change }: Change<Household>): HouseholdChange => ({ ...change, household: entity }),
  })
  @Directive(readsArgument('after', 'none'))
  @Directive(feedOf('household'))
  householdChanges(@Args('after', { type: () => String, nullable: true, description: AFTER }) after?: string | null) {
    return this.feeds.households.subscribe(after ?? undefined);
  }
}
