import { toCsv } from '../subject-report/csv.js';
import { REPORT_CSV_HEADER, type SubjectAccessEntry } from '../subject-report/subject-access-report.js';
import type { CliOutput } from './progress.js';
import { writeReport } from './subject-report.command.js';

const entry = (n: number): SubjectAccessEntry => ({
  at: new Date(Date.UTC(2026, 10, 27, 10, n)),
  department: 'human-resources',
  clientId: `client-${n}`,
  purpose: n % 2 === 0 ? 'SUBSIDY_ELIGIBILITY' : null,
  contracts: [{ id: `contract-${n}`, version: n }],
  fields: ['Resident.name', 'Resident.birthDate'],
  maskedFields: [{ field: 'Resident.name', rule: 'MASK' }],
  withheld: n === 2,
  consents: n === 1 ? [] : [{ consentId: `consent-${n}`, purpose: 'SUBSIDY_ELIGIBILITY', datasetCode: 'population.resident', fields: ['name'], expiresAt: new Date(Date.UTC(2027, 0, 1)) }],
  outcome: 'ALLOW',
});
const row = (e: SubjectAccessEntry) => [e.at.toISOString(), e.department, e.clientId, '=row'];
const pageOf = (entries: SubjectAccessEntry[]) => ({ entries, csv: toCsv(REPORT_CSV_HEADER, entries.map(row)) });
async function* each<T>(pages: T[]) {
  for (const page of pages) yield page;
}
const capture = () => {
  const sink = { text: '', write: (chunk: string) => ((sink.text += chunk), true) };
  return sink as typeof sink & CliOutput;
};

describe('audit subject-report, written page by page', () => {
  const report = { subjectId: 'resident-1', generatedAt: new Date('2026-11-28T00:00:00.000Z') };
  const entries = [1, 2, 3, 4, 5].map(entry);
  const pages = [pageOf(entries.slice(0, 2)), pageOf(entries.slice(2, 4)), pageOf(entries.slice(4))];

  it('writes the pages’ CSV as one document, the header once', async () => {
    const out = capture();
    await writeReport('csv', report, each(pages), out);
    expect(out.text).toBe(toCsv(REPORT_CSV_HEADER, entries.map(row)));
  });

  it('writes the pages’ entries as the very JSON of the whole report', async () => {
    const out = capture();
    await writeReport('json', report, each(pages), out);
    expect(out.text).toBe(`${JSON.stringify({ ...report, entries }, null, 2)}\n`);
  });

  it('writes an empty report as the header alone, or an empty list', async () => {
    const csv = capture();
    await writeReport('csv', report, each([pageOf([])]), csv);
    expect(csv.text).toBe(toCsv(REPORT_CSV_HEADER, []));
    const json = capture();
    await writeReport('json', report, each([pageOf([])]), json);
    expect(json.text).toBe(`${JSON.stringify({ ...report, entries: [] }, null, 2)}\n`);
  });
});
