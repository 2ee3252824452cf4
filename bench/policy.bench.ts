/**
 * Decisions per second on a city-sized snapshot: 1 000 contracts, 100 000 consents, 20
 * datasets; a request selecting 10 bound fields, then the consent phase over 50 subjects' rows
 * under a consent-requiring contract (the costlier case). Then what a consent granted or
 * withdrawn costs to reach the gateway's index: folded into the live index, against indexing
 * the whole snapshot again (what each change cost before, on top of reading the table: about
 * a second per 100 000 consents). Measure the tsc output, as production
 * runs it (`npm run bench:policy`): tsx's
 * transform wraps every closure a decision creates in a naming helper and reads about half as fast.
 */
import { performance } from 'node:perf_hooks';
import type { Checkpoint, RecordedEvent } from '@shuzhi/event-store';
import type { MaskRule } from '@shuzhi/governance-events';
import {
  LivePolicyIndex,
  decideAccess,
  decideSubjects,
  indexSnapshot,
  type PolicyEntry,
  type ConsentGrant,
  type ContractGrant,
  type DatasetBinding,
  type PolicyRequest,
  type PolicySnapshot,
} from '@shuzhi/policy';

const DATASETS = 20;
const FIELDS_PER_DATASET = 15;
const CONTRACTS = 1_000;
const CONSENTS = 100_000;
const DEPARTMENTS = 50;
const PURPOSES = 5;
const SELECTED_FIELDS = 10;
const SUBJECTS_PER_REQUEST = 50;
const ROUND_MS = 1_000;
const ROUNDS = 5;

const at = '2026-12-10T02:00:00.000Z';
const statuses = ['ACTIVE', 'ACTIVE', 'ACTIVE', 'ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED', 'PROVIDER_REVIEW'];
const rules: MaskRule[] = ['NONE', 'MASK', 'HASH', 'REDACT'];
const fieldName = (i: number) => `f${i}`;

const datasets: DatasetBinding[] = Array.from({ length: DATASETS }, (_, d) => ({
  code: `ds-${d}`,
  graphqlType: `Type${d}`,
  sharingType: 'CONDITIONAL',
  providerDepartment: `provider-${d % 4}`,
  fields: Array.from({ length: FIELDS_PER_DATASET }, (_, f) => ({ name: fieldName(f), classification: 'PERSONAL' })),
}));

// The caller (dept-0, P0) holds three contracts on ds-0 that overlap, so every field is a choice
// between grants; the other 997 are spread over the other departments, datasets and purposes.
const callerContracts: ContractGrant[] = [0, 1, 2].map((n) => ({
  id: `c-caller-${n}`,
  version: 3,
  status: 'ACTIVE',
  datasetCode: 'ds-0',
  consumerDepartment: 'dept-0',
  providerDepartment: 'provider-0',
  fields: Array.from({ length: FIELDS_PER_DATASET - n }, (_, f) => fieldName(f)),
  purpose: 'P0',
  validFrom: '2026-01-01T00:00:00.000Z',
  validTo: '2027-01-01T00:00:00.000Z',
  dailyQuota: 10_000,
  masking: Array.from({ length: 5 }, (_, f) => ({ field: fieldName(f + n), rule: rules[(f + n) % rules.length] })),
  consentRequired: true,
  statutoryBasis: false,
}));
const otherContracts: ContractGrant[] = Array.from({ length: CONTRACTS - callerContracts.length }, (_, i) => ({
  id: `c-${i}`,
  version: 1 + (i % 9),
  status: statuses[i % statuses.length],
  datasetCode: `ds-${(i * 7) % DATASETS}`,
  consumerDepartment: `dept-${1 + (i % (DEPARTMENTS - 1))}`,
  providerDepartment: `provider-${i % 4}`,
  fields: Array.from({ length: 5 + (i % 10) }, (_, f) => fieldName((f + i) % FIELDS_PER_DATASET)),
  purpose: `P${i % PURPOSES}`,
  validFrom: i % 10 === 0 ? '2027-01-01T00:00:00.000Z' : '2026-01-01T00:00:00.000Z',
  validTo: '2027-06-01T00:00:00.000Z',
  dailyQuota: null,
  masking: [{ field: fieldName(i % FIELDS_PER_DATASET), rule: rules[i % rules.length] }],
  consentRequired: i % 2 === 0,
  statutoryBasis: false,
}));

// 20 000 subjects with five consents each; the first subjects' first consent is for the caller,
// and every fifth of those leaves out a selected field, so some rows come back CONSENT_REQUIRED.
const consents: ConsentGrant[] = Array.from({ length: CONSENTS }, (_, i) => {
  const subject = Math.floor(i / 5);
  const forCaller = i % 5 === 0;
  return {
    id: `k-${i}`,
    version: 1,
    status: i % 17 === 0 ? 'WITHDRAWN' : 'ACTIVE',
    subjectId: `s-${subject}`,
    consumerDepartment: forCaller ? 'dept-0' : `dept-${1 + (i % (DEPARTMENTS - 1))}`,
    purpose: forCaller ? 'P0' : `P${i % PURPOSES}`,
    datasetCode: forCaller ? 'ds-0' : `ds-${i % DATASETS}`,
    fields: Array.from({ length: subject % 5 === 4 ? SELECTED_FIELDS - 1 : FIELDS_PER_DATASET }, (_, f) => fieldName(f)),
    expiresAt: '2027-06-01T00:00:00.000Z',
  };
});

// Each provider's subgraph resolves its datasets' fields: every binding is backed by the registry.
const subgraphs = Array.from({ length: 4 }, (_, p) => ({
  name: `subgraph-${p}`,
  department: `provider-${p}`,
  fields: datasets.filter((d) => d.providerDepartment === `provider-${p}`).flatMap((d) => d.fields.map((f) => `${d.graphqlType}.${f.name}`)),
}));
const purposes = Array.from({ length: PURPOSES }, (_, i) => `P${i}`);

const snapshot: PolicySnapshot = { contracts: [...otherContracts, ...callerContracts], consents, datasets, subgraphs, purposes };

const selected = Array.from({ length: SELECTED_FIELDS }, (_, f) => fieldName(f));
const request: PolicyRequest = {
  caller: { clientId: 'client-0', department: 'dept-0', roles: ['CONSUMER'] },
  purpose: 'P0',
  at,
  platformTypes: ['SharingContract', 'Consent', 'Dataset', 'Department', 'AccessRecord'],
  selections: selected.map((field) => ({ type: 'Type0', field, path: `items.${field}` })),
  subjects: Array.from({ length: SUBJECTS_PER_REQUEST }, (_, s) => ({ type: 'Type0', subjectId: `s-${s * 7}`, fields: selected })),
};

const perSecond = (run: () => unknown): number => {
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    let count = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < ROUND_MS) {
      for (let i = 0; i < 100; i += 1) run();
      count += 100;
      elapsed = performance.now() - start;
    }
    rates.push((count * 1000) / elapsed);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)];
};

const indexStart = performance.now();
const index = indexSnapshot(snapshot);
const indexMs = performance.now() - indexStart;

const decision = decideAccess(request, index);
const verdicts = decideSubjects(decision, request, index);
const refused = verdicts.filter((v) => v.verdict === 'CONSENT_REQUIRED').length;
if (decision.outcome !== 'ALLOW' || refused === 0 || refused === verdicts.length) {
  throw new Error('the benchmark request does not exercise both consent verdicts; fix the fixture');
}

const decideOnly = perSecond(() => decideAccess(request, index));
const withConsent = perSecond(() => decideSubjects(decideAccess(request, index), request, index));

const format = (n: number) => Math.round(n).toLocaleString('en-US');
console.log(`snapshot: ${CONTRACTS} contracts, ${CONSENTS} consents, ${DATASETS} datasets; indexed in ${indexMs.toFixed(1)} ms`);
console.log(`request: ${SELECTED_FIELDS} fields under ${decision.contracts.length} contract(s); ${verdicts.length} subjects, ${refused} without consent`);
console.log(`decideAccess:               ${format(decideOnly)} decisions/s (median of ${ROUNDS} rounds of ${ROUND_MS} ms)`);
console.log(`decideAccess + decideSubjects(50): ${format(withConsent)} decisions/s`);

// A consent granted and withdrawn again, as the log delivers them, on a subject who has five.
const consentEvent = (n: number, type: 'ConsentGranted' | 'ConsentWithdrawn'): RecordedEvent => ({
  eventId: `e-${n}-${type}`,
  streamId: `consent-k-new-${n}`,
  streamVersion: type === 'ConsentGranted' ? 0 : 1,
  globalPosition: 2 * n + (type === 'ConsentGranted' ? 0 : 1),
  checkpoint: String(n) as Checkpoint,
  type,
  data:
    type === 'ConsentGranted'
      ? {
          terms: {
            consentId: `k-new-${n}`,
            subjectId: consents[n % CONSENTS].subjectId,
            consumerDepartment: 'dept-0',
            providerDepartment: 'provider-0',
            purpose: 'P0',
            datasetCode: 'ds-0',
            fields: [fieldName(0)],
            expiresAt: '2027-06-01T00:00:00.000Z',
          },
          receipt: { payload: '{}', signature: '' },
        }
      : {},
  metadata: {} as RecordedEvent['metadata'],
  recordedAt: new Date(at),
});
const entries: PolicyEntry[] = [
  ...snapshot.contracts.map((grant): PolicyEntry => ({ key: `contract:${grant.id}`, kind: 'contract', body: { kind: 'contract', grant } })),
  ...snapshot.consents.map((grant): PolicyEntry => ({ key: `consent:${grant.id}`, kind: 'consent', body: { kind: 'consent', grant } })),
  ...snapshot.datasets.map((binding): PolicyEntry => ({ key: `dataset:${binding.code}`, kind: 'dataset', body: { kind: 'dataset', binding } })),
];
const live = new LivePolicyIndex(entries);
const CHANGES = 1_000;
const foldStart = performance.now();
for (let n = 0; n < CHANGES; n += 1) {
  live.apply([consentEvent(n, 'ConsentGranted')]);
  live.apply([consentEvent(n, 'ConsentWithdrawn')]);
}
const foldMs = (performance.now() - foldStart) / (2 * CHANGES);
if (live.index.consents.get(consents[0].subjectId)?.length !== index.consents.get(consents[0].subjectId)?.length) {
  throw new Error('granting and withdrawing the same consents left the live index changed; fix the fixture');
}
const reindexMs: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  const start = performance.now();
  indexSnapshot(snapshot);
  reindexMs.push(performance.now() - start);
}
reindexMs.sort((a, b) => a - b);
const reindex = reindexMs[Math.floor(ROUNDS / 2)];
console.log(
  `a consent change reaching the index: folded in ${(foldMs * 1000).toFixed(0)} µs (mean of ${2 * CHANGES}); ` +
    `indexing the whole snapshot again ${reindex.toFixed(1)} ms (median of ${ROUNDS}): ${Math.round(reindex / foldMs).toLocaleString('en-US')}× the fold`,
);
