import { Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SUBJECT_KINDS, type SubjectKind as Kind } from '../domain/eligibility-rules.js';
import { APPLICATION_STATUSES, type ApplicationStatus, type CheckOutcome } from '../domain/subsidy-application.events.js';
import { PROGRAM_STATUSES, type ProgramStatus } from '../domain/subsidy-program.events.js';

const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const SubsidySubject = enumOf(SUBJECT_KINDS);
export const SubsidyProgramStatus = enumOf(PROGRAM_STATUSES);
export const SubsidyApplicationStatus = enumOf(APPLICATION_STATUSES);
export const SubsidyCheckOutcome = enumOf(['ELIGIBLE', 'INELIGIBLE', 'CANNOT_CHECK'] as const);
registerEnumType(SubsidySubject, { name: 'SubsidySubject' });
registerEnumType(SubsidyProgramStatus, { name: 'SubsidyProgramStatus' });
registerEnumType(SubsidyApplicationStatus, { name: 'SubsidyApplicationStatus' });
registerEnumType(SubsidyCheckOutcome, { name: 'SubsidyCheckOutcome' });

@ObjectType({ description: 'Who did something: a client of a department, in one role.' })
export class SubsidyActor {
  @Field() clientId!: string;
  @Field() department!: string;
  @Field() role!: string;
}

@ObjectType({ description: 'One eligibility rule, in the rule language: exactly one field is set.' })
export class EligibilityRule {
  @Field(() => Boolean, { nullable: true }) enterpriseActive!: boolean | null;
  @Field(() => [String], { nullable: true, description: 'GB/T 4754 codes; an industry under any of them passes.' }) industryIn!: string[] | null;
  @Field(() => Int, { nullable: true }) minEmployees!: number | null;
  @Field(() => Int, { nullable: true, description: 'Years, on the application date.' }) minAge!: number | null;
  @Field(() => String, { nullable: true, description: 'GB/T 2260 county-level code of the household’s district.' }) livesInDistrict!: string | null;
}

@ObjectType({ description: 'A subsidy program (亲清在线-style) of the economic bureau.' })
export class SubsidyProgram {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field(() => SubsidySubject) subject!: Kind;
  @Field(() => [EligibilityRule]) rules!: EligibilityRule[];
  @Field(() => Int, { description: '元.' }) budget!: number;
  @Field(() => Int, { description: '元 per approved application.' }) amountPerGrant!: number;
  @Field(() => Int, { description: '元 committed to approved applications.' }) reserved!: number;
  @Field(() => SubsidyProgramStatus) status!: ProgramStatus;
  @Field(() => String, { nullable: true }) closedReason!: string | null;
  @Field(() => GraphQLISODateTime) createdAt!: Date;
  @Field() streamId!: string;
  @Field(() => Int) version!: number;
}

@ObjectType({ description: 'The facts a rule was given, as the gateway answered them; only those the rule reads are set.' })
export class RuleFacts {
  @Field(() => String, { nullable: true }) status!: string | null;
  @Field(() => String, { nullable: true }) industryCode!: string | null;
  @Field(() => Int, { nullable: true }) employees!: number | null;
  @Field(() => String, { nullable: true }) birthDate!: string | null;
  @Field(() => String, { nullable: true, description: 'The day the age was reckoned for.' }) onDate!: string | null;
  @Field(() => Int, { nullable: true }) age!: number | null;
  @Field(() => String, { nullable: true }) districtCode!: string | null;
}

@ObjectType({ description: 'One rule’s verdict and the facts it was given.' })
export class RuleVerdict {
  @Field(() => EligibilityRule) rule!: EligibilityRule;
  @Field({ description: 'PASS or FAIL.' }) verdict!: string;
  @Field(() => RuleFacts) facts!: RuleFacts;
  @Field() reason!: string;
}

@ObjectType({ description: 'An eligibility check as recorded in SubsidyApplicationChecked.' })
export class EligibilityCheck {
  @Field(() => SubsidyCheckOutcome) outcome!: CheckOutcome;
  @Field({ description: 'The day the rules were evaluated for (YYYY-MM-DD, the application date).' }) onDate!: string;
  @Field(() => [RuleVerdict]) verdicts!: RuleVerdict[];
  @Field(() => String, { nullable: true, description: 'CONTRACT_REQUIRED, CONSENT_REQUIRED or PURPOSE_REQUIRED when the facts were refused.' })
  deniedCode!: string | null;
  @Field(() => String, { nullable: true }) deniedReason!: string | null;
  @Field(() => [String]) deniedFields!: string[];
  @Field({ description: 'The X-Correlation-Id of the gateway read: its access record carries it.' }) correlationId!: string;
  @Field(() => [String]) decisionIds!: string[];
  @Field(() => [String]) contractIds!: string[];
  @Field(() => SubsidyActor) by!: SubsidyActor;
  @Field(() => GraphQLISODateTime) at!: Date;
}

@ObjectType({ description: 'One transition of an application: who, why, when.' })
export class SubsidyApplicationHistoryEntry {
  @Field(() => Int) version!: number;
  @Field() type!: string;
  @Field(() => SubsidyApplicationStatus, { description: 'The status after this transition.' }) status!: ApplicationStatus;
  @Field(() => SubsidyActor) by!: SubsidyActor;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => GraphQLISODateTime) at!: Date;
}

@ObjectType({ description: 'An application for a program’s grant; one per subject and program.' })
export class SubsidyApplication {
  @Field(() => ID) id!: string;
  @Field(() => ID) programId!: string;
  @Field(() => SubsidySubject) subjectKind!: Kind;
  @Field({ description: 'A credit code or a resident id.' }) subjectId!: string;
  @Field(() => Int, { description: '元.' }) amount!: number;
  @Field({ description: 'APPLICATION or BATCH.' }) channel!: string;
  @Field(() => SubsidyApplicationStatus) status!: ApplicationStatus;
  @Field(() => EligibilityCheck, { nullable: true }) lastCheck!: EligibilityCheck | null;
  @Field(() => GraphQLISODateTime) submittedAt!: Date;
  @Field() streamId!: string;
  @Field(() => Int) version!: number;
  /** Filled by a field resolver from the stream, only when asked for. */
  history?: SubsidyApplicationHistoryEntry[];
}

@ObjectType({ description: 'What a program run did.' })
export class SubsidyBatchRun {
  @Field(() => ID) programId!: string;
  @Field(() => Int) examined!: number;
  @Field(() => Int, { description: 'Eligible subjects that are paid, by this run or an earlier one.' }) eligible!: number;
  @Field(() => Int) submitted!: number;
  @Field(() => Int) approved!: number;
  @Field(() => Int) disbursed!: number;
  @Field(() => Int, { description: 'Eligible subjects paid before this run: not paid again.' }) alreadyDisbursed!: number;
  @Field(() => String, { nullable: true }) stoppedBecause!: string | null;
}

// Inputs

@InputType({ description: 'One rule: set exactly one field.' })
export class EligibilityRuleInput {
  @Field(() => Boolean, { nullable: true }) enterpriseActive?: boolean | null;
  @Field(() => [String], { nullable: true }) industryIn?: string[] | null;
  @Field(() => Int, { nullable: true }) minEmployees?: number | null;
  @Field(() => Int, { nullable: true }) minAge?: number | null;
  @Field(() => String, { nullable: true }) livesInDistrict?: string | null;
}

@InputType()
export class CreateSubsidyProgramInput {
  @Field(() => ID, { nullable: true, description: 'Lower-case letters, digits, hyphens; generated when absent.' }) id?: string | null;
  @Field() name!: string;
  @Field(() => SubsidySubject) subject!: Kind;
  @Field(() => [EligibilityRuleInput]) rules!: EligibilityRuleInput[];
  @Field(() => Int, { description: '元.' }) budget!: number;
  @Field(() => Int, { description: '元.' }) amountPerGrant!: number;
}

@InputType()
export class ApplyForSubsidyInput {
  @Field(() => ID) programId!: string;
  @Field(() => SubsidySubject) subjectKind!: Kind;
  @Field({ description: 'The enterprise’s credit code or the resident’s id.' }) subjectId!: string;
}
