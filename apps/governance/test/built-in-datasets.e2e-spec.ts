import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publishBuiltInDatasets, readBuiltInDatasets } from '../src/bootstrap/built-in-datasets.js';
import { GovernanceHarness, type Actor } from './governance-harness.js';

const auditor: Actor = { clientId: 'a', department: 'audit-office', roles: ['AUDITOR'] };

describe('built-in datasets from schemas/', () => {
  let gov: GovernanceHarness;
  beforeAll(async () => {
    gov = await GovernanceHarness.start('built_in_datasets');
  });
  afterAll(() => gov?.stop());

  it('publishes each described dataset once, with its provider department and schema', async () => {
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
      const datasets = await readBuiltInDatasets(dir);
      expect(await publishBuiltInDatasets(gov.app, datasets)).toEqual(['civil.marriage']);
      expect(await publishBuiltInDatasets(gov.app, datasets)).toEqual([]);
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
    const shipped = await readBuiltInDatasets(join(import.meta.dirname, '../../../schemas'));
    const published = await publishBuiltInDatasets(gov.app, shipped);
    expect(published).toEqual(shipped.map((d) => d.code));
  });
});
