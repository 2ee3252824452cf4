import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Args, Directive, Field, GraphQLISODateTime, ObjectType, Resolver, Subscription } from '@nestjs/graphql';
import { ChangeFeedHub, ChangeKind, feedOf, foldedEntities, readsArgument, type Change } from '@shuzhi/subgraph';
import { ENTERPRISE_STREAM_PREFIX, enterpriseDecider, type EnterpriseState } from '../domain/enterprise.decider.js';
import { ENTERPRISE_EVENT_TYPES, type EnterpriseEvent } from '../domain/enterprise.events.js';
import { ENTERPRISE_CONFIG, type EnterpriseConfig } from '../enterprise.config.js';
import { toEnterprise } from './enterprise.mappers.js';
import { Enterprise } from './enterprise.models.js';

@ObjectType({ description: 'A change of a market entity of the register, with the entity right after it.' })
export class EnterpriseChange {
  @Field({ description: 'Where this change is in the log: `after: cursor` resumes right after it.' }) cursor!: string;
  @Field(() => ChangeKind, { description: 'REMOVED: deregistered (注销), its last change.' }) kind!: string;
  @Field(() => GraphQLISODateTime) occurredAt!: Date;
  @Field(() => Enterprise, { nullable: true }) enterprise!: Enterprise | null;
}

/** The register's change feed: one reader of the log, for every subscriber of this process. */
@Injectable()
export class EnterpriseFeeds implements OnApplicationShutdown {
  readonly enterprises: ChangeFeedHub<Enterprise>;

  constructor(@Inject(ENTERPRISE_CONFIG) config: EnterpriseConfig) {
    this.enterprises = new ChangeFeedHub(config.store, {
      name: 'enterpriseChanges',
      streamPrefix: ENTERPRISE_STREAM_PREFIX,
      types: ENTERPRISE_EVENT_TYPES,
      kindOf: ({ type }) => (type === 'EnterpriseRegistered' ? 'CREATED' : type === 'EnterpriseDeregistered' ? 'REMOVED' : 'UPDATED'),
      entitiesAfter: foldedEntities<EnterpriseEvent, EnterpriseState, Enterprise>(config.store, enterpriseDecider, (state, version) =>
        state.status === 'NONE' ? null : toEnterprise(state, version),
      ),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.enterprises.stop();
  }
}

@Resolver()
export class EnterpriseChangesResolver {
  constructor(private readonly feeds: EnterpriseFeeds) {}

  @Subscription(() => EnterpriseChange, {
    description: 'Every change of the register\'s market entities after `after`, in log order, each once.',
    resolve: ({ entity, ...change }: Change<Enterprise>): EnterpriseChange => ({ ...change, enterprise: entity }),
  })
  @Directive(readsArgument('after', 'none'))
  @Directive(feedOf('enterprise'))
  enterpriseChanges(
    @Args('after', {
      type: () => String,
      nullable: true,
      description: 'A cursor a change carried: the changes after it. Omitted: the changes from now on. "0": from the beginning of the log.',
    })
    after?: string | null,
  ) {
    return this.feeds.enterprises.subscribe(after ?? undefined);
  }
}
