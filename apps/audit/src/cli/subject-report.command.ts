import { parseArgs } from 'node:util';
import { ValidationFailed } from '@shuzhi/shared-kernel';
import { AccessLog } from '../access/access-log.js';
import { parseInstant } from '../graphql/date-time.scalar.js';
import { toCsv } from '../subject-report/csv.js';
import { REPORT_CSV_HEADER, SUBJECT_REPORT_PAGE, SubjectAccessReports, type SubjectAccessReport } from '../subject-report/subject-access-report.js';
import { catchUpReadModels, type AuditCliSources } from './audit-cli-sources.js';
import type { CliOutput } from './progress.js';

/**
 * `audit subject-report <subjectId> [--format json|csv] [--from] [--to]`: a citizen's subject
 * access report on standard output, whole: written page by page as the service answers it, so
 * that a subject read a million times is never held in memory at once. A subject with no reads
 * gets an empty report.
 */
export const subjectReportCommand = async (
  args: readonly string[],
  sources: AuditCliSources,
  { out = process.stdout }: { out?: CliOutput } = {},
): Promise<number> => {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: { format: { type: 'string', default: 'json' }, from: { type: 'string' }, to: { type: 'string' } },
  });
  const [subjectId] = positionals;
  if (!subjectId || positionals.length > 1) throw new ValidationFailed('usage: audit subject-report <subjectId> [--format json|csv] [--from <instant>] [--to <instant>]');
  if (values.format !== 'json' && values.format !== 'csv') throw new ValidationFailed(`--format is json or csv; got ${values.format}`);
  const range = { from: values.from === undefined ? null : parseInstant(values.from), to: values.to === undefined ? null : parseInstant(values.to) };
  await catchUpReadModels(sources);
  const reports = new SubjectAccessReports(sources, new AccessLog(sources));
  const generatedAt = new Date();
  const pages = async function* (): AsyncGenerator<SubjectAccessReport> {
    let after: string | null = null;
    do {
      const page = await reports.report(subjectId, range, generatedAt, { first: SUBJECT_REPORT_PAGE.max, after });
      yield page;
      after = page.nextCursor;
    } while (after !== null);
  };

  await writeReport(values.format, { subjectId, generatedAt }, pages(), out);
  return 0;
};

/**
 * The report's pages as one document: CSV with its header once, or the text
 * `JSON.stringify({ subjectId, generatedAt, entries }, null, 2)` would give, an entry at a time.
 */
export const writeReport = async (
  format: 'json' | 'csv',
  report: { subjectId: string; generatedAt: Date },
  pages: AsyncIterable<Pick<SubjectAccessReport, 'entries' | 'csv'>>,
  out: CliOutput,
): Promise<void> => {
  if (format === 'csv') {
    // Every page's CSV begins with the header; the document has it once.
    const header = toCsv(REPORT_CSV_HEADER, []);
    out.write(header);
    for await (const page of pages) out.write(page.csv.slice(header.length));
    return;
  }
  out.write(`{\n  "subjectId": ${JSON.stringify(report.subjectId)},\n  "generatedAt": ${JSON.stringify(report.generatedAt)},\n  "entries": [`);
  let entries = 0;
  for await (const page of pages) {
    for (const entry of page.entries) {
      out.write(`${entries === 0 ? '' : ','}\n    ${JSON.stringify(entry, null, 2).replace(/\n/g, '\n    ')}`);
      entries += 1;
    }
  }
  out.write(`${entries === 0 ? '' : '\n  '}]\n}\n`);
};
