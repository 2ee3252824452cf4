import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GENDERS } from '@shuzhi/population-events';
import { DateScalar } from './date.scalar.js';

/** GraphQL enums from the domain's lists, so the two never drift apart. */
const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const Gender = enumOf(GENDERS);
export const ResidentStatus = enumOf(['LIVING', 'DECEASED'] as const);
registerEnumType(Gender, { name: 'Gender' });
registerEnumType(ResidentStatus, { name: 'ResidentStatus' });

/**
 * The fields below are the datasets' fields (schemas/population/*.dataset.json): the gateway
 * checks each against the caller's contracts and denies any a dataset does not bind.
 */
@ObjectType({ description: 'A resident of the population register (公安局 户籍), dataset population.resident.' })
@Directive('@key(fields: "id")')
export class Resident {
  @Field(() => ID) id!: string;
  @Field() streamId!: string;
  @Field(() => Int) version!: number;
  @Field({ description: 'The 18-character citizen identity number (GB 11643).' }) idNumber!: string;
  @Field() name!: string;
  @Field(() => Gender) gender!: string;
  @Field(() => DateScalar) birthDate!: string;
  @Field(() => ResidentStatus) status!: string;
  @Field(() => DateScalar, { nullable: true }) dateOfDeath!: string | null;
  /** Resolved into `household` by a field resolver; not a field itself. */
  householdId!: string | null;
}

@ObjectType({ description: 'A household (户) at an address and a place in the grid, dataset population.household.' })
@Directive('@key(fields: "id")')
export class Household {
  @Field(() => ID) id!: string;
  @Field() streamId!: string;
  @Field(() => Int) version!: number;
  @Field() address!: string;
  @Field({ description: 'District or county (区/县), GB/T 2260 code.' }) districtCode!: string;
  @Field() districtName!: string;
  @Field({ description: 'Street or town (街道/乡镇), 9 digits under the district.' }) streetCode!: string;
  @Field() streetName!: string;
  @Field({ description: 'Community or village (社区/村), 12 digits under the street.' }) communityCode!: string;
  @Field() communityName!: string;
  // Nullable as every type's divisionCode is, though a household always has one: an enforcement
  // point asks for it on rows of several types at once, and GraphQL merges those selections only
  // where their types agree.
  @Field(() => String, {
    nullable: true,
    description:
      'The division the household lies in, as contracts scoped to a division are held against it: its community\'s 12-digit code (GB/T 2260 and the statistical division codes).',
  })
  divisionCode!: string | null;
}

// Inputs

@InputType()
export class RegisterResidentInput {
  @Field() idNumber!: string;
  @Field() name!: string;
  @Field(() => Gender) gender!: keyof typeof Gender;
  @Field(() => DateScalar) birthDate!: string;
  @Field(() => ID, { nullable: true }) householdId?: string | null;
}

@InputType()
export class RegisterHouseholdInput {
  @Field() address!: string;
  @Field() districtCode!: string;
  @Field() districtName!: string;
  @Field() streetCode!: string;
  @Field() streetName!: string;
  @Field() communityCode!: string;
  @Field() communityName!: string;
}

@InputType()
export class MoveResidentInput {
  @Field(() => ID) residentId!: string;
  @Field(() => ID, { description: 'The household the resident moves into.' }) householdId!: string;
}

@InputType()
export class RecordDeathInput {
  @Field(() => ID) residentId!: string;
  @Field(() => DateScalar) dateOfDeath!: string;
}
