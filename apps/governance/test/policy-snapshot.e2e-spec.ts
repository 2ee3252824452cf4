import { DataSource } from 'typeorm';
import { ProjectionRunner, buildShadow } from '@shuzhi/event-store';
import { PolicyEntry, loadPolicySnapshot, policySnapshotProjection, type PolicySnapshot } from '@shuzhi/policy';
import { waitUntil } from '@shuzhi/testing';
import { GovernanceHarness, type Actor } from './governance-harness.js';

const bureau: Actor = { clientId: 'bureau', department: 'data-bureau', roles: ['PLATFORM'] };
const steward: Actor = { clientId: 'ps', department: 'public-security', roles: ['STEWARD'] };
const consumer: Actor = { clientId: 'hr', department: 'human-resources', roles: ['CONSUMER'] };
const channel: Actor = { clientId: 'app', department: 'citizen-app', roles: ['CITIZEN_CHANNEL'] };

/**
 * The policy snapshot as the gateway and the audit service hold it: projected from
 * governance's events produced by the real commands, and equal to a replay from position 0.
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

  const current = () => loadPolicySnapshot(policyData.manager);
  const contractIn = (snapshot: PolicySnapshot, id: string) => snapshot.contracts.find((c) => c.id === id);

  it('follows contracts, consents and bindings as they change, and equals a replay from 0', async () => {
    for (const code of ['public-security', 'human-resources', 'citizen-app']) {
      await gov.ok(bureau, `mutation ($code: String!) { registerDepartment(input: { code: $code, name: $code }) { code } }`, { code });
    }
    await gov.ok(bureau, `mutation { registerPurpose(input: { code: "SUBSIDY_ELIGIBILITY", name: "补贴" }) { code } }`);
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

    await waitUntil(async () => contractIn(await current(), c.id)?.status === 'ACTIVE', { what: 'the projection seeing the contract active' });
    expect(contractIn(await current(), c.id)).toMatchObject({
      consumerDepartment: 'human-resources',
      fields: ['birthDate'],
      consentRequired: true,
      masking: [{ field: 'birthDate', rule: 'MASK' }],
      version: 5,
    });
    expect((await current()).datasets).toContainEqual(
      expect.objectContaining({ code: 'population.resident', graphqlType: 'Resident', fields: expect.arrayContaining([{ name: 'name', classification: 'PERSONAL' }]) }),
    );

    await gov.ok(steward, `mutation ($id: ID!) { suspendSharingContract(id: $id, reason: "audit") { id } }`, { id: c.id });
    await waitUntil(async () => contractIn(await current(), c.id)?.status === 'SUSPENDED', { what: 'the projection seeing the suspension' });

    const { grantConsent: k } = await gov.ok(
      channel,
      `mutation { grantConsent(input: { subjectId: "s-1", consumerDepartmentCode: "human-resources", purpose: "SUBSIDY_ELIGIBILITY",
        datasetCode: "population.resident", expiresAt: "2027-01-01T00:00:00Z" }) { id } }`,
    );
    await gov.ok(channel, `mutation ($id: ID!) { withdrawConsent(id: $id) { id } }`, { id: k.id });
    await waitUntil(async () => (await current()).consents.some((g) => g.id === k.id && g.status === 'WITHDRAWN'), { what: 'the withdrawal' });

    const checksum = async (schema: string) =>
      (await policyData.query(`select md5(string_agg(t::text, '|' order by key)) as sum, count(*)::int as n from "${schema}".policy_entries t`))[0];
    const shadow = await buildShadow(gov.store, policyData, policySnapshotProjection);
    try {
      const live = await checksum('policy');
      expect(live.n).toBe(3);
      expect(await checksum(shadow.schema)).toEqual(live);
    } finally {
      await shadow.drop();
    }
  });
});
