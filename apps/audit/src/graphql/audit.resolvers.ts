import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import type { CallerContext } from '@shuzhi/signing';
import { Caller, JSONScalar } from '@shuzhi/subgraph';
import { AccessLog } from '../access/access-log.js';
import { AUDIT_CONFIG, type AuditConfig } from '../audit.config.js';
import { AuditChain } from '../chain/audit-chain.js';
import { DecisionReplay } from '../decision-replay/decision-replay.js';
import { StreamHistory } from '../history/stream-history.js';
import { SubjectAccessReports } from '../subject-report/subject-access-report.js';
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

  @Query(() => [RecordedEvent], { description: 'A stream’s events with their metadata; NOT_FOUND for a stream the log does not hold.' })
  async streamHistory(@Caller() caller: CallerContext, @Args('streamId') streamId: string): Promise<RecordedEvent[]> {
    requireAuditor(caller);
    const events = await this.streams.events(streamId);
    return events.map((e) => ({ ...e, globalPosition: String(e.globalPosition) }));
  }

  @Query(() => JSONScalar, {
    nullable: true,
    description: 'The aggregate’s state as of `at`, folded by its own decider; null when the stream had no event yet.',
  })
  async stateAt(
    @Caller() caller: CallerContext,
    @Args('streamId') streamId: string,
    @Args('at', { type: () => DateTimeScalar }) at: Date,
  ): Promise<unknown> {
    requireAuditor(caller);
    return this.streams.stateAt(streamId, at);
  }

  @Query(() => [AccessRecord], { description: 'Who did read: access records, newest first.' })
  async accessLog(
    @Caller() caller: CallerContext,
    @Args('filter', { type: () => AccessLogFilter, nullable: true }) filter: AccessLogFilter | null,
  ): Promise<AccessRecord[]> {
    requireAuditor(caller);
    return this.accessRecords.list(filter ?? {});
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

  @Query(() => SubjectAccessReport, { description: 'Every read of a subject’s data, with the consents in force; JSON and CSV.' })
  async subjectAccessReport(
    @Caller() caller: CallerContext,
    @Args('subjectId', { type: () => ID }) subjectId: string,
    @Args('from', { type: () => DateTimeScalar, nullable: true }) from: Date | null,
    @Args('to', { type: () => DateTimeScalar, nullable: true }) to: Date | null,
  ): Promise<SubjectAccessReport> {
    requireAuditor(caller);
    return this.reports.report(subjectId, { from, to }, this.config.clock.now());
  }

  @Query(() => DecisionReplayModel, { description: 'Each access record’s decision taken again over the snapshot it was taken on.' })
  async replayDecisions(
    @Caller() caller: CallerContext,
    @Args('from', { type: () => DateTimeScalar, nullable: true }) from: Date | null,
    @Args('to', { type: () => DateTimeScalar, nullable: true }) to: Date | null,
  ): Promise<DecisionReplayModel> {
    requireAuditor(caller);
    return this.decisions.replay({ from, to });
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
