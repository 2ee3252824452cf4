import { Inject, Injectable } from '@nestjs/common';
import { ValidationFailed } from '@shuzhi/shared-kernel';
import { AUDIT_CONFIG, type AuditSources } from '../audit.config.js';
import { decodeCursor, encodeCursor, pageSizeOf, type PageLimits, type PageRequest } from '../paging/page.js';
import { AccessRecordRow, type AccessOutcome } from './access-record.projection.js';

export interface AccessLogFilter {
  subjectId?: string | null;
  department?: string | null;
  contractId?: string | null;
  /** Inclusive bounds on the time the record was written. */
  from?: Date | null;
  to?: Date | null;
  outcome?: AccessOutcome | null;
  /** The older name of the page size `first`: one or the other. */
  limit?: number | null;
}

/** The bounds `limit` always had, kept for `first`: callers that asked for 5000 records still get them. */
export const ACCESS_LOG_PAGE: PageLimits = { default: 500, max: 5_000 };

/** An access record with the cursor of the page that ends at it. */
export interface AccessLogEntry extends AccessRecordRow {
  cursor: string;
}

/** Records in the order of the page; `after`: the id of the record the page starts after. */
export interface AccessRecordWindow {
  order: 'NEWEST_FIRST' | 'OLDEST_FIRST';
  after: string | null;
  take: number;
}

const CURSOR_KIND = 'accessLog';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * "Who did read": access records from the audit's read model, newest first, a page at a time.
 * The read model trails the log by the projection's lag; the records themselves are the log's.
 */
@Injectable()
export class AccessLog {
  constructor(@Inject(AUDIT_CONFIG) private readonly sources: AuditSources) {}

  async list(filter: AccessLogFilter = {}, page: PageRequest = {}): Promise<AccessLogEntry[]> {
    if (filter.limit != null && page.first != null) throw new ValidationFailed('give first or filter.limit, not both: limit is the older name of first');
    const take = filter.limit != null ? pageSizeOf(filter.limit, ACCESS_LOG_PAGE, 'filter.limit') : pageSizeOf(page.first, ACCESS_LOG_PAGE);
    const after = page.after == null ? null : await this.knownRecord(decodeCursor(CURSOR_KIND, page.after, 1)[0]);
    const rows = await this.window(filter, { order: 'NEWEST_FIRST', after, take });
    return rows.map((row) => ({ ...row, cursor: encodeCursor(CURSOR_KIND, [row.id]) }));
  }

  /**
   * A window of the records the filter matches, in the order asked, after the record `after`
   * (its time and position, so that records written since do not shift the pages).
   */
  window(filter: Omit<AccessLogFilter, 'limit'>, window: AccessRecordWindow): Promise<AccessRecordRow[]> {
    if (filter.from && filter.to && filter.from > filter.to) {
      throw new ValidationFailed(`from (${filter.from.toISOString()}) is after to (${filter.to.toISOString()})`);
    }
    const direction = window.order === 'NEWEST_FIRST' ? 'DESC' : 'ASC';
    // `@>` rather than `= any(...)`: the containment test is what the GIN indexes serve.
    const query = this.sources.dataSource.manager
      .createQueryBuilder(AccessRecordRow, 'r')
      .orderBy('r.recordedAt', direction)
      .addOrderBy('r.globalPosition', direction)
      .take(window.take);
    if (filter.subjectId) query.andWhere('r.subjectIds @> array[:subject]::text[]', { subject: filter.subjectId });
    if (filter.contractId) query.andWhere('r.contractIds @> array[:contract]::text[]', { contract: filter.contractId });
    if (filter.department) query.andWhere('r.department = :department', { department: filter.department });
    if (filter.outcome) query.andWhere('r.outcome = :outcome', { outcome: filter.outcome });
    if (filter.from) query.andWhere('r.recordedAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('r.recordedAt <= :to', { to: filter.to });
    if (window.after !== null) {
      // Compared in SQL: the stored time has microseconds, a JavaScript Date only milliseconds.
      const table = this.sources.dataSource.getMetadata(AccessRecordRow).tablePath;
      query.andWhere(
        `(r.recordedAt, r.globalPosition) ${window.order === 'NEWEST_FIRST' ? '<' : '>'} (select c."recordedAt", c."globalPosition" from ${table} c where c.id = :after)`,
        { after: window.after },
      );
    }
    return query.getMany();
  }

  /** The id a cursor holds, once it is known to be a record's: a page after no record would answer nothing, as if the log ended there. */
  async knownRecord(id: string): Promise<string> {
    if (!UUID.test(id) || !(await this.sources.dataSource.manager.existsBy(AccessRecordRow, { id }))) {
      throw new ValidationFailed('after names no access record: pass the cursor a page of the same query answered');
    }
    return id;
  }
}
