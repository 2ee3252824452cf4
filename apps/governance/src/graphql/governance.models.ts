import { Directive, Field, GraphQLISODateTime, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CLASSIFICATIONS, DEPARTMENT_LEVELS, FIELD_FORMATS, MASK_RULES, SHARING_TYPES } from '@shuzhi/governance-events';
import { ROLES } from '@shuzhi/shared-kernel';
import { JSONScalar } from '@shuzhi/subgraph';
import { COMPATIBILITY_MODES } from '../domain/dataset/dataset.decider.js';

/** GraphQL enums from the domain's lists, so the two never drift apart. */
const enumOf = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as Record<T, T>;

export const Role = enumOf(ROLES);
export const SharingType = enumOf(SHARING_TYPES);
export const Classification = enumOf(CLASSIFICATIONS);
export const FieldFormat = enumOf(FIELD_FORMATS);
export const MaskRule = enumOf(MASK_RULES);
export const Compatibility = enumOf(COMPATIBILITY_MODES);
export const ContractStatus = enumOf([
  'SUBMITTED', 'COMPLIANCE_REVIEW', 'PROVIDER_REVIEW', 'ACTIVE', 'REJECTED', 'SUSPENDED', 'REVOKED', 'EXPIRED',
] as const);
export const ConsentStatus = enumOf(['ACTIVE', 'WITHDRAWN', 'EXPIRED'] as const);
export const ReviewStage = enumOf(['COMPLIANCE', 'PROVIDER'] as const);
export const DepartmentLevel = enumOf(DEPARTMENT_LEVELS);
registerEnumType(Role, { name: 'Role' });
registerEnumType(SharingType, { name: 'SharingType' });
registerEnumType(Classification, { name: 'Classification' });
registerEnumType(FieldFormat, {
  name: 'FieldFormat',
  description: 'What a field\'s value is made of, where another field can reveal part of it (GB 11643 ID numbers, GB 32100 credit codes, birth dates, sex).',
});
registerEnumType(MaskRule, { name: 'MaskRule' });
registerEnumType(Compatibility, { name: 'Compatibility' });
registerEnumType(ContractStatus, { name: 'ContractStatus' });
registerEnumType(ConsentStatus, { name: 'ConsentStatus' });
registerEnumType(ReviewStage, { name: 'ReviewStage' });
registerEnumType(DepartmentLevel, { name: 'DepartmentLevel' });

/**
 * Shared with the audit subgraph, which names departments too (`whoCouldRead`); an entity here,
 * so that the gateway fetches what only governance knows of a department (its area) wherever
 * the audit names one.
 */
@ObjectType({
  description:
    'A department of the platform. `level` and `divisionCode` say the area it serves; both null: the whole platform\'s area, ' +
    'as a city\'s own bureaus serve it.',
})
@Directive('@key(fields: "code")')
@Directive('@shareable')
export class Department {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => DepartmentLevel, { nullable: true }) level!: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'GB/T 2260, written at its level\'s length: province 330000, city 330100, district 330106, street (9 digits) 330106001.',
  })
  divisionCode!: string | null;
}

@ObjectType()
export class Purpose {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
}

@ObjectType({ description: 'The calling client as the gateway vouched for it: what a console or a department system needs to know of its own key.' })
export class CallerIdentity {
  @Field(() => ID) clientId!: string;
  @Field() department!: string;
  @Field(() => [Role]) roles!: string[];
}

@ObjectType({ description: 'A new API key: apiKey is shown this once and never again.' })
export class IssuedKey {
  @Field(() => ID) clientId!: string;
  @Field() apiKey!: string;
}

@ObjectType()
export class Client {
  @Field(() => ID) clientId!: string;
  @Field() departmentCode!: string;
  @Field() name!: string;
  @Field(() => [Role]) roles!: string[];
  @Field() status!: string;
  @Field(() => GraphQLISODateTime) issuedAt!: Date;
}

@ObjectType()
export class DatasetField {
  @Field() name!: string;
  @Field(() => Classification) classification!: string;
  @Field(() => FieldFormat, { nullable: true }) format?: string | null;
}

@ObjectType({ description: 'A subgraph of the registry: the department that owns it, and every Type.field it resolves (that department\'s data).' })
export class Subgraph {
  @Field() name!: string;
  @Field(() => Department) department!: Department;
  @Field(() => [String]) fields!: string[];
}

@ObjectType()
export class SchemaVersion {
  @Field(() => Int) version!: number;
  @Field(() => JSONScalar) schema!: unknown;
  @Field(() => [DatasetField]) fields!: DatasetField[];
  @Field(() => GraphQLISODateTime) registeredAt!: Date;
}

@ObjectType({ description: 'A catalog entry (政务信息资源目录), bound to a GraphQL type of the graph.' })
export class Dataset {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => Department) provider!: Department;
  @Field(() => String, { nullable: true }) summary!: string | null;
  @Field(() => SharingType) sharingType!: string;
  @Field(() => String, { nullable: true }) updateCycle!: string | null;
  @Field() graphqlType!: string;
  @Field(() => Compatibility) compatibility!: string;
  @Field(() => [DatasetField], { description: 'The fields of the current schema version.' }) fields!: DatasetField[];
  @Field(() => JSONScalar, { description: 'The current schema version.' }) schema!: unknown;
  @Field(() => [SchemaVersion]) schemaVersions!: SchemaVersion[];
  @Field() streamId!: string;
  @Field(() => Int) version!: number;
}

@ObjectType()
export class MaskingRule {
  @Field() field!: string;
  @Field(() => MaskRule) rule!: string;
}

@ObjectType({ description: 'Who acted: a client of a department, in one role.' })
export class EventActor {
  @Field() clientId!: string;
  @Field() department!: string;
  @Field() role!: string;
}

@ObjectType({ description: 'One transition of a contract, as its stream records it.' })
export class ContractHistoryEntry {
  @Field(() => Int) version!: number;
  @Field() type!: string;
  @Field(() => ContractStatus, { description: 'The contract\'s status once this event happened.' }) status!: string;
  @Field(() => GraphQLISODateTime) at!: Date;
  @Field(() => EventActor, { nullable: true }) by!: EventActor | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => ReviewStage, { nullable: true }) stage!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) deadline!: Date | null;
}

@ObjectType({ description: 'A sharing contract (共享申请/协议) between a consumer and a provider department.' })
export class SharingContract {
  @Field(() => ID) id!: string;
  @Field() streamId!: string;
  @Field(() => Int) version!: number;
  @Field(() => ContractStatus) status!: string;
  @Field() datasetCode!: string;
  @Field(() => Department) consumer!: Department;
  @Field(() => Department) provider!: Department;
  @Field(() => [String]) fields!: string[];
  @Field() purpose!: string;
  @Field() legalBasis!: string;
  @Field(() => String, { nullable: true }) scenario!: string | null;
  @Field(() => GraphQLISODateTime) validFrom!: Date;
  @Field(() => GraphQLISODateTime) validTo!: Date;
  @Field(() => Int, { nullable: true }) dailyQuota!: number | null;
  @Field(() => [MaskingRule]) masking!: MaskingRule[];
  @Field() consentRequired!: boolean;
  @Field(() => String, {
    nullable: true,
    description: 'The GB/T 2260 division it is scoped to: only rows whose divisionCode lies within it are served. Null: the whole platform\'s area.',
  })
  divisionScope!: string | null;
  @Field({ description: 'Granted by the data bureau as a standing 回流 contract for the consumer\'s own area (grantReturnFlowContract), not requested.' })
  returnFlow!: boolean;
  @Field(() => ReviewStage, { nullable: true }) reviewStage!: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true }) reviewDeadline!: Date | null;
  @Field() reviewOverdue!: boolean;
  /** Filled by a field resolver from the stream, only when asked for. */
  history?: ContractHistoryEntry[];
}

@ObjectType({ description: 'A signed consent receipt; payload is the canonical JSON that was signed (Ed25519).' })
export class ConsentReceipt {
  @Field() payload!: string;
  @Field({ description: 'base64' }) signature!: string;
}

@ObjectType({ description: 'A data subject\'s consent (授权) for a department, purpose, dataset and fields.' })
export class Consent {
  @Field(() => ID) id!: string;
  @Field() streamId!: string;
  @Field(() => Int) version!: number;
  @Field(() => ConsentStatus) status!: string;
  @Field(() => ID) subjectId!: string;
  @Field(() => Department) consumer!: Department;
  @Field() purpose!: string;
  @Field() datasetCode!: string;
  @Field(() => [String]) fields!: string[];
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
  @Field(() => ConsentReceipt) receipt!: ConsentReceipt;
}

// Inputs

@InputType()
export class RegisterDepartmentInput {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => DepartmentLevel, { nullable: true, description: 'Follows from divisionCode when left out; must agree with it when given.' })
  level?: keyof typeof DepartmentLevel | null;
  @Field(() => String, {
    nullable: true,
    description: 'The division the department serves (GB/T 2260: 330000, 330100, 330106, or a street\'s 9 digits). Left out: the whole platform\'s area.',
  })
  divisionCode?: string | null;
}

@InputType()
export class RegisterPurposeInput {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true }) description?: string | null;
}

@InputType()
export class IssueClientKeyInput {
  @Field() departmentCode!: string;
  @Field() name!: string;
  @Field(() => [Role]) roles!: Array<keyof typeof Role>;
}

@InputType()
export class DatasetFieldInput {
  @Field() name!: string;
  @Field(() => Classification) classification!: keyof typeof Classification;
  @Field(() => FieldFormat, { nullable: true, description: 'What the value is made of, where masks and contracts must know it.' })
  format?: keyof typeof FieldFormat | null;
}

@InputType()
export class RegisterSubgraphInput {
  @Field() name!: string;
  @Field() departmentCode!: string;
  @Field({ description: 'The subgraph\'s SDL, as `{ _service { sdl } }` answers it.' }) sdl!: string;
}

@InputType()
export class PublishDatasetInput {
  @Field() code!: string;
  @Field() name!: string;
  @Field(() => String, { nullable: true, description: 'Defaults to the caller\'s department.' }) providerDepartmentCode?: string | null;
  @Field(() => String, { nullable: true }) summary?: string | null;
  @Field(() => SharingType) sharingType!: keyof typeof SharingType;
  @Field(() => String, { nullable: true }) updateCycle?: string | null;
  @Field() graphqlType!: string;
  @Field(() => [DatasetFieldInput]) fields!: DatasetFieldInput[];
  @Field(() => JSONScalar) schema!: unknown;
  @Field(() => Compatibility, { nullable: true }) compatibility?: keyof typeof Compatibility | null;
}

@InputType()
export class RegisterSchemaVersionInput {
  @Field() datasetCode!: string;
  @Field(() => JSONScalar) schema!: unknown;
  @Field(() => [DatasetFieldInput], { nullable: true, description: 'Classifications of the fields this version adds.' })
  fields?: DatasetFieldInput[] | null;
}

@ObjectType({ description: 'What registerSchemaVersion would answer now, nothing registered: the compatibility verdict and the grants it would break.' })
export class SchemaVersionCheck {
  @Field() accepted!: boolean;
  @Field(() => Int, { nullable: true, description: 'The version it would become.' }) version!: number | null;
  @Field(() => String, { nullable: true, description: 'The API.md code of the refusal.' }) code!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
  @Field(() => [ID], { description: 'Active or suspended contracts granting a field it removes or retypes.' }) contractIds!: string[];
  @Field(() => [ID], { description: 'Consents in force granting such a field.' }) consentIds!: string[];
  @Field(() => [String], { description: 'The `Type.field`s it removes or retypes.' }) fields!: string[];
}

@InputType()
export class MaskingRuleInput {
  @Field() field!: string;
  @Field(() => MaskRule) rule!: keyof typeof MaskRule;
}

@InputType()
export class SubmitSharingContractInput {
  @Field() datasetCode!: string;
  @Field(() => [String]) fields!: string[];
  @Field() purpose!: string;
  @Field() legalBasis!: string;
  @Field(() => String, { nullable: true }) scenario?: string | null;
  @Field(() => GraphQLISODateTime) validFrom!: Date;
  @Field(() => GraphQLISODateTime) validTo!: Date;
  @Field(() => Int, { nullable: true }) dailyQuota?: number | null;
  @Field(() => [MaskingRuleInput], { nullable: true }) masking?: MaskingRuleInput[] | null;
  @Field(() => Boolean, { nullable: true }) consentRequired?: boolean | null;
  @Field(() => String, {
    nullable: true,
    description:
      'A GB/T 2260 division to scope the contract to: a code (district 330106, street 330106001, community 330106001001) or the ' +
      'leading digits of a province (33) or city (3301). Left out: the caller\'s department\'s division, or the whole area for a ' +
      'department without one. A department with a division asks only within it (FORBIDDEN otherwise).',
  })
  divisionScope?: string | null;
}

@InputType({ description: 'A standing 回流 contract the data bureau grants a district\'s or street\'s office, scoped to its division.' })
export class GrantReturnFlowContractInput {
  @Field({ description: 'The office: a department registered with a DISTRICT or STREET division.' }) departmentCode!: string;
  @Field() datasetCode!: string;
  @Field(() => [String]) fields!: string[];
  @Field() purpose!: string;
  @Field() legalBasis!: string;
  @Field(() => String, { nullable: true }) scenario?: string | null;
  @Field(() => GraphQLISODateTime, { nullable: true, description: 'Left out: from now.' }) validFrom?: Date | null;
  @Field(() => GraphQLISODateTime) validTo!: Date;
  @Field(() => Int, { nullable: true }) dailyQuota?: number | null;
  @Field(() => [MaskingRuleInput], { nullable: true }) masking?: MaskingRuleInput[] | null;
  @Field(() => Boolean, { nullable: true }) consentRequired?: boolean | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'The bureau found the law that lets the sensitive personal fields be shared without consent (PIPL art. 13, 28–29).',
  })
  statutoryBasis?: boolean | null;
  @Field(() => String, { nullable: true }) reason?: string | null;
}

@InputType()
export class SharingContractFilter {
  @Field(() => ContractStatus, { nullable: true }) status?: string | null;
  @Field(() => String, { nullable: true }) datasetCode?: string | null;
  @Field(() => String, { nullable: true }) consumer?: string | null;
  @Field(() => String, { nullable: true }) provider?: string | null;
}

@InputType()
export class GrantConsentInput {
  @Field(() => ID) subjectId!: string;
  @Field() consumerDepartmentCode!: string;
  @Field() purpose!: string;
  @Field() datasetCode!: string;
  @Field(() => [String], { nullable: true }) fields?: string[] | null;
  @Field(() => GraphQLISODateTime) expiresAt!: Date;
}
