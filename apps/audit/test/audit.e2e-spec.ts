import { randomUUID } from 'node:crypto';
import { waitUntil } from '@shuzhi/testing';
import { AuditPlatformHarness } from './audit-platform-harness.js';

const REGISTER_RESIDENT = 'mutation ($input: RegisterResidentInput!) { registerResident(input: $input) { id } }';
const SUBMIT = 'mutation ($input: SubmitSharingContractInput!) { submitSharingContract(input: $input) { id } }';
const REVIEW = 'mutation ($id: ID!) { completeComplianceReview(id: $id, approved: true) { id status } }';
const APPROVE = 'mutation ($id: ID!) { approveSharingContract(id: $id) { id status version } }';
const GRANT = 'mutation ($input: GrantConsentInput!) { grantConsent(input: $input) { id } }';
const WITHDRAW = 'mutation ($id: ID!) { withdrawConsent(id: $id) { status } }';
const READ = 'query ($id: ID!) { resident(id: $id) { name birthDate idNumber } }';
const BOTH = 'query ($a: ID!, $b: ID!) { first: resident(id: $a) { name birthDate } second: resident(id: $b) { name birthDate } }';

const HISTORY = 'query ($id: String!) { streamHistory(streamId: $id) { globalPosition streamId streamVersion eventId type data metadata recordedAt } }';
const STATE_AT = 'query ($id: String!, $at: DateTime!) { stateAt(streamId: $id, at: $at) }';
const ACCESS_LOG = `query ($filter: AccessLogFilter) { accessLog(filter: $filter) {
  id globalPosition recordedAt outcome code reason clientId department purpose contracts { id version } fields
  maskedFields { field rule } deniedFields subjects { type id } withheldSubjects { type id } decisionId correlationId operationHash snapshotCheckpoint } }`;
const WHO = 'query ($d: String!, $f: String!, $s: ID, $at: DateTime!) { whoCouldRead(datasetCode: $d, field: $f, subjectId: $s, at: $at) { code name } }';
const REPORT = `query ($s: ID!, $from: DateTime, $to: DateTime) { subjectAccessReport(subjectId: $s, from: $from, to: $to) {
  subjectId generatedAt csv entries { at department clientId purpose contracts { id version } fields maskedFields { field rule } withheld outcome
  consents { consentId purpose fields expiresAt } } } }`;
const REPLAY = 'query ($from: DateTime, $to: DateTime) { replayDecisions(from: $from, to: $to) { checked mismatches { globalPosition recordId what recorded replayed } } }';
const HISTORY_PAGE = 'query ($id: String!, $first: Int, $after: String) { streamHistory(streamId: $id, first: $first, after: $after) { streamVersion type cursor } }';
const ACCESS_LOG_PAGE = 'query ($filter: AccessLogFilter, $first: Int, $after: String) { accessLog(filter: $filter, first: $first, after: $after) { id cursor } }';
const REPORT_PAGE = `query ($s: ID!, $to: DateTime, $first: Int, $after: String) { subjectAccessReport(subjectId: $s, to: $to, first: $first, after: $after) {
  csv nextCursor entries { at clientId withheld } } }`;
const REPLAY_PAGE = `query ($to: DateTime, $first: Int, $after: String) { replayDecisions(to: $to, first: $first, after: $after) {
  checked nextCursor mismatches { recordId } } }`;
const PROOF = 'query ($p: String!) { eventInclusionProof(globalPosition: $p) }';

const SUBSIDY = 'SUBSIDY_ELIGIBILITY';
const HOUSING = 'HOUSING_ALLOWANCE';

// GB 11643: weights 2^(17-i) mod 11 of the first 17 digits, the sum mod 11 picks the check character.
const withCheck = (first17: string) => {
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * (2 ** (17 - i) % 11), 0);
  return first17 + '10X98765432'[sum % 11];
};

/**
 * The audit subgraph through the real gateway, over a history made by real commands and real
 * reads: governance's contracts and consents, population's residents, the gateway's access records.
 */
describe('audit: history, time travel, who could and who did read, decision replay', () => {
  let harness: AuditPlatformHarness;
  let auditor: string;
  let hr: { clientId: string; apiKey: string };
  let steward: string;
  let citizenApp: string;
  const residents: string[] = [];
  let contractId: string;
  let consentId: string;
  /** Instants around the history, taken between commands. */
  const times: Record<'beforeContract' | 'afterConsent' | 'afterReads' | 'afterWithdrawal', Date> = {} as never;
  let readCorrelation: string;
  let withheldCorrelation: string;

  const audit = (query: string, variables: object = {}) => harness.ok(auditor, query, variables);
  const codeOf = async (apiKey: string, query: string, variables: object) => (await harness.call(apiKey, query, variables)).errors?.[0]?.extensions.code;
  const read = async (query: string, variables: object, purpose = SUBSIDY) => {
    const correlationId = `audit-${randomUUID()}`;
    const answer = await harness.call(hr.apiKey, query, variables, { 'x-purpose': purpose, 'x-correlation-id': correlationId });
    return { answer, correlationId };
  };
  /** Waits until the audit's read model holds the record of that request. */
  const recorded = async (correlationId: string) => {
    let found: any;
    await waitUntil(
      async () => {
        const { accessLog } = await audit(ACCESS_LOG, { filter: { department: 'human-resources' } });
        found = accessLog.find((r: { correlationId: string }) => r.correlationId === correlationId);
        return found !== undefined;
      },
      { timeoutMs: 20_000, what: `the access record of ${correlationId} in the audit read model` },
    );
    return found;
  };

  beforeAll(async () => {
    harness = await AuditPlatformHarness.start('audit_e2e');
    for (const [code, name] of [['human-resources', '人社局'], ['citizen-app', '浙里办'], ['audit-office', '审计局']]) {
      await harness.ok(harness.adminKey, 'mutation ($code: String!, $name: String!) { registerDepartment(input: { code: $code, name: $name }) { code } }', { code, name });
    }
    for (const code of [SUBSIDY, HOUSING]) {
      await harness.ok(harness.adminKey, 'mutation ($code: String!) { registerPurpose(input: { code: $code, name: $code }) { code } }', { code });
    }
    hr = await harness.issueKey('human-resources', ['CONSUMER']);
    steward = (await harness.issueKey('public-security', ['STEWARD'])).apiKey;
    citizenApp = (await harness.issueKey('citizen-app', ['CITIZEN_CHANNEL'])).apiKey;
    auditor = (await harness.issueKey('audit-office', ['AUDITOR'])).apiKey;
    for (const [name, sequence] of [['张三', '013'], ['欧阳娜娜', '024']]) {
      const idNumber = withCheck(`33010619900307${sequence}`.slice(0, 17));
      const gender = Number(idNumber[16]) % 2 === 1 ? 'MALE' : 'FEMALE';
      const { registerResident } = await harness.ok(steward, REGISTER_RESIDENT, { input: { idNumber, name, gender, birthDate: '1990-03-07' } });
      residents.push(registerResident.id);
    }

    times.beforeContract = new Date(Date.now() - 1);
    const now = Date.now();
    ({ submitSharingContract: { id: contractId } } = await harness.ok(hr.apiKey, SUBMIT, {
      input: {
        datasetCode: 'population.resident',
        // `id`: resident(id:) looks the resident up by it.
        fields: ['id', 'name', 'birthDate', 'idNumber'],
        purpose: SUBSIDY,
        legalBasis: '《社会救助暂行办法》第十一条',
        validFrom: new Date(now - 3_600_000).toISOString(),
        validTo: new Date(now + 365 * 86_400_000).toISOString(),
        masking: [{ field: 'name', rule: 'MASK' }],
        consentRequired: true,
      },
    }));
    await harness.ok(harness.adminKey, REVIEW, { id: contractId });
    await harness.ok(steward, APPROVE, { id: contractId });
    ({ grantConsent: { id: consentId } } = await harness.ok(citizenApp, GRANT, {
      input: {
        subjectId: residents[0],
        consumerDepartmentCode: 'human-resources',
        purpose: SUBSIDY,
        datasetCode: 'population.resident',
        fields: ['name', 'birthDate', 'idNumber'],
        expiresAt: new Date(now + 30 * 86_400_000).toISOString(),
      },
    }));
    times.afterConsent = new Date();

    // The gateway applies the contract and consent as its snapshot catches up; each try is recorded too.
    await waitUntil(async () => (await read(READ, { id: residents[0] })).answer.data?.resident?.name === '张*', {
      timeoutMs: 20_000,
      what: 'the contract and consent to apply at the gateway',
    });
    readCorrelation = (await read(READ, { id: residents[0] })).correlationId;
    withheldCorrelation = (await read(BOTH, { a: residents[0], b: residents[1] })).correlationId;
    // A purpose no contract covers: refused, and recorded as such.
    await read(READ, { id: residents[0] }, HOUSING);
    await recorded(withheldCorrelation);
    times.afterReads = new Date();
  }, 300_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  it('answers auditors only: any other role is FORBIDDEN', async () => {
    for (const query of [ACCESS_LOG, REPLAY]) expect(await codeOf(hr.apiKey, query, {})).toBe('FORBIDDEN');
    expect(await codeOf(steward, HISTORY, { id: `contract-${contractId}` })).toBe('FORBIDDEN');
    expect(await codeOf(citizenApp, REPORT, { s: residents[0] })).toBe('FORBIDDEN');
  });

  it('streamHistory gives every event of a stream with its actor and correlation; an unknown stream is NOT_FOUND', async () => {
    const { streamHistory } = await audit(HISTORY, { id: `contract-${contractId}` });

    expect(streamHistory.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['ContractSubmitted', 'ComplianceReviewPassed', 'ContractApproved', 'ContractActivated']),
    );
    expect(streamHistory.map((e: { streamVersion: number }) => e.streamVersion)).toEqual(streamHistory.map((_: unknown, i: number) => i));
    expect(streamHistory[0]).toMatchObject({
      streamId: `contract-${contractId}`,
      globalPosition: expect.stringMatching(/^\d+$/),
      data: { terms: expect.objectContaining({ contractId, purpose: SUBSIDY }) },
      metadata: { actor: { department: 'human-resources', client: hr.clientId }, correlationId: expect.any(String) },
    });
    expect(await codeOf(auditor, HISTORY, { id: 'contract-no-such-contract' })).toBe('NOT_FOUND');
  });

  it('redacts the key hash of an issued key in history and state, and gives no proof that would show it', async () => {
    const streamId = `client-${hr.clientId}`;
    const [stored] = await harness.store.readStream(streamId, { untilVersion: 0 });
    const keyHash = (stored.data as { keyHash: string }).keyHash;
    expect(keyHash).toMatch(/\S{20,}/);

    const { streamHistory } = await audit(HISTORY, { id: streamId });
    expect(streamHistory).toHaveLength(1);
    expect(streamHistory[0]).toMatchObject({
      type: 'ClientKeyIssued',
      data: { clientId: hr.clientId, departmentCode: 'human-resources', roles: ['CONSUMER'], keyHash: '[redacted]' },
    });
    const { stateAt } = await audit(STATE_AT, { id: streamId, at: new Date().toISOString() });
    expect(stateAt).toMatchObject({ status: 'ACTIVE', clientId: hr.clientId });
    expect(JSON.stringify([streamHistory, stateAt])).not.toContain(keyHash);

    // The audit chain still hashes the stored bytes: the event is sealed, and the chain holds.
    const position = streamHistory[0].globalPosition;
    await waitUntil(
      async () => BigInt((await audit('{ auditChainStatus { sealedThrough } }')).auditChainStatus.sealedThrough ?? '0') >= BigInt(position),
      { timeoutMs: 30_000, what: 'the key issue to be sealed' },
    );
    expect((await audit('{ verifyAuditChain { ok } }')).verifyAuditChain.ok).toBe(true);
    const refused = await harness.call(auditor, PROOF, { p: position });
    expect(refused.data?.eventInclusionProof ?? null).toBeNull();
    expect(refused.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: expect.stringContaining('ClientKeyIssued') });
    expect(JSON.stringify(refused)).not.toContain(keyHash);
  });

  it('streamHistory pages with first and the cursor of the last event, and refuses a page over the maximum', async () => {
    const id = `contract-${contractId}`;
    const whole = (await audit(HISTORY_PAGE, { id })).streamHistory;
    expect(whole.length).toBeGreaterThanOrEqual(4);
    const pages: Array<Array<{ streamVersion: number; cursor: string }>> = [];
    let after: string | null = null;
    for (;;) {
      const page: Array<{ streamVersion: number; cursor: string }> = (await audit(HISTORY_PAGE, { id, first: 2, after })).streamHistory;
      pages.push(page);
      if (page.length < 2) break;
      after = page[page.length - 1].cursor;
    }
    expect(pages.slice(0, -1).every((page) => page.length === 2)).toBe(true);
    expect(pages.flat()).toEqual(whole);
    expect((await audit(HISTORY_PAGE, { id, first: 1000 })).streamHistory).toEqual(whole);

    for (const first of [1001, 0, -1]) {
      const answer = await harness.call(auditor, HISTORY_PAGE, { id, first });
      expect(answer.errors?.[0]).toMatchObject({ extensions: { code: 'VALIDATION_FAILED' }, message: expect.stringMatching(/from 1 to 1000.*cursor as after/) });
    }
    const otherStream = (await audit(HISTORY_PAGE, { id: `client-${hr.clientId}` })).streamHistory[0].cursor;
    expect(await codeOf(auditor, HISTORY_PAGE, { id, after: otherStream })).toBe('VALIDATION_FAILED');
    expect(await codeOf(auditor, HISTORY_PAGE, { id, after: 'page-2' })).toBe('VALIDATION_FAILED');
  });

  it('stateAt folds the stream with its own decider as of a time: null before it existed, refusals for bad input', async () => {
    const streamId = `contract-${contractId}`;
    const { streamHistory } = await audit(HISTORY, { id: streamId });
    const submitted = streamHistory[0].recordedAt;
    const activated = streamHistory.find((e: { type: string }) => e.type === 'ContractActivated').recordedAt;

    expect((await audit(STATE_AT, { id: streamId, at: times.beforeContract.toISOString() })).stateAt).toBeNull();
    expect((await audit(STATE_AT, { id: streamId, at: submitted })).stateAt).toMatchObject({ status: expect.not.stringMatching(/ACTIVE/) });
    expect((await audit(STATE_AT, { id: streamId, at: activated })).stateAt).toMatchObject({ status: 'ACTIVE' });
    expect((await audit(STATE_AT, { id: `resident-${residents[0]}`, at: new Date().toISOString() })).stateAt).toMatchObject({
      status: 'LIVING',
      name: '张三',
    });

    expect(await codeOf(auditor, STATE_AT, { id: 'contract-no-such-contract', at: new Date().toISOString() })).toBe('NOT_FOUND');
    const unknownKind = await harness.call(auditor, STATE_AT, { id: `access-${new Date().toISOString().slice(0, 10)}`, at: new Date().toISOString() });
    expect(unknownKind.errors?.[0].extensions).toMatchObject({ code: 'VALIDATION_FAILED', knownKinds: expect.arrayContaining(['contract-<id>', 'resident-<id>']) });
    expect(await codeOf(auditor, STATE_AT, { id: streamId, at: 'yesterday' })).toBe('VALIDATION_FAILED');
    expect(await codeOf(auditor, STATE_AT, { id: streamId, at: '2026-13-45T99:00:00Z' })).toBe('VALIDATION_FAILED');
  });

  it('accessLog answers who did read, by subject, department, contract, outcome and time', async () => {
    const served = await recorded(readCorrelation);
    expect(served).toMatchObject({
      outcome: 'ALLOW',
      clientId: hr.clientId,
      department: 'human-resources',
      purpose: SUBSIDY,
      contracts: [{ id: contractId, version: expect.any(Number) }],
      fields: expect.arrayContaining(['Resident.name', 'Resident.birthDate', 'Resident.idNumber']),
      maskedFields: [{ field: 'Resident.name', rule: 'MASK' }],
      subjects: [{ type: 'Resident', id: residents[0] }],
      withheldSubjects: [],
      snapshotCheckpoint: expect.stringMatching(/^\d+:\d+$/),
    });
    const withheld = await recorded(withheldCorrelation);
    expect(withheld).toMatchObject({ outcome: 'PARTIAL', withheldSubjects: [{ type: 'Resident', id: residents[1] }] });

    // Public security read the resident back when it registered them: its own data, recorded too.
    const bySubject = (await audit(ACCESS_LOG, { filter: { subjectId: residents[1], department: 'human-resources' } })).accessLog;
    expect(bySubject.map((r: { id: string }) => r.id)).toEqual([withheld.id]);
    const byProvider = (await audit(ACCESS_LOG, { filter: { subjectId: residents[1], department: 'public-security' } })).accessLog;
    expect(byProvider).toEqual([expect.objectContaining({ outcome: 'ALLOW', contracts: [] })]);
    const byContract = (await audit(ACCESS_LOG, { filter: { contractId } })).accessLog;
    expect(byContract.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([served.id, withheld.id]));
    const refused = (await audit(ACCESS_LOG, { filter: { outcome: 'REFUSED', department: 'human-resources' } })).accessLog;
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r: { outcome: string; code: string }) => r.outcome === 'REFUSED' && r.code)).toBe(true);
    const newestFirst = (await audit(ACCESS_LOG, {})).accessLog.map((r: { globalPosition: string }) => BigInt(r.globalPosition));
    expect(newestFirst).toEqual([...newestFirst].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    // Human resources read nobody's data before its contract (its platform reads are recorded too, with no subject).
    expect((await audit(ACCESS_LOG, { filter: { to: times.beforeContract.toISOString(), department: 'human-resources', subjectId: residents[0] } })).accessLog).toEqual([]);
    expect((await audit(ACCESS_LOG, { filter: { subjectId: 'nobody-at-all' } })).accessLog).toEqual([]);
    expect((await audit(ACCESS_LOG, { filter: { limit: 1 } })).accessLog).toHaveLength(1);
    expect(await codeOf(auditor, ACCESS_LOG, { filter: { limit: 5001 } })).toBe('VALIDATION_FAILED');
    expect(await codeOf(auditor, ACCESS_LOG, { filter: { from: 'not a date' } })).toBe('VALIDATION_FAILED');
  });

  it('accessLog pages newest first after the cursor of the last record; limit still works; oversized pages are refused', async () => {
    const filter = { department: 'human-resources', to: times.afterReads.toISOString() };
    const whole = (await audit(ACCESS_LOG_PAGE, { filter })).accessLog;
    expect(whole.length).toBeGreaterThanOrEqual(3);
    const walked: Array<{ id: string; cursor: string }> = [];
    let after: string | null = null;
    for (;;) {
      const page: Array<{ id: string; cursor: string }> = (await audit(ACCESS_LOG_PAGE, { filter, first: 1, after })).accessLog;
      expect(page.length).toBeLessThanOrEqual(1);
      if (page.length === 0) break;
      walked.push(...page);
      after = page[0].cursor;
    }
    expect(walked).toEqual(whole);
    // The console's charts ask for the old maximum under the old name.
    expect((await audit(ACCESS_LOG_PAGE, { filter: { ...filter, limit: 5000 } })).accessLog).toEqual(whole);
    expect((await audit(ACCESS_LOG_PAGE, { filter, first: 5000 })).accessLog).toEqual(whole);

    expect(await codeOf(auditor, ACCESS_LOG_PAGE, { filter, first: 5001 })).toBe('VALIDATION_FAILED');
    expect(await codeOf(auditor, ACCESS_LOG_PAGE, { filter: { ...filter, limit: 10 }, first: 10 })).toBe('VALIDATION_FAILED');
    expect(await codeOf(auditor, ACCESS_LOG_PAGE, { filter, after: 'not-a-cursor' })).toBe('VALIDATION_FAILED');
    const noSuchRecord = Buffer.from(JSON.stringify(['accessLog', randomUUID()])).toString('base64url');
    expect(await codeOf(auditor, ACCESS_LOG_PAGE, { filter, after: noSuchRecord })).toBe('VALIDATION_FAILED');
  });

  it('whoCouldRead answers from contract and consent history as it stood at the time', async () => {
    const who = async (subjectId: string | null, at: Date, field = 'name') =>
      (await audit(WHO, { d: 'population.resident', f: field, s: subjectId, at: at.toISOString() })).whoCouldRead.map((d: { code: string }) => d.code);

    // Before the contract only the provider read its own register.
    expect(await who(residents[0], times.beforeContract)).toEqual(['public-security']);
    expect(await who(residents[0], times.afterConsent)).toEqual(['human-resources', 'public-security']);
    // The contract needs consent, and the second resident never gave it.
    expect(await who(residents[1], times.afterConsent)).toEqual(['public-security']);
    expect(await who(null, times.afterConsent)).toEqual(['human-resources', 'public-security']);
    // A field the contract does not grant.
    expect(await who(residents[0], times.afterConsent, 'gender')).toEqual(['public-security']);
    const names = (await audit(WHO, { d: 'population.resident', f: 'name', s: residents[0], at: times.afterConsent.toISOString() })).whoCouldRead;
    expect(names).toContainEqual({ code: 'human-resources', name: '人社局' });

    // Before anything existed: no dataset, so nobody.
    expect(await who(residents[0], new Date('2000-01-01T00:00:00Z'))).toEqual([]);
    expect(await codeOf(auditor, WHO, { d: 'population.resident', f: 'no_such_field', s: null, at: new Date().toISOString() })).toBe('VALIDATION_FAILED');
    expect(await codeOf(auditor, WHO, { d: 'population.resident', f: 'name', s: null, at: '2026-02-30' })).toBe('VALIDATION_FAILED');
  });

  it('subjectAccessReport lists every read of a subject with the consents in force, as JSON and CSV', async () => {
    const { subjectAccessReport: report } = await audit(REPORT, { s: residents[0] });

    expect(report.subjectId).toBe(residents[0]);
    // The reads tried while the gateway's snapshot caught up with the consent were withheld; the
    // first entry is public security reading back the resident it registered (its own data).
    expect(report.entries[0]).toMatchObject({ department: 'public-security', contracts: [], withheld: false });
    type Entry = { withheld: boolean; department: string; outcome: string };
    const served = report.entries.filter((e: Entry) => !e.withheld && e.department === 'human-resources' && e.outcome !== 'REFUSED');
    expect(served.length).toBeGreaterThanOrEqual(2);
    for (const withheld of report.entries.filter((e: { withheld: boolean }) => e.withheld)) expect(withheld.consents).toEqual([]);
    expect(served[0]).toMatchObject({
      department: 'human-resources',
      clientId: hr.clientId,
      purpose: SUBSIDY,
      contracts: [{ id: contractId }],
      fields: expect.arrayContaining(['Resident.name', 'Resident.birthDate']),
      maskedFields: [{ field: 'Resident.name', rule: 'MASK' }],
      consents: [{ consentId, purpose: SUBSIDY, fields: ['name', 'birthDate', 'idNumber'], expiresAt: expect.any(String) }],
    });
    const lines = report.csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('at,department,client_id,purpose,contracts,fields,masked_fields,withheld,consents_in_force,outcome');
    expect(lines).toHaveLength(report.entries.length + 1);
    const firstServed = report.entries.findIndex((e: Entry) => !e.withheld && e.department === 'human-resources' && e.outcome !== 'REFUSED');
    expect(lines[firstServed + 1]).toMatch(
      new RegExp(`,${SUBSIDY},${contractId}@\\d+,Resident.name Resident.birthDate Resident.idNumber,Resident.name:MASK,false,${consentId} \\(${SUBSIDY}; name birthDate idNumber; until [^)]+\\),ALLOW$`),
    );

    const other = (await audit(REPORT, { s: residents[1] })).subjectAccessReport;
    // Earlier tests asked about this subject as the audit office: those askings are on its report.
    expect(other.entries.filter((e: Entry) => e.department === 'audit-office').length).toBeGreaterThanOrEqual(1);
    expect(other.entries.filter((e: Entry) => e.department !== 'audit-office')).toEqual([
      expect.objectContaining({ department: 'public-security', withheld: false }),
      expect.objectContaining({ department: 'human-resources', withheld: true, consents: [], fields: ['Resident.name', 'Resident.birthDate'] }),
    ]);

    const nobody = (await audit(REPORT, { s: 'no-such-subject' })).subjectAccessReport;
    expect(nobody.entries).toEqual([]);
    expect(nobody.csv).toBe('at,department,client_id,purpose,contracts,fields,masked_fields,withheld,consents_in_force,outcome\r\n');
    expect(await codeOf(auditor, REPORT, { s: residents[0], from: '27/11/2026' })).toBe('VALIDATION_FAILED');

    // The CLI reads the same records; since the report above, the audit office's own readings of
    // this subject were recorded and are on it too: a citizen sees who looked, auditors included.
    const cli = await harness.runCli(['subject-report', residents[0], '--format', 'csv']);
    expect(cli.code).toBe(0);
    expect(cli.stdout.startsWith(report.csv)).toBe(true);
    const since = cli.stdout.slice(report.csv.length).trimEnd().split('\r\n');
    expect(since.length).toBeGreaterThanOrEqual(2);
    for (const line of since) expect(line).toMatch(/^[^,]+,audit-office,[^,]+,,/);
    const json = await harness.runCli(['subject-report', residents[0]]);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout);
    expect(parsed.subjectId).toBe(residents[0]);
    expect(parsed.entries.slice(0, report.entries.length)).toMatchObject(report.entries);
  }, 300_000);

  it('subjectAccessReport pages with first and nextCursor, each page a CSV with its header, and refuses a page over the maximum', async () => {
    const to = times.afterReads.toISOString();
    const whole = (await audit(REPORT_PAGE, { s: residents[0], to })).subjectAccessReport;
    expect(whole.entries.length).toBeGreaterThanOrEqual(3);
    expect(whole.nextCursor).toBeNull();
    const header = 'at,department,client_id,purpose,contracts,fields,masked_fields,withheld,consents_in_force,outcome';
    const entries: unknown[] = [];
    const rows: string[] = [];
    let after: string | null = null;
    do {
      const page: { csv: string; nextCursor: string | null; entries: unknown[] } = (await audit(REPORT_PAGE, { s: residents[0], to, first: 2, after }))
        .subjectAccessReport;
      expect(page.entries.length).toBeLessThanOrEqual(2);
      const [first, ...lines] = page.csv.trimEnd().split('\r\n');
      expect(first).toBe(header);
      expect(lines).toHaveLength(page.entries.length);
      entries.push(...page.entries);
      rows.push(...lines);
      after = page.nextCursor;
    } while (after !== null);
    expect(entries).toEqual(whole.entries);
    expect(rows).toEqual(whole.csv.trimEnd().split('\r\n').slice(1));

    expect(await codeOf(auditor, REPORT_PAGE, { s: residents[0], first: 1001 })).toBe('VALIDATION_FAILED');
    const firstPage = (await audit(REPORT_PAGE, { s: residents[0], first: 1 })).subjectAccessReport;
    expect(await codeOf(auditor, REPORT_PAGE, { s: residents[1], after: firstPage.nextCursor })).toBe('VALIDATION_FAILED');
    expect(await codeOf(auditor, REPORT_PAGE, { s: residents[0], after: 'x' })).toBe('VALIDATION_FAILED');
  });

  it('a withdrawn consent changes who could read from then on, and not before', async () => {
    await harness.ok(citizenApp, WITHDRAW, { id: consentId });
    times.afterWithdrawal = new Date(Date.now() + 1);
    const who = async (at: Date) =>
      (await audit(WHO, { d: 'population.resident', f: 'name', s: residents[0], at: at.toISOString() })).whoCouldRead.map((d: { code: string }) => d.code);

    expect(await who(times.afterConsent)).toEqual(['human-resources', 'public-security']);
    expect(await who(times.afterWithdrawal)).toEqual(['public-security']);
  });

  it('serves the audit chain: the sealer runs with the service, the chain verifies, a sealed event has a proof', async () => {
    const STATUS = '{ auditChainStatus { seals sealedThrough lastSealedAt unsealedEvents } }';
    await waitUntil(async () => (await audit(STATUS)).auditChainStatus.seals > 0, { timeoutMs: 30_000, what: 'a first seal' });
    const { auditChainStatus: status } = await audit(STATUS);

    const { verifyAuditChain } = await audit('{ verifyAuditChain { ok checkedEvents seals sealedThrough firstBadPosition reason unsealedEvents } }');
    expect(verifyAuditChain).toMatchObject({ ok: true, firstBadPosition: null });
    expect(verifyAuditChain.checkedEvents).toBeGreaterThan(0);
    const { eventInclusionProof } = await audit('query ($p: String!) { eventInclusionProof(globalPosition: $p) }', { p: status.sealedThrough });
    expect(eventInclusionProof).toMatchObject({ globalPosition: status.sealedThrough, path: expect.any(Array) });
    expect(await codeOf(auditor, 'query ($p: String!) { eventInclusionProof(globalPosition: $p) }', { p: '999999999' })).toBe('NOT_FOUND');
    expect(await codeOf(hr.apiKey, '{ verifyAuditChain { ok } }', {})).toBe('FORBIDDEN');
  });

  it('replays every recorded decision without a mismatch, and reports a record edited in the database', async () => {
    // Every audit read is recorded too, so the log grows as this test asks: it counts up to a fixed instant.
    const until = new Date().toISOString();
    const clean = (await audit(REPLAY_PAGE, { to: until, first: 1000 })).replayDecisions;
    expect(clean.nextCursor).toBeNull();
    expect(clean.checked).toBeGreaterThanOrEqual(4);
    expect(clean.mismatches).toEqual([]);
    expect((await audit(REPLAY, { from: new Date(Date.now() + 86_400_000).toISOString() })).replayDecisions).toEqual({ checked: 0, mismatches: [] });

    // A page of records at a time: the pages together decide every record of the range once.
    const to = times.afterReads.toISOString();
    const whole = (await audit(REPLAY_PAGE, { to })).replayDecisions;
    expect(whole).toMatchObject({ mismatches: [], nextCursor: null });
    let checked = 0;
    let pages = 0;
    let after: string | null = null;
    do {
      const page: { checked: number; nextCursor: string | null } = (await audit(REPLAY_PAGE, { to, first: 1, after })).replayDecisions;
      expect(page.checked).toBeLessThanOrEqual(1);
      checked += page.checked;
      pages += 1;
      after = page.nextCursor;
    } while (after !== null);
    expect(checked).toBe(whole.checked);
    expect(pages).toBeGreaterThanOrEqual(whole.checked);
    expect(await codeOf(auditor, REPLAY_PAGE, { to, first: 1001 })).toBe('VALIDATION_FAILED');
    expect(await codeOf(auditor, REPLAY_PAGE, { to, after: 'resume-here' })).toBe('VALIDATION_FAILED');
    const notACheckpoint = Buffer.from(JSON.stringify(['replayDecisions', 'yesterday'])).toString('base64url');
    expect(await codeOf(auditor, REPLAY_PAGE, { to, after: notACheckpoint })).toBe('VALIDATION_FAILED');

    const served = await recorded(readCorrelation);
    // Sealed first, so that the chain names the edit too.
    await waitUntil(
      async () => BigInt((await audit('{ auditChainStatus { sealedThrough } }')).auditChainStatus.sealedThrough ?? '0') >= BigInt(served.globalPosition),
      { timeoutMs: 30_000, what: 'the record to be sealed' },
    );
    // The planted mismatch: the record now says the read rested on no contract.
    await harness.store.pool.query(
      `update event_store.events set data = data || '{"contracts": []}'::jsonb where event_id = $1`,
      [served.id],
    );
    const tampered = (await audit(REPLAY)).replayDecisions;
    expect(tampered.mismatches).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ recordId: served.id, globalPosition: served.globalPosition, what: 'contracts', recorded: [] }),
      ]),
    );
    expect(tampered.mismatches.every((m: { recordId: string }) => m.recordId === served.id)).toBe(true);

    const cli = await harness.runCli(['replay-decisions', '--to', until]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`MISMATCH at position ${served.globalPosition} (record ${served.id}): contracts`);
    expect(cli.stdout).toContain(`${clean.checked} decisions replayed, 1 mismatches`);
    const verify = await harness.runCli(['verify']);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain(`MISMATCH at position ${served.globalPosition}`);
  }, 300_000);

  it('rebuild-check rebuilds every read model from position 0 and finds the one the edited record no longer matches', async () => {
    const cli = await harness.runCli(['rebuild-check']);
    const lines = cli.stdout.trimEnd().split('\n');
    const verdicts = Object.fromEntries(
      lines.filter((l) => / \(.+\): /.test(l)).map((l) => [l.slice(10, l.indexOf(' (')), l.slice(0, 9).trim()]),
    );

    // The access record was edited in the log after the audit had projected it: its rebuild differs.
    expect(verdicts['audit.access_records']).toBe('DIFFERENT');
    // Enterprise and subsidy do not run on this platform, so their read models were never made.
    for (const [table, verdict] of Object.entries(verdicts)) {
      if (table === 'audit.access_records') continue;
      expect([table, verdict]).toEqual([table, /^(enterprise|subsidy)\./.test(table) ? 'MISSING' : 'same']);
    }
    expect(Object.keys(verdicts)).toEqual(
      expect.arrayContaining(['governance.sharing_contracts', 'governance.consents', 'population.residents', 'gateway.policy_entries', 'gateway.clients']),
    );
    expect(cli.code).toBe(1);
    // No scratch schema is left behind.
    const { rows } = await harness.store.pool.query(`select nspname from pg_namespace where nspname like 'rebuild\\_%'`);
    expect(rows).toEqual([]);
  }, 600_000);
});
