import { Directive, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { DateTimeScalar } from './date-time.scalar.js';
import { JSONScalar } from '@shuzhi/subgraph';

export const AccessOutcome = { ALLOW: 'ALLOW', PARTIAL: 'PARTIAL', REFUSED: 'REFUSED' } as const;
registerEnumType(AccessOutcome, { name: 'AccessOutcome', description: 'ALLOW and PARTIAL served data; REFUSED served none.' });

@ObjectType({ description: 'An event of the global log as recorded, with its metadata (actor, correlation, causation).' })
export class RecordedEvent {
  @Field({ description: 'The position in the global log (a 64-bit integer, as a string).' }) globalPosition!: string;
  @Field() streamId!: string;
  @Field(() => Int) streamVersion!: number;
  @Field(() => ID) eventId!: string;
  @Field() type!: string;
  @Field(() => JSONScalar) data!: unknown;
  @Field(() => JSONScalar) metadata!: unknown;
  @Field(() => DateTimeScalar) recordedAt!: Date;
  @Field({ description: 'Pass as `after` for the events that follow this one.' }) cursor!: string;
}

@ObjectType()
export class ContractRef {
  @Field(() => ID) id!: string;
  @Field(() => Int) version!: number;
}

@ObjectType()
export class MaskedField {
  @Field({ description: '`Type.field`' }) field!: string;
  @Field() rule!: string;
}

@ObjectType({ description: 'A data subject by its GraphQL type and key.' })
export class SubjectRef {
  @Field() type!: string;
  @Field(() => ID) id!: string;
}

@ObjectType({ description: 'One access record of the gateway: an operation that read, or was refused, dataset data.' })
export class AccessRecord {
  @Field(() => ID, { description: 'The event id of the record.' }) id!: string;
  @Field() globalPosition!: string;
  @Field(() => DateTimeScalar) recordedAt!: Date;
  @Field(() => AccessOutcome) outcome!: string;
  @Field(() => String, { nullable: true, description: 'Refusals: the API.md code the caller got.' }) code!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field() clientId!: string;
  @Field() department!: string;
  @Field(() => String, { nullable: true }) purpose!: string | null;
  @Field(() => [ContractRef]) contracts!: ContractRef[];
  @Field(() => [String], { description: 'Every `Type.field` served, masked ones included.' }) fields!: string[];
  @Field(() => [MaskedField]) maskedFields!: MaskedField[];
  @Field(() => [String]) deniedFields!: string[];
  @Field(() => [SubjectRef]) subjects!: SubjectRef[];
  @Field(() => [SubjectRef], { description: 'Rows sent as null for want of the subject’s consent.' }) withheldSubjects!: SubjectRef[];
  @Field(() => ID) decisionId!: string;
  @Field(() => ID) correlationId!: string;
  @Field() operationHash!: string;
  @Field(() => String, { nullable: true, description: 'The position of the gateway’s policy snapshot the decision read.' })
  snapshotCheckpoint!: string | null;
  @Field({ description: 'Pass as `after` for the records older than this one.' }) cursor!: string;
}

@InputType()
export class AccessLogFilter {
  @Field(() => ID, { nullable: true }) subjectId?: string | null;
  @Field(() => String, { nullable: true }) department?: string | null;
  @Field(() => ID, { nullable: true }) contractId?: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'Inclusive, on the time the record was written.' }) from?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) to?: Date | null;
  @Field(() => AccessOutcome, { nullable: true }) outcome?: keyof typeof AccessOutcome | null;
  @Field(() => Int, { nullable: true, description: 'The older name of `first` (default 500, at most 5000); give one or the other.' })
  limit?: number | null;
}

/** Governance's `Department`, shared: the audit names the departments that could read. */
@ObjectType()
@Directive('@shareable')
export class Department {
  @Field() code!: string;
  @Field(() => String, { nullable: true, description: 'Null when the log holds no registration for the code.' }) name!: string | null;
}

@ObjectType()
export class ConsentInForce {
  @Field(() => ID) consentId!: string;
  @Field() purpose!: string;
  @Field() datasetCode!: string;
  @Field(() => [String]) fields!: string[];
  @Field(() => DateTimeScalar) expiresAt!: Date;
}

@ObjectType()
export class SubjectAccessEntry {
  @Field(() => DateTimeScalar) at!: Date;
  @Field() department!: string;
  @Field() clientId!: string;
  @Field(() => String, { nullable: true }) purpose!: string | null;
  @Field(() => [ContractRef]) contracts!: ContractRef[];
  @Field(() => [String]) fields!: string[];
  @Field(() => [MaskedField]) maskedFields!: MaskedField[];
  @Field() withheld!: boolean;
  @Field(() => [ConsentInForce]) consents!: ConsentInForce[];
  @Field(() => AccessOutcome, { description: 'REFUSED: the subject was looked for and nothing was served.' }) outcome!: string;
}

@ObjectType()
export class SubjectAccessReport {
  @Field(() => ID) subjectId!: string;
  @Field(() => DateTimeScalar) generatedAt!: Date;
  @Field(() => [SubjectAccessEntry], { description: 'This page’s entries, oldest first.' }) entries!: SubjectAccessEntry[];
  @Field({
    description: 'The same entries as CSV (RFC 4180), with a header row; a cell a spreadsheet would take for a formula starts with a quote.',
  })
  csv!: string;
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last page.' }) nextCursor!: string | null;
}

@ObjectType()
export class DecisionMismatch {
  @Field() globalPosition!: string;
  @Field(() => ID) recordId!: string;
  @Field() what!: string;
  @Field(() => JSONScalar) recorded!: unknown;
  @Field(() => JSONScalar) replayed!: unknown;
}

@ObjectType()
export class DecisionReplay {
  @Field(() => Int, { description: 'Records decided again in this page.' }) checked!: number;
  @Field(() => [DecisionMismatch]) mismatches!: DecisionMismatch[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null once the log is read to its end.' })
  nextCursor!: string | null;
}

@ObjectType({ description: 'The audit chain recomputed from the database.' })
export class AuditVerification {
  @Field() ok!: boolean;
  @Field(() => Int) checkedEvents!: number;
  @Field(() => Int) seals!: number;
  @Field(() => String, { nullable: true }) sealedThrough!: string | null;
  @Field(() => String, { nullable: true, description: 'The first position, in read order, that does not match what was sealed.' })
  firstBadPosition!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => Int) unsealedEvents!: number;
}

@ObjectType({ description: 'The newest seal, read without checking anything.' })
export class AuditChainStatus {
  @Field(() => Int) seals!: number;
  @Field(() => String, { nullable: true }) sealedThrough!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) lastSealedAt!: Date | null;
  @Field(() => Int) unsealedEvents!: number;
}
