import { parseArgs } from 'node:util';
import { ValidationFailed } from '@shuzhi/shared-kernel';
import { AccessLog } from '../access/access-log.js';
import { parseInstant } from '../graphql/date-time.scalar.js';
import { SubjectAccessReports } from '../subject-report/subject-access-report.js';
import { catchUpReadModels, type AuditCliSources } from './audit-cli-sources.js';

/**
 * `audit subject-report <subjectId> [--format json|csv] [--from] [--to]`: a citizen's subject
 * access report on standard output. A subject with no reads gets an empty report.
 */
export const subjectReportCommand = async (args: readonly string[], sources: AuditCliSources): Promise<number> => {
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
  const report = await new SubjectAccessReports(sources, new AccessLog(sources)).report(subjectId, range, new Date());
  if (values.format === 'csv') process.stdout.write(report.csv);
  else {
    const { csv: _csv, ...json } = report;
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }
  return 0;
};
