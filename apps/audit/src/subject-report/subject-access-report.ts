import { Inject, Injectable } from '@nestjs/common';
import type { Checkpoint } from '@shuzhi/event-store';
import { ValidationFailed } from '@shuzhi/shared-kernel';
import { AUDIT_CONFIG, type AuditSources } from '../audit.config.js';
import { AccessLog } from '../access/access-log.js';
import type { AccessRecordRow } from '../access/access-record.projection.js';
import { PolicyHistory } from '../history/policy-history.js';
import { decodeCursor, encodeCursor, pageSizeOf, type PageLimits, type PageRequest } from '../paging/page.js';
import { toCsv } from './csv.js';

export interface ConsentInForce {
  consentId: string;
  purpose: string;
  datasetCode: string;
  fields: string[];
  expiresAt: Date;
}

export interface SubjectAccessEntry {
  at: Date;
  department: string;
  clientId: string;
  purpose: string | null;
  contracts: Array<{ id: string; version: number }>;
  /** The subject's fields the operation read (`Type.field`), masked ones included. */
  fields: string[];
  maskedFields: Array<{ field: string; rule: string }>;
  /** The row was asked for but held back for want of the subject's consent. */
  withheld: boolean;
  /** The subject's consents to the reading department that were in force when it read. */
  consents: ConsentInForce[];
  /** REFUSED: the subject was looked for and nothing was served (the record names them by its lookups). */
  outcome: 'ALLOW' | 'PARTIAL' | 'REFUSED';
}

export interface SubjectAccessReport {
  subjectId: string;
  generatedAt: Date;
  /** This page's entries. */
  entries: SubjectAccessEntry[];
  /** This page's entries as CSV, header first. */
  csv: string;
  /** Where the next page starts (`after`); null on the last page. */
  nextCursor: string | null;
}

export const REPORT_CSV_HEADER = [
  'at', 'department', 'client_id', 'purpose', 'contracts', 'fields', 'masked_fields', 'withheld', 'consents_in_force', 'outcome',
] as const;

/** Each page folds governance's history again up to its records: a page is worth that pass. */
export const SUBJECT_REPORT_PAGE: PageLimits = { default: 100, max: 1_000 };

const CURSOR_KIND = 'subjectAccessReport';

/**
 * A citizen's subject access report: every read of their data (served or withheld), oldest
 * first, with the consents that were in force for the reading department at that moment, as
 * the policy snapshot the gateway decided on held them.
 */
@Injectable()
export class SubjectAccessReports {
  constructor(
    @Inject(AUDIT_CONFIG) private readonly sources: AuditSources,
    private readonly accessLog: AccessLog,
  ) {}

  /** A page of the report: `first` reads from the oldest, or after the read the cursor `after` names. */
  async report(
    subjectId: string,
    range: { from?: Date | null; to?: Date | null },
    generatedAt: Date,
    page: PageRequest = {},
  ): Promise<SubjectAccessReport> {
    const size = pageSizeOf(page.first, SUBJECT_REPORT_PAGE);
    const after = page.after == null ? null : await this.accessLog.knownRecord(recordAfter(subjectId, page.after));
    // One record past the page says whether there is a next one.
    const window = await this.accessLog.window({ subjectId, from: range.from, to: range.to }, { order: 'OLDEST_FIRST', after, take: size + 1 });
    const records = window.slice(0, size);
    const nextCursor = window.length > size ? encodeCursor(CURSOR_KIND, [subjectId, records[records.length - 1].id]) : null;
    const store = this.sources.store;
    // Consents are folded in checkpoint order, once for the whole report.
    const byCheckpoint = records
      .map((record, i) => ({ record, i }))
      .sort((a, b) => compare(a.record.snapshotCheckpoint, b.record.snapshotCheckpoint, store.compareCheckpoints.bind(store)) || a.i - b.i);
    const history = new PolicyHistory(store);
    const entries: SubjectAccessEntry[] = new Array(records.length);
    for (const { record, i } of byCheckpoint) {
      if (record.snapshotCheckpoint) await history.advanceTo(record.snapshotCheckpoint as Checkpoint);
      entries[i] = entryOf(record, subjectId, history);
    }
    return { subjectId, generatedAt, entries, csv: csvOf(entries), nextCursor };
  }
}

const recordAfter = (subjectId: string, cursor: string): string => {
  const [subject, recordId] = decodeCursor(CURSOR_KIND, cursor, 2);
  if (subject !== subjectId) throw new ValidationFailed('after is a cursor of another subject’s report');
  return recordId;
};

const compare = (a: string | null, b: string | null, byPosition: (a: Checkpoint, b: Checkpoint) => number) =>
  a === b ? 0 : a === null ? -1 : b === null ? 1 : byPosition(a as Checkpoint, b as Checkpoint);

const entryOf = (record: AccessRecordRow, subjectId: string, history: PolicyHistory): SubjectAccessEntry => {
  const mine = [...record.subjects, ...record.withheldSubjects].filter((s) => s.id === subjectId);
  const types = new Set(mine.map((s) => s.type));
  const ofSubject = (coordinate: string) => types.has(coordinate.slice(0, coordinate.indexOf('.')));
  const at = record.at.getTime();
  const consents = (history.index().consents.get(subjectId) ?? [])
    .filter((c) => c.consumerDepartment === record.department && at < c.expiresAt)
    .map((c) => ({ consentId: c.id, purpose: c.purpose, datasetCode: c.datasetCode, fields: [...c.fields], expiresAt: new Date(c.expiresAt) }));
  return {
    at: record.at,
    department: record.department,
    clientId: record.clientId,
    purpose: record.purpose,
    contracts: record.contracts,
    fields: record.fields.filter(ofSubject),
    maskedFields: record.maskedFields.filter((m) => ofSubject(m.field)),
    withheld: record.withheldSubjects.some((s) => s.id === subjectId),
    consents,
    outcome: record.outcome,
  };
};

const csvOf = (entries: readonly SubjectAccessEntry[]): string =>
  toCsv(
    REPORT_CSV_HEADER,
    entries.map((e) => [
      e.at.toISOString(),
      e.department,
      e.clientId,
      e.purpose ?? '',
      e.contracts.map((c) => `${c.id}@${c.version}`).join(' '),
      e.fields.join(' '),
      e.maskedFields.map((m) => `${m.field}:${m.rule}`).join(' '),
      String(e.withheld),
      e.consents.map((c) => `${c.consentId} (${c.purpose}; ${c.fields.join(' ')}; until ${c.expiresAt.toISOString()})`).join('; '),
      e.outcome,
    ]),
  );
