/** The console's GraphQL operations: only the public API of shared/API.md and the audit contract. */
const CONTRACT = `id status version datasetCode consumer { code name } provider { code name } fields purpose legalBasis scenario
  validFrom validTo dailyQuota masking { field rule } consentRequired reviewStage reviewDeadline reviewOverdue`;
const HISTORY = 'history { version type status at by { clientId department role } reason stage }';

export const WHO_AM_I = '{ whoAmI { clientId department roles } }';
export const DEPARTMENTS = '{ departments { code name } }';
export const PURPOSES = '{ purposes { code name description } }';
export const DATASETS = `{ datasets { code name summary provider { code name } sharingType updateCycle graphqlType compatibility
  fields { name classification } schema schemaVersions { version registeredAt fields { name classification } } } }`;

export const CONTRACTS = `query ($filter: SharingContractFilter) { sharingContracts(filter: $filter) { ${CONTRACT} } }`;
export const CONTRACTS_WITH_HISTORY = `query ($filter: SharingContractFilter) { sharingContracts(filter: $filter) { ${CONTRACT} ${HISTORY} } }`;
export const CONTRACT_DETAIL = `query ($id: ID!) { sharingContract(id: $id) { ${CONTRACT} ${HISTORY} } }`;
export const OVERDUE_REVIEWS = `{ overdueReviews { ${CONTRACT} } }`;
export const SUBMIT_CONTRACT = `mutation ($input: SubmitSharingContractInput!) { submitSharingContract(input: $input) { ${CONTRACT} } }`;
export const COMPLETE_COMPLIANCE_REVIEW = `mutation ($id: ID!, $approved: Boolean!, $reason: String, $statutoryBasis: Boolean) {
  completeComplianceReview(id: $id, approved: $approved, reason: $reason, statutoryBasis: $statutoryBasis) { id status } }`;
export const APPROVE_CONTRACT = 'mutation ($id: ID!, $reason: String) { approveSharingContract(id: $id, reason: $reason) { id status } }';
export const REJECT_CONTRACT = 'mutation ($id: ID!, $reason: String!) { rejectSharingContract(id: $id, reason: $reason) { id status } }';
export const SUSPEND_CONTRACT = 'mutation ($id: ID!, $reason: String!) { suspendSharingContract(id: $id, reason: $reason) { id status } }';
export const RESUME_CONTRACT = 'mutation ($id: ID!, $reason: String) { resumeSharingContract(id: $id, reason: $reason) { id status } }';
export const REVOKE_CONTRACT = 'mutation ($id: ID!, $reason: String!) { revokeSharingContract(id: $id, reason: $reason) { id status } }';
export const REGISTER_SCHEMA_VERSION = `mutation ($input: RegisterSchemaVersionInput!) {
  registerSchemaVersion(input: $input) { code schemaVersions { version registeredAt } } }`;
export const CHECK_SCHEMA_VERSION = `query ($input: RegisterSchemaVersionInput!) {
  checkSchemaVersion(input: $input) { accepted version code reason contractIds consentIds fields } }`;

export const CLIENTS = 'query ($departmentCode: String) { clients(departmentCode: $departmentCode) { clientId departmentCode name roles status issuedAt } }';
export const ISSUE_CLIENT_KEY = 'mutation ($input: IssueClientKeyInput!) { issueClientKey(input: $input) { clientId apiKey } }';
export const REVOKE_CLIENT_KEY = 'mutation ($clientId: ID!, $reason: String) { revokeClientKey(clientId: $clientId, reason: $reason) }';
export const REGISTER_DEPARTMENT = 'mutation ($input: RegisterDepartmentInput!) { registerDepartment(input: $input) { code name } }';

const ACCESS_RECORD = `id globalPosition recordedAt outcome code reason clientId department purpose contracts { id version } fields
  maskedFields { field rule } deniedFields subjects { type id } withheldSubjects { type id }`;
export const ACCESS_LOG = `query ($filter: AccessLogFilter) { accessLog(filter: $filter) { ${ACCESS_RECORD} } }`;
export const SUBJECT_ACCESS_REPORT = `query ($subjectId: ID!, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
  subjectAccessReport(subjectId: $subjectId, from: $from, to: $to, first: $first, after: $after) { subjectId generatedAt csv nextCursor
    entries { at department clientId purpose contracts { id version } fields maskedFields { field rule } withheld } } }`;
export const WHO_COULD_READ = `query ($datasetCode: String!, $field: String!, $subjectId: ID, $at: DateTime!) {
  whoCouldRead(datasetCode: $datasetCode, field: $field, subjectId: $subjectId, at: $at) { code name } }`;
export const AUDIT_CHAIN_STATUS = '{ auditChainStatus { seals sealedThrough lastSealedAt unsealedEvents } }';
export const VERIFY_AUDIT_CHAIN = '{ verifyAuditChain { ok checkedEvents seals sealedThrough firstBadPosition reason unsealedEvents } }';
