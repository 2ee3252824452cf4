import { Directive, Field, Float, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { reads } from '@shuzhi/subgraph';
import { ENTERPRISE_STATUSES, type EnterpriseStatus as Status } from '../domain/enterprise.events.js';

export const EnterpriseStatus = Object.fromEntries(ENTERPRISE_STATUSES.map((s) => [s, s])) as Record<Status, Status>;
registerEnumType(EnterpriseStatus, { name: 'EnterpriseStatus' });

/**
 * The population service's entity, as this subgraph knows it: only its key. The gateway fetches
 * everything else of a resident from population; this subgraph adds `enterprises`.
 */
@ObjectType({ description: 'A resident (owned by the population service); this subgraph contributes enterprises.' })
@Directive('@key(fields: "id")')
export class Resident {
  /** Lets the federation runtime pick the type without asking. */
  __typename?: 'Resident';
  @Field(() => ID) id!: string;
}

@ObjectType({ description: 'Who made a change in the register: a client of a department, in one role.' })
export class EnterpriseActor {
  @Field() clientId!: string;
  @Field() department!: string;
  @Field() role!: string;
}

@ObjectType({ description: 'One change of an enterprise, as its stream records it.' })
export class EnterpriseHistoryEntry {
  @Field(() => Int) version!: number;
  @Field() type!: string;
  @Field(() => EnterpriseStatus, { description: 'The status after this change.' }) status!: Status;
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field(() => EnterpriseActor) by!: EnterpriseActor;
  @Field(() => String, { nullable: true }) reason!: string | null;
}

@ObjectType({ description: 'A market entity of the register (市场主体), keyed by its unified social credit code.' })
@Directive('@key(fields: "creditCode")')
export class Enterprise {
  @Field({ description: 'The 18-character unified social credit code (GB 32100).' }) creditCode!: string;
  @Field() name!: string;
  @Field(() => Resident, { nullable: true }) legalRepresentative!: Resident | null;
  @Field({ description: 'GB/T 4754-2017: section letter and up to 4 digits, as I6513.' }) industryCode!: string;
  @Field(() => Float, { nullable: true, description: '万元 (10 000 yuan).' }) registeredCapital!: number | null;
  @Field(() => Int, { nullable: true }) employees!: number | null;
  @Field(() => EnterpriseStatus) status!: Status;
  @Field(() => GraphQLISODateTime) registeredAt!: Date;
  @Field(() => String, {
    nullable: true,
    description:
      'The division the enterprise lies in, as contracts scoped to a division are held against it: its registered address\'s ' +
      'street (9 digits) or community (12), else the registering office\'s division (credit code positions 3–8); null when none is a division code.',
  })
  divisionCode!: string | null;
  @Field() streamId!: string;
  @Field(() => Int) version!: number;
  /** Filled by a field resolver from the stream, only when asked for. */
  history?: EnterpriseHistoryEntry[];
}

// Inputs

@InputType()
export class RegisterEnterpriseInput {
  @Field() creditCode!: string;
  @Field() name!: string;
  @Field(() => ID, { nullable: true }) legalRepresentativeId?: string | null;
  @Field() industryCode!: string;
  @Field(() => Float, { nullable: true, description: '万元.' }) registeredCapital?: number | null;
  @Field(() => Int, { nullable: true }) employees?: number | null;
  @Field(() => String, {
    nullable: true,
    description: 'The street\'s (9 digits) or community\'s (12) code of its registered address. Left out: the division in its credit code.',
  })
  divisionCode?: string | null;
}

@InputType()
export class EnterpriseFilter {
  @Field(() => String, { nullable: true, description: 'A GB/T 4754 code at any level; matches it and everything under it.' })
  @Directive(reads('Enterprise.industryCode'))
  industryCode?: string | null;
  @Field(() => EnterpriseStatus, { nullable: true })
  @Directive(reads('Enterprise.status'))
  status?: Status | null;
  @Field(() => ID, { nullable: true })
  @Directive(reads('Enterprise.legalRepresentative'))
  legalRepresentativeId?: string | null;
}
