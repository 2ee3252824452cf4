import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_SUBGRAPHS } from '@shuzhi/governance-events';
import { bootstrapCatalog, readBuiltInCatalog } from '../src/bootstrap/built-in-datasets.js';
import { ensurePlatformAdmin } from '../src/bootstrap/platform-admin.js';
import { GovernanceHarness, type Actor } from './governance-harness.js';

const auditor: Actor = { clientId: 'a', department: 'audit-office', roles: ['AUDITOR'] };

describe('built-in datasets from schemas/', () => {
  let gov: GovernanceHarness;
  beforeAll(async () => {
    gov = await GovernanceHarness.start('built_in_datasets');
  });
  afterAll(() => gov?.stop());

  it('registers each subgraph with its department and the fields the supergraph says it resolves, then publishes each dataset once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shuzhi-schemas-'));
    try {
      await mkdir(join(dir, 'civil'));
      await writeFile(
        join(dir, 'civil', 'marriage.dataset.json'),
        JSON.stringify({
          code: 'civil.marriage',
          name: '婚姻登记信息',
          providerDepartment: { code: 'civil-affairs', name: '民政局' },
          sharingType: 'CONDITIONAL',
          graphqlType: 'MarriageRecord',
          fields: [
            { name: 'registrationNumber', classification: 'INTERNAL' },
            { name: 'spouseIdNumbers', classification: 'SENSITIVE_PERSONAL' },
          ],
          schema: 'marriage.schema.json',
        }),
      );
      await writeFile(
        join(dir, 'civil', 'marriage.schema.json'),
        JSON.stringify({
          $schema: 'https://json-schema.org/draft/2020-12/schema',
          type: 'object',
          additionalProperties: false,
          properties: { registrationNumber: { type: 'string' }, spouseIdNumbers: { type: 'array', items: { type: 'string' } } },
        }),
      );
      await writeFile(
        join(dir, 'supergraph.graphql'),
        `enum join__Graph { CIVIL @join__graph(name: "civil", url: "http://civil") }
         type Query @join__type(graph: CIVIL) { marriage(number: String!): MarriageRecord @join__field(graph: CIVIL) }
         type MarriageRecord @join__type(graph: CIVIL, key: "registrationNumber") { registrationNumber: String! spouseIdNumbers: [String!]! }`,
      );
      const catalog = await readBuiltInCatalog(dir, [{ name: 'civil', department: 'civil-affairs' }]);
      expect(await bootstrapCatalog(gov.app, catalog)).toEqual({ subgraphs: ['civil'], datasets: ['civil.marriage'] });
      expect(await bootstrapCatalog(gov.app, catalog)).toEqual({ subgraphs: [], datasets: [] });
      const { subgraphs } = await gov.ok(auditor, '{ subgraphs { name department { code } fields } }');
      expect(subgraphs).toEqual([
        { name: 'civil', department: { code: 'civil-affairs' }, fields: ['MarriageRecord.registrationNumber', 'MarriageRecord.spouseIdNumbers', 'Query.marriage'] },
      ]);
      const { dataset } = await gov.ok(auditor, `query { dataset(code: "civil.marriage") { provider { code } graphqlType fields { name classification } version } }`);
      expect(dataset).toEqual({
        provider: { code: 'civil-affairs' },
        graphqlType: 'MarriageRecord',
        fields: [
          { name: 'registrationNumber', classification: 'INTERNAL' },
          { name: 'spouseIdNumbers', classification: 'SENSITIVE_PERSONAL' },
        ],
        version: 1,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('every dataset the repository ships in schemas/ is valid and publishes', async () => {
    // The platform's own subgraphs belong to the data bureau, which the first start registers.
    await ensurePlatformAdmin(gov.app, undefined);
    const shipped = await readBuiltInCatalog(join(import.meta.dirname, '../../../schemas'), BUILT_IN_SUBGRAPHS);
    const done = await bootstrapCatalog(gov.app, shipped);
    expect(done).toEqual({ subgraphs: BUILT_IN_SUBGRAPHS.map((s) => s.name), datasets: shipped.datasets.map((d) => d.code) });
  });
});
