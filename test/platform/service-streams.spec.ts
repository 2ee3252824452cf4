import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_ROLES } from '@shuzhi/database';
import { accessStreamId } from '@shuzhi/policy';
import { AUDIT_SEALS_STREAM } from '../../apps/audit/src/domain/audit-chain/audit-seal.js';
import { enterpriseStreamId } from '../../apps/enterprise/src/domain/enterprise.decider.js';
import { consentStreamId } from '../../apps/governance/src/domain/consent/consent.decider.js';
import { datasetStreamId } from '../../apps/governance/src/domain/dataset/dataset.decider.js';
import { clientStreamId, departmentStreamId, purposeStreamId } from '../../apps/governance/src/domain/registry/registry.decider.js';
import { subgraphStreamId } from '../../apps/governance/src/domain/registry/subgraph.decider.js';
import { contractStreamId } from '../../apps/governance/src/domain/sharing-contract/contract.decider.js';
import { householdStreamId } from '../../apps/population/src/domain/household/household.decider.js';
import { idNumberStreamId } from '../../apps/population/src/domain/id-number/id-number-reservation.decider.js';
import { residentStreamId } from '../../apps/population/src/domain/resident/resident.decider.js';
import { applicationStreamId, programStreamId } from '../../apps/subsidy/src/domain/subsidy-ids.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Every stream each service appends to, as its own code names them. */
const WRITTEN: Record<string, Record<string, string>> = {
  gateway: { accessStreamId: accessStreamId(new Date('2026-05-01T08:00:00Z')) },
  governance: {
    departmentStreamId: departmentStreamId('civil-affairs'),
    purposeStreamId: purposeStreamId('minimum-living'),
    clientStreamId: clientStreamId('platform-admin'),
    datasetStreamId: datasetStreamId('population.residents'),
    contractStreamId: contractStreamId('c-1'),
    consentStreamId: consentStreamId('k-1'),
    subgraphStreamId: subgraphStreamId('population'),
  },
  population: {
    residentStreamId: residentStreamId('r-1'),
    householdStreamId: householdStreamId('h-1'),
    idNumberStreamId: idNumberStreamId('110101199003074514'),
  },
  enterprise: { enterpriseStreamId: enterpriseStreamId('91110000600037341L') },
  subsidy: { programStreamId: programStreamId('p-1'), applicationStreamId: applicationStreamId('a-1') },
  audit: { AUDIT_SEALS_STREAM },
};

const writersOf = (streamId: string) =>
  SERVICE_ROLES.filter(({ streams }) => streams.some((prefix) => streamId.startsWith(prefix))).map(({ service }) => service);

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });

/**
 * The database lets each service's role append to the streams SERVICE_ROLES lists for it
 * (libs/database): a stream its code writes but the list misses would be refused in production.
 */
describe('the streams each service role may append to', () => {
  it.each(Object.entries(WRITTEN).flatMap(([service, streams]) => Object.entries(streams).map(([name, id]) => [service, name, id])))(
    '%s, and no other service, may append to %s (%s)',
    (service, _name, streamId) => {
      expect(writersOf(streamId)).toEqual([service]);
    },
  );

  it('lists every stream id an app or library defines', () => {
    const defined = ['apps', 'libs'].flatMap((dir) =>
      sourceFiles(join(ROOT, dir)).flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/export const (\w+StreamId|\w+_STREAM)\b/g)].map((match) => `${relative(ROOT, file)}: ${match[1]}`),
      ),
    );
    const listed = new Set(Object.values(WRITTEN).flatMap((streams) => Object.keys(streams)));

    expect(defined.filter((entry) => !listed.has(entry.split(': ')[1]))).toEqual([]);
    expect(defined.length).toBe(listed.size);
  });

  it('has a role for every service npm start runs, and the gateway', () => {
    const main = readFileSync(join(ROOT, 'apps/platform/src/main.ts'), 'utf8');
    const started = [...main.matchAll(/name: '([a-z]+)', port:/g)].map((match) => match[1]);

    expect(started.length).toBeGreaterThan(0);
    expect(SERVICE_ROLES.map(({ service }) => service).sort()).toEqual(['gateway', ...started].sort());
  });
});
