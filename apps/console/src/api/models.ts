/** The shapes of shared/API.md the console reads, as the queries in operations.ts select them. */
export type Role = 'CONSUMER' | 'STEWARD' | 'PLATFORM' | 'AUDITOR' | 'CITIZEN_CHANNEL';
export const ROLES: readonly Role[] = ['CONSUMER', 'STEWARD', 'PLATFORM', 'AUDITOR', 'CITIZEN_CHANNEL'];
export type Classification = 'PUBLIC' | 'INTERNAL' | 'SENSITIVE' | 'PERSONAL' | 'SENSITIVE_PERSONAL';
export const MASK_RULES = ['NONE', 'MASK', 'HASH', 'REDACT'] as const;
export type MaskRule = (typeof MASK_RULES)[number];
export const CONTRACT_STATUSES = [
  'SUBMITTED', 'COMPLIANCE_REVIEW', 'PROVIDER_REVIEW', 'ACTIVE', 'REJECTED', 'SUSPENDED', 'REVOKED', 'EXPIRED',
] as const;
export type ContractStatus = (typeof CONTRACT_STATUSES)[number];

export interface Department {
  code: string;
  name: string;
}
export interface Purpose {
  code: string;
  name: string;
  description: string | null;
}
export interface DatasetField {
  name: string;
  classification: Classification;
}
export interface SchemaVersion {
  version: number;
  registeredAt: string;
  fields: DatasetField[];
  schema: unknown;
}
/** What registerSchemaVersion would answer now: governance's dry run, nothing registered. */
export interface SchemaVersionCheck {
  accepted: boolean;
  version: number | null;
  code: string | null;
  reason: string | null;
  contractIds: string[];
  consentIds: string[];
  fields: string[];
}
export interface Dataset {
  code: string;
  name: string;
  summary: string | null;
  provider: Department;
  sharingType: 'UNCONDITIONAL' | 'CONDITIONAL' | 'NOT_SHARED';
  updateCycle: string | null;
  graphqlType: string;
  compatibility: string;
  fields: DatasetField[];
  schema: unknown;
  schemaVersions: SchemaVersion[];
}
export interface ContractHistoryEntry {
  version: number;
  type: string;
  /** The contract's status once this event happened (the server applies the lifecycle's one rule). */
  status: ContractStatus;
  at: string;
  by: { clientId: string; department: string; role: string } | null;
  reason: string | null;
  stage: string | null;
}
export interface SharingContract {
  id: string;
  status: ContractStatus;
  version: number;
  datasetCode: string;
  consumer: Department;
  provider: Department;
  fields: string[];
  purpose: string;
  legalBasis: string;
  scenario: string | null;
  validFrom: string;
  validTo: string;
  dailyQuota: number | null;
  masking: Array<{ field: string; rule: MaskRule }>;
  consentRequired: boolean;
  reviewStage: string | null;
  reviewDeadline: string | null;
  reviewOverdue: boolean;
  history?: ContractHistoryEntry[];
}
export interface Client {
  clientId: string;
  departmentCode: string;
  name: string;
  roles: Role[];
  status: string;
  issuedAt: string;
}

// The audit subgraph (/work/audit-contract.md).
export type AccessOutcome = 'ALLOW' | 'PARTIAL' | 'REFUSED';
export interface ContractRef {
  id: string;
  version: number;
}
export interface SubjectRef {
  type: string;
  id: string;
}
export interface AccessRecord {
  id: string;
  globalPosition: string;
  recordedAt: string;
  outcome: AccessOutcome;
  code: string | null;
  reason: string | null;
  clientId: string;
  department: string;
  purpose: string | null;
  contracts: ContractRef[];
  fields: string[];
  maskedFields: Array<{ field: string; rule: string }>;
  deniedFields: string[];
  subjects: SubjectRef[];
  withheldSubjects: SubjectRef[];
}
export interface SubjectAccessEntry {
  at: string;
  department: string;
  clientId: string;
  purpose: string | null;
  contracts: ContractRef[];
  fields: string[];
  maskedFields: Array<{ field: string; rule: string }>;
  withheld: boolean;
}
export interface SubjectAccessReport {
  subjectId: string;
  generatedAt: string;
  entries: SubjectAccessEntry[];
  csv: string;
  /** The next page's `after`; null on the last page. */
  nextCursor: string | null;
}
export interface AuditChainStatus {
  seals: number;
  sealedThrough: string | null;
  lastSealedAt: string | null;
  unsealedEvents: number;
}
export interface AuditVerification {
  ok: boolean;
  checkedEvents: number;
  seals: number;
  sealedThrough: string | null;
  firstBadPosition: string | null;
  reason: string | null;
  unsealedEvents: number;
}
