import { Inject } from '@nestjs/common';
import { Args, ID, Int, Query, Resolver } from '@nestjs/graphql';
import type { CallerContext } from '@shuzhi/signing';
import { Caller, JSONScalar } from '@shuzhi/subgraph';
import { ACCESS_LOG_PAGE, AccessLog } from '../access/access-log.js';
import { AUDIT_CONFIG, type AuditConfig } from '../audit.config.js';
import { AuditChain } from '../chain/audit-chain.js';
import { DecisionReplay, REPLAY_PAGE } from '../decision-replay/decision-replay.js';
import { STREAM_HISTORY_PAGE, StreamHistory } from '../history/stream-history.js';
import type { PageLimits } from '../paging/page.js';
import { SUBJECT_REPORT_PAGE, SubjectAccessReports } from '../subject-report/subject-access-report.js';
import { WhoCouldRead } from '../who-could-read/who-could-read.js';
import { requireAuditor } from './auditor-only.js';
import {
  AccessLogFilter,
  AccessRecord,
  AuditChainStatus,
  AuditVerification,
  DecisionReplay as DecisionReplayModel,
  Department,
  RecordedEvent,
  SubjectAccessReport,
} from './audit.models.js';
import { DateTimeScalar } from './date-time.scalar.js';

const firstOptions = (limits: PageLimits, what: string) => ({
  type: () => Int,
  nullable: true,
  description: `How many ${what} (default ${limits.default}, at most ${limits.max}; more is VALIDATION_FAILED).`,
});
const afterOptions = (description: string) => ({ type: () => String, nullable: true, description });

/** The auditor's questions: each resolver checks the role, asks its use case, and maps nothing else. */
@Resolver()
export class AuditResolver {
  constructor(
    @Inject(AUDIT_CONFIG) private readonly config: AuditConfig,
    private readonly streams: StreamHistory,
    private readonly accessRecords: AccessLog,
    private readonly whoCouldReadQuery: WhoCouldRead,
    private readonly reports: SubjectAccessReports,
    private readonly decisions: DecisionReplay,
    private readonly chain: AuditChain,
  ) {}

  @Query(() => [RecordedEvent], {
    description:
      'A page of a stream’s events with their metadata, secrets redacted; a page shorter than `first` is the last. ' +
      'NOT_FOUND for a stream the log does not hold.',
  })
  async streamHistory(
    @Caller() caller: CallerContext,
    @Args('streamId') streamId: string,
    @Args('first', firstOptions(STREAM_HISTORY_PAGE, 'events')) first: number | null,
    @Args('after', afterOptions('The `cursor` of the previous page’s last event: this page starts after it.')) after: string | null,
  ): Promise<RecordedEvent[]> {
    requireAuditor(caller);
    const events = await this.streams.events(streamId, { first, after });
    return events.map((e) => ({ ...e, globalPosition: String(e.globalPosition) }));
  }

  @Query(() => JSONScalar, {
    nullable: true,
    description: 'The aggregate’s state as of `at`, folded by its own decider over its events, secrets redacted; null when the stream had no event yet.',
  })
  async stateAt(
    @Caller() caller: CallerContext,
    @Args('streamId') streamId: string,
    @Args('at', { type: () => DateTimeScalar }) at: Date,
  ): Promise<unknown> {
    requireAuditor(caller);
    return this.streams.stateAt(streamId, at);
  }

  @Query(() => [AccessRecord], { description: 'Who did read: a page of access records, newest first; a page shorter than `first` is the last.' })
  async accessLog(
    @Caller() caller: CallerContext,
    @Args('filter', { type: () => AccessLogFilter, nullable: true }) filter: AccessLogFilter | null,
    @Args('first', firstOptions(ACCESS_LOG_PAGE, 'records')) first: number | null,
    @Args('after', afterOptions('The `cursor` of the previous page’s last record: this page starts after it.')) after: string | null,
  ): Promise<AccessRecord[]> {
    requireAuditor(caller);
    return this.accessRecords.list(filter ?? {}, { first, after });
  }

  @Query(() => [Department], {
    description: 'Who could read this field (of this subject) at `at`, from contract and consent history; the provider included.',
  })
  async whoCouldRead(
    @Caller() caller: CallerContext,
    @Args('datasetCode') datasetCode: string,
    @Args('field') field: string,
    @Args('subjectId', { type: () => ID, nullable: true }) subjectId: string | null,
    @Args('at', { type: () => DateTimeScalar }) at: Date,
  ): Promise<Department[]> {
    requireAuditor(caller);
    return this.whoCouldReadQuery.departments({ datasetCode, field, subjectId, at });
  }

  @Query(() => SubjectAccessReport, {
    description: 'Every read of a subject’s data, with the consents in force; JSON and CSV, a page at a time (`nextCursor`).',
  })
  async subjectAccessReport(
    @Caller() caller: CallerContext,
    @Args('subjectId', { type: () => ID }) subjectId: string,
    @Args('from', { type: () => DateTimeScalar, nullable: true }) from: Date | null,
    @Args('to', { type: () => DateTimeScalar, nullable: true }) to: Date | null,
    @Args('first', firstOptions(SUBJECT_REPORT_PAGE, 'reads')) first: number | null,
    @Args('after', afterOptions('The previous page’s `nextCursor`.')) after: string | null,
  ): Promise<SubjectAccessReport> {
    requireAuditor(caller);
    return this.reports.report(subjectId, { from, to }, this.config.clock.now(), { first, after });
  }

  @Query(() => DecisionReplayModel, {
    description: 'Each access record’s decision taken again over the snapshot it was taken on, a page of records at a time (`nextCursor`).',
  })
  async replayDecisions(
    @Caller() caller: CallerContext,
    @Args('from', { type: () => DateTimeScalar, nullable: true }) from: Date | null,
    @Args('to', { type: () => DateTimeScalar, nullable: true }) to: Date | null,
    @Args('first', firstOptions(REPLAY_PAGE, 'records')) first: number | null,
    @Args('after', afterOptions('The previous page’s `nextCursor`.')) after: string | null,
  ): Promise<DecisionReplayModel> {
    requireAuditor(caller);
    return this.decisions.replay({ from, to }, { first, after });
  }

  @Query(() => AuditVerification, { description: 'Recomputes the whole audit chain and names the first position that does not match.' })
  async verifyAuditChain(@Caller() caller: CallerContext): Promise<AuditVerification> {
    requireAuditor(caller);
    return this.chain.verify();
  }

  @Query(() => AuditChainStatus)
  async auditChainStatus(@Caller() caller: CallerContext): Promise<AuditChainStatus> {
    requireAuditor(caller);
    return this.chain.status();
  }

  @Query(() => JSONScalar, { description: 'A self-contained Merkle inclusion proof of one sealed event, checkable offline with node:crypto.' })
  async eventInclusionProof(@Caller() caller: CallerContext, @Args('globalPosition') globalPosition: string): Promise<unknown> {
    requireAuditor(caller);
    return this.chain.inclusionProof(globalPosition);
  }
}
