import { DataSource } from 'typeorm';
import { ProjectionRunner, buildShadow } from '@shuzhi/event-store';
import { PolicyEntry, loadGrantingEntries, policySnapshotProjection, type PolicyEntryBody } from '@shuzhi/policy';
import { waitUntil } from '@shuzhi/testing';
import { GovernanceHarness, type Actor } from './governance-harness.js';
import { registerResident } from './register-subjects.js';

const bureau: Actor = { clientId: 'bureau', department: 'data-bureau', roles: ['PLATFORM'] };
const steward: Actor = { clientId: 'ps', department: 'public-security', roles: ['STEWARD'] };
const consumer: Actor = { clientId: 'hr', department: 'human-resources', roles: ['CONSUMER'] };
const channel: Actor = { clientId: 'app', department: 'citizen-app', roles: ['CITIZEN_CHANNEL'] };

/**
 * The policy snapshot projection, from which each gateway loads its policy before folding the
 * log on: projected from governance's events produced by the real commands, equal to a replay
 * from position 0, and read back with only the rows that can grant anything.
 */
describe('policy snapshot', () => {
  let gov: GovernanceHarness;
  let policyData: DataSource;
  let runner: ProjectionRunner<PolicyEntry>;

  beforeAll(async () => {
    gov = await GovernanceHarness.start('policy_snapshot');
    policyData = await new DataSource({ type: 'postgres', url: gov.database.url, schema: 'policy', entities: [PolicyEntry] }).initialize();
    runner = new ProjectionRunner(gov.store, policyData, policySnapshotProjection);
    runner.start();
    await waitUntil(async () => (await policyData.query(`select to_regclass('policy.policy_entries') as t`))[0].t !== null);
  });
  afterAll(async () => {
    await runner?.stop();
    await policyData?.destroy();
    await gov?.stop();
  });

  const bodyOf = async <Kind extends PolicyEntryBody['kind']>(kind: Kind, id: string) =>
    (await policyData.getRepository(PolicyEntry).findOneBy({ key: `${kind}:${id}` }))?.body as Extract<PolicyEntryBody, { kind: Kind }> | undefined;
  const contract = async (id: string) => (await bodyOf('contract', id))?.grant;

  it('follows contracts, consents and bindings as they change, and equals a replay from 0', async () => {
    for (const code of ['public-security', 'human-resources', 'citizen-app']) {
      await gov.ok(bureau, `mutation ($code: String!) { registerDepartment(input: { code: $code, name: $code }) { code } }`, { code });
    }
    await gov.ok(bureau, `mutation { registerPurpose(input: { code: "SUBSIDY_ELIGIBILITY", name: "补贴" }) { code } }`);
    await gov.ok(
      bureau,
      `mutation { registerSubgraph(input: { name: "population", departmentCode: "public-security",
        sdl: "type Query { resident(id: ID!): Resident } type Resident { id: ID! name: String birthDate: String }" }) { name } }`,
    );
    await gov.ok(
      steward,
      `mutation { publishDataset(input: { code: "population.resident", name: "人口", sharingType: CONDITIONAL, graphqlType: "Resident",
        fields: [{ name: "name", classification: PERSONAL }, { name: "birthDate", classification: PERSONAL }],
        schema: { type: "object", additionalProperties: false, properties: { name: { type: "string" }, birthDate: { type: "string" } } } }) { code } }`,
    );
    const { submitSharingContract: c } = await gov.ok(
      consumer,
      `mutation { submitSharingContract(input: { datasetCode: "population.resident", fields: ["birthDate"], purpose: "SUBSIDY_ELIGIBILITY",
        legalBasis: "law", validFrom: "2026-12-01T00:00:00Z", validTo: "2027-12-01T00:00:00Z", consentRequired: true,
        masking: [{ field: "birthDate", rule: MASK }] }) { id } }`,
    );
    await gov.ok(bureau, `mutation ($id: ID!) { completeComplianceReview(id: $id, approved: true) { id } }`, { id: c.id });
    await gov.ok(steward, `mutation ($id: ID!) { approveSharingContract(id: $id) { id } }`, { id: c.id });

    await waitUntil(async () => (await contract(c.id))?.status === 'ACTIVE', { what: 'the projection seeing the contract active' });
    expect(await contract(c.id)).toMatchObject({
      consumerDepartment: 'human-resources',
      fields: ['birthDate'],
      consentRequired: true,
      masking: [{ field: 'birthDate', rule: 'MASK' }],
      version: 5,
    });
    expect((await bodyOf('dataset', 'population.resident'))?.binding).toMatchObject({
      graphqlType: 'Resident',
      fields: expect.arrayContaining([{ name: 'name', classification: 'PERSONAL' }]),
    });

    await gov.ok(steward, `mutation ($id: ID!) { suspendSharingContract(id: $id, reason: "audit") { id } }`, { id: c.id });
    await waitUntil(async () => (await contract(c.id))?.status === 'SUSPENDED', { what: 'the projection seeing the suspension' });

    const grant = async (subjectId: string) =>
      (
        await gov.ok(
          channel,
          `mutation ($subjectId: ID!) { grantConsent(input: { subjectId: $subjectId, consumerDepartmentCode: "human-resources",
            purpose: "SUBSIDY_ELIGIBILITY", datasetCode: "population.resident", expiresAt: "2027-01-01T00:00:00Z" }) { id } }`,
          { subjectId },
        )
      ).grantConsent.id as string;
    for (const resident of ['s-1', 's-2']) await registerResident(gov.store, resident);
    const withdrawn = await grant('s-1');
    const kept = await grant('s-2');
    await gov.ok(channel, `mutation ($id: ID!) { withdrawConsent(id: $id) { id } }`, { id: withdrawn });
    await waitUntil(async () => (await bodyOf('consent', withdrawn))?.grant.status === 'WITHDRAWN', { what: 'the withdrawal' });
    // What a gateway loads: every contract (suspended too: it may be resumed), dataset, subgraph and
    // purpose, and the ACTIVE consents.
    expect((await loadGrantingEntries(policyData.manager)).map((row) => row.key).sort()).toEqual(
      [`consent:${kept}`, `contract:${c.id}`, 'dataset:population.resident', 'subgraph:population', 'purpose:SUBSIDY_ELIGIBILITY'].sort(),
    );

    const checksum = async (schema: string) =>
      (await policyData.query(`select md5(string_agg(t::text, '|' order by key)) as sum, count(*)::int as n from "${schema}".policy_entries t`))[0];
    const shadow = await buildShadow(gov.store, policyData, policySnapshotProjection);
    try {
      const live = await checksum('policy');
      expect(live.n).toBe(6);
      expect(await checksum(shadow.schema)).toEqual(live);
    } finally {
      await shadow.drop();
    }
  });

  it('carries a contract\'s division scope, and a 回流 grant as an ACTIVE contract, to what the gateway loads', async () => {
    const register = `mutation ($code: String!, $divisionCode: String) { registerDepartment(input: { code: $code, name: $code, divisionCode: $divisionCode }) { code } }`;
    await gov.ok(bureau, register, { code: 'xihu-district', divisionCode: '330106' });
    await gov.ok(bureau, register, { code: 'wenxin-street', divisionCode: '330106001' });
    await gov.ok(
      bureau,
      `mutation { registerSubgraph(input: { name: "population", departmentCode: "public-security",
        sdl: "type Query { resident(id: ID!): Resident } type Resident { id: ID! name: String birthDate: String divisionCode: String }" }) { name } }`,
    );
    await gov.ok(
      steward,
      `mutation { publishDataset(input: { code: "population.resident-area", name: "人口及所在社区", sharingType: CONDITIONAL, graphqlType: "Resident",
        fields: [{ name: "name", classification: PERSONAL }, { name: "divisionCode", classification: PERSONAL }],
        schema: { type: "object", additionalProperties: false, properties: { name: { type: "string" }, divisionCode: { type: "string" } } } }) { code } }`,
    );
    const { grantReturnFlowContract: granted } = await gov.ok(
      bureau,
      `mutation { grantReturnFlowContract(input: { departmentCode: "wenxin-street", datasetCode: "population.resident-area", fields: ["name", "divisionCode"],
        purpose: "SUBSIDY_ELIGIBILITY", legalBasis: "回流", validTo: "2030-01-01T00:00:00Z" }) { id } }`,
    );
    const district: Actor = { clientId: 'xihu', department: 'xihu-district', roles: ['CONSUMER'] };
    const { submitSharingContract: requested } = await gov.ok(
      district,
      `mutation { submitSharingContract(input: { datasetCode: "population.resident-area", fields: ["name"], purpose: "SUBSIDY_ELIGIBILITY",
        legalBasis: "law", validFrom: "2026-12-01T00:00:00Z", validTo: "2027-12-01T00:00:00Z" }) { id } }`,
    );

    await waitUntil(async () => (await contract(requested.id)) !== undefined, { what: 'the projection seeing the scoped request' });
    expect(await contract(granted.id)).toMatchObject({
      status: 'ACTIVE',
      version: 0,
      consumerDepartment: 'wenxin-street',
      providerDepartment: 'public-security',
      divisionScope: '330106001',
      statutoryBasis: false,
    });
    expect(await contract(requested.id)).toMatchObject({ status: 'COMPLIANCE_REVIEW', consumerDepartment: 'xihu-district', divisionScope: '330106' });
    expect((await loadGrantingEntries(policyData.manager)).map((row) => row.key)).toEqual(expect.arrayContaining([`contract:${granted.id}`]));

    const shadow = await buildShadow(gov.store, policyData, policySnapshotProjection);
    try {
      const replayed = await policyData.query(`select body from "${shadow.schema}".policy_entries where key = $1`, [`contract:${granted.id}`]);
      expect(replayed[0].body.grant).toEqual(await contract(granted.id));
    } finally {
      await shadow.drop();
    }
  });
});
