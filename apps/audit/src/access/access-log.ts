import { Inject, Injectable } from '@nestjs/common';
import { ValidationFailed } from '@shuzhi/shared-kernel';
import { AUDIT_CONFIG, type AuditSources } from '../audit.config.js';
import { AccessRecordRow, type AccessOutcome } from './access-record.projection.js';

export interface AccessLogFilter {
  subjectId?: string | null;
  department?: string | null;
  contractId?: string | null;
  /** Inclusive bounds on the time the record was written. */
  from?: Date | null;
  to?: Date | null;
  outcome?: AccessOutcome | null;
  /** Default 500, at most 5000; omitted by the subject report, which wants every read. */
  limit?: number | null;
}

export const DEFAULT_LIMIT = 500;
export const MAX_LIMIT = 5_000;

/**
 * "Who did read": access records from the audit's read model, newest first. The read model
 * trails the log by the projection's lag; the records themselves are the log's.
 */
@Injectable()
export class AccessLog {
  constructor(@Inject(AUDIT_CONFIG) private readonly sources: AuditSources) {}

  list(filter: AccessLogFilter = {}): Promise<AccessRecordRow[]> {
    const limit = filter.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationFailed(`limit must be a whole number from 1 to ${MAX_LIMIT}; got ${limit}`);
    }
    return this.query(filter).take(limit).getMany();
  }

  /** Every record the filter matches, oldest first (reports read the whole history of a subject). */
  all(filter: Omit<AccessLogFilter, 'limit'>): Promise<AccessRecordRow[]> {
    return this.query(filter).orderBy('r.recordedAt', 'ASC').addOrderBy('r.globalPosition', 'ASC').getMany();
  }

  private query(filter: AccessLogFilter) {
    if (filter.from && filter.to && filter.from > filter.to) {
      throw new ValidationFailed(`from (${filter.from.toISOString()}) is after to (${filter.to.toISOString()})`);
    }
    // `@>` rather than `= any(...)`: the containment test is what the GIN indexes serve.
    const query = this.sources.dataSource.manager
      .createQueryBuilder(AccessRecordRow, 'r')
      .orderBy('r.recordedAt', 'DESC')
      .addOrderBy('r.globalPosition', 'DESC');
    if (filter.subjectId) query.andWhere('r.subjectIds @> array[:subject]::text[]', { subject: filter.subjectId });
    if (filter.contractId) query.andWhere('r.contractIds @> array[:contract]::text[]', { contract: filter.contractId });
    if (filter.department) query.andWhere('r.department = :department', { department: filter.department });
    if (filter.outcome) query.andWhere('r.outcome = :outcome', { outcome: filter.outcome });
    if (filter.from) query.andWhere('r.recordedAt >= :from', { from: filter.from });
    if (filter.to) query.andWhere('r.recordedAt <= :to', { to: filter.to });
    return query;
  }
}
