import { DATA_BUREAU } from '../../../governance/src/bootstrap/platform-admin.js';
import { credentialOf, type DemoCredential } from './demo-credentials.js';
import { CIVIL_AFFAIRS_SYSTEM, DEMO_CLIENTS, DEMO_CONSENTING_RESIDENTS, ELDERLY_ALLOWANCE, MINIMUM_LIVING } from './demo-plan.js';
import { demoResidents } from './demo-residents.js';

const shellQuoted = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

const curl = (gatewayUrl: string, apiKey: string, query: string, purpose?: string) =>
  [
    `curl -s ${gatewayUrl}/graphql -H 'content-type: application/json'`,
    `  -H 'authorization: Bearer ${apiKey}'${purpose ? ` -H 'x-purpose: ${purpose}'` : ''}`,
    `  -d ${shellQuoted(JSON.stringify({ query }))}`,
  ].join(' \\\n');

/**
 * What `npm start` prints once the demo is there: where the gateway is, the demo clients' keys
 * and three queries to paste, as the civil affairs bureau's system: the catalog, a masked read
 * under its minimum-living contract, and a consent-required read where one resident consented
 * and the other did not.
 */
export const demoWelcome = (gatewayUrl: string, credentials: readonly DemoCredential[]): string => {
  const residents = demoResidents();
  const consenting = residents[0];
  const notConsenting = residents[DEMO_CONSENTING_RESIDENTS];
  const civilAffairs = credentialOf(credentials, CIVIL_AFFAIRS_SYSTEM.department, CIVIL_AFFAIRS_SYSTEM.roles).apiKey;
  const named = (c: DemoCredential) =>
    c.department === DATA_BUREAU.code && c.roles.includes('PLATFORM')
      ? '大数据局 平台管理员'
      : (DEMO_CLIENTS.find((d) => d.department === c.department && d.roles.join() === c.roles.join())?.name ?? c.clientId);
  return [
    `Gateway: ${gatewayUrl}/graphql`,
    `Demo clients (also in the data folder's demo-credentials.json):`,
    ...credentials.map((c) => `  ${c.department.padEnd(18)} ${c.roles.join('+').padEnd(16)} ${c.apiKey}   ${named(c)}`),
    '',
    '1. The catalog, as the civil affairs bureau\'s system:',
    curl(gatewayUrl, civilAffairs, '{ datasets { code name sharingType provider { name } fields { name classification } } }'),
    '',
    `2. A resident under the minimum-living contract (name masked, ID number hashed):`,
    curl(gatewayUrl, civilAffairs, `{ resident(id: "${consenting.id}") { name idNumber gender status } }`, MINIMUM_LIVING),
    '',
    `3. Two residents under the consent-required elderly allowance contract (only the first consented):`,
    curl(
      gatewayUrl,
      civilAffairs,
      `{ consented: resident(id: "${consenting.id}") { name birthDate } notConsented: resident(id: "${notConsenting.id}") { name birthDate } }`,
      ELDERLY_ALLOWANCE,
    ),
    '',
    'The tour of the platform: npm run demo',
  ].join('\n');
};
