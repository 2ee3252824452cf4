import { createHash, randomUUID } from 'node:crypto';
import { GraphQLError, isAbstractType, type ExecutionResult, type FieldNode, type GraphQLSchema } from 'graphql';
import {
  decideAccess,
  decideDivisions,
  decideSubjects,
  scopedTypes,
  type AccessContext,
  type AccessLookup,
  type ContractCitation,
  type HashKey,
  type Lookup,
  type PolicyIndex,
  type PolicyRequest,
  type SupergraphTopology,
} from '@shuzhi/policy';
import type { EventStore } from '@shuzhi/event-store';
import type { SupergraphSource } from '../composition/supergraph-source.js';
import { gatewayError } from '../runtime/api-errors.js';
import type { OperationPolicy, OperationUnderDecision, PolicyVerdict } from '../runtime/operation-policy.js';
import type { AccessRecorder } from './access-recorder.js';
import { chinaDay, type DailyQuotaLedger, type QuotaCharge, type QuotaOverrun } from './daily-quota.js';
import { withoutDenied } from './denied-removal.js';
import { AT_ALIAS, CURSOR_ALIAS, FEED_ORIGIN, feedDocument, feedSelections, readFeed, type FeedOperation } from './feed-operation.js';
import type { FeedRegistry } from './feed-registry.js';
import { GovernedFeed, type FeedStep } from './governed-feed.js';
import type { GatewayPolicySnapshot } from './gateway-policy-snapshot.js';
import { argumentUses, recordedValue, VariablesRefused, type ArgumentUse } from './operation-arguments.js';
import { OperationReadings, ReservedNameUsed, operationOf, type OperationReading, type SelectionTree } from './operation-selections.js';
import { shapeResult } from './result-shaping.js';

const coordinate = (f: { type: string; field: string }) => `${f.type}.${f.field}`;

/** A purpose code as governance registers them; anything else is refused before it is looked up or stored. */
const PURPOSE_CODE = /^[A-Z][A-Z0-9_]{1,62}$/;
/** The introspection fields: they describe the graph, not anyone's data, and leave no record. */
const INTROSPECTION = /^(__\w+\.\w+|Query\.__schema|Query\.__type|(Query|Mutation|Subscription)\.__typename)$/;

/** The department whose subgraphs answer `field`, when they all belong to one. */
const ownerOf = (topology: SupergraphTopology, index: PolicyIndex, field: string): string | null => {
  const departments = new Set((topology.fieldSubgraphs.get(field) ?? []).map((name) => index.subgraphs.get(name)?.department ?? null));
  const [only] = departments;
  return departments.size === 1 && only ? only : null;
};

/**
 * When, and as which decision, a result is finished: an operation's own, or, for a change feed,
 * each change's (its own decision id and time, and the instant the change was made).
 */
interface DecisionMoment {
  at: string;
  decisionId: string;
  snapshotCheckpoint: string | null;
  /** The change's instant: a consent given after it does not cover it. */
  changedAt?: number;
}

/**
 * A verdict, and for an allowed one what partial mode left out of it, the contracts it cites,
 * and its finisher for a moment of the caller's choosing (a feed's change).
 */
type Judged = PolicyVerdict & {
  signature?: string;
  contracts?: readonly ContractCitation[];
  finishAt?: (result: ExecutionResult, moment: DecisionMoment) => Promise<ExecutionResult>;
};

/**
 * A feed's last allowed decision, served again for its next changes while nothing it rests on
 * changes: the same policy index and quotas, the same supergraph, the snapshot following the log,
 * and no contract starting or ending before `until` (epoch ms). Each change is still finished
 * as a decision of its own: its time, id, consent of its subject, division, quota and record.
 */
interface FeedJudgement {
  judged?: Judged;
  index?: unknown;
  quotas?: unknown;
  topology?: unknown;
  until: number;
}

/** How a change feed is served: its buffer, and where it starts when the caller gives no cursor. */
export interface FeedSettings {
  store: Pick<EventStore, 'head'>;
  registry: FeedRegistry;
  /** Changes that may wait for a slow caller before its feed is cut. */
  bufferSize: number;
  /** Feeds one client may have open on this gateway: each holds a connection to a subgraph and a buffer. */
  maxPerClient: number;
}

const isPlatform = (topology: SupergraphTopology, coordinateOf: string) =>
  topology.platformFields.includes(coordinateOf) || topology.platformTypes.includes(coordinateOf.slice(0, coordinateOf.indexOf('.')));


/**
 * The enforcement point: every selected field, and every argument that looks rows up, is decided
 * by `@shuzhi/policy` against the gateway's policy snapshot before any subgraph is asked; the
 * result is shaped (consent per row, masks) and recorded before it leaves. Every operation that
 * reads anything but the schema itself is recorded: a department's reads of its own data, an
 * auditor's reads of history and a channel's reads of consents as much as a consumer's reads.
 *
 * Refusal by default: one denied field refuses the whole operation with CONTRACT_REQUIRED or
 * PURPOSE_REQUIRED, naming every denied `Type.field`. `X-Partial: allow` serves the rest, but a
 * denied field is never executed: it is left out of the operation the subgraphs receive, and a
 * root field whose whole selection is denied (or whose lookup is refused) is refused whole. A
 * missing purpose is never waived.
 *
 * Daily row quota: once the result is shaped (and so the rows it serves are known), the rows
 * served under each cited contract that has a quota are counted against that contract's
 * China day; an operation that would take any of them past its quota is refused whole with
 * QUOTA_EXCEEDED, recorded as a refusal, and counts nothing.
 */
export class ContractEnforcement implements OperationPolicy {
  readonly name = 'contract-enforcement';
  private readonly readings = new OperationReadings();
  private boundKeys: { of: unknown; topology: unknown; keys: ReadonlyMap<string, string> } = { of: undefined, topology: undefined, keys: new Map() };
  private contractStarts: { of: unknown; starts: ReadonlyMap<string, number> } = { of: undefined, starts: new Map() };

  constructor(
    private readonly snapshot: GatewayPolicySnapshot,
    private readonly supergraph: SupergraphSource,
    private readonly recorder: AccessRecorder,
    private readonly quotaLedger: DailyQuotaLedger,
    private readonly hashKey: HashKey,
    private readonly feeds: FeedSettings,
  ) {}

  async decide(operation: OperationUnderDecision): Promise<PolicyVerdict> {
    const reading = this.readings.read(operation.schema, operation.document, operation.operationName);
    // Nothing the decision can read is nothing to run (graphql-js refuses it too): refused, never waved through.
    if (!reading) return { allowed: false, error: gatewayError('VALIDATION_FAILED', 'the request names no operation to run') };
    if (reading.selections.every((s) => INTROSPECTION.test(coordinate(s)))) return { allowed: true };
    // Consent, keys and masks are shaped by the type of each selection set: through an interface
    // or a union, a governed row could not be told apart. None is in the graph; should a subgraph
    // bring one over governed types, its operations are refused rather than shaped wrongly.
    const abstract = governedAbstractTypes(operation.schema, reading.tree, this.snapshot.current().index);
    if (abstract.length > 0) {
      return { allowed: false, error: gatewayError('VALIDATION_FAILED', `${abstract.join(', ')} may hold governed rows; select them through their own types`) };
    }
    if (reading.definition.operation === 'subscription') return this.openFeed(operation, reading);
    return this.judge(operation, reading);
  }

  /**
   * The decision on an operation as the snapshot stands now: refused (and recorded), or allowed
   * with the document to run and the finisher that shapes and records its result. `signature`
   * says what partial mode left out, so that a feed can tell when that changes.
   */
  private async judge(operation: OperationUnderDecision, reading: OperationReading, feed?: FeedOperation): Promise<Judged> {
    const { tree } = reading;
    const following = await this.snapshot.following();
    const declared = operation.request.purpose;
    const known = (purpose: string) => PURPOSE_CODE.test(purpose) && this.snapshot.current().index.purposes.has(purpose);
    // A purpose registered a moment ago may not have reached this gateway yet: it looks once more.
    if (declared !== null && PURPOSE_CODE.test(declared) && !known(declared)) await this.snapshot.catchUpNow();
    const { index, checkpoint, quotas } = this.snapshot.current();
    const { caller } = operation.request;
    const topology = this.supergraph.topology;
    const at = new Date().toISOString();
    const operationHash = createHash('sha256')
      .update(JSON.stringify({ query: reading.printed, operationName: operation.operationName ?? null, variables: operation.variables }))
      .digest('hex');
    const judgedAt: DecisionMoment = { at, decisionId: operation.request.decisionId, snapshotCheckpoint: checkpoint };
    const context = (purpose: string | null, moment = judgedAt): AccessContext => ({
      clientId: caller.clientId,
      department: caller.department,
      purpose,
      decisionId: moment.decisionId,
      correlationId: operation.request.correlationId,
      at: moment.at,
      snapshotCheckpoint: moment.snapshotCheckpoint,
      operationHash,
    });

    if (declared !== null && !known(declared)) {
      // The unknown text is neither stored nor echoed.
      const reason = 'X-Purpose names no registered purpose (see the purposes query)';
      return this.refuse(operation, { ...context(null), code: 'PURPOSE_REQUIRED', reason, deniedFields: [], contracts: [], lookups: [] }, gatewayError('PURPOSE_REQUIRED', reason));
    }
    const purpose = declared;

    let uses: ArgumentUse[];
    try {
      uses = argumentUses(operation.schema, reading.definition, operation.document, operation.variables, topology);
    } catch (error) {
      if (error instanceof VariablesRefused) return { allowed: false, error: gatewayError('VALIDATION_FAILED', error.message) };
      throw error;
    }
    // Mutations are commands, authorised by their subgraph's decider; their answers are reads.
    const governed = uses.filter((use) => reading.definition.operation !== 'mutation' || use.path.includes('.'));
    const lookupOf = new Map<ArgumentUse, Lookup>();
    for (const use of governed) {
      if (isPlatform(topology, use.coordinate) || use.reads === 'none') continue;
      lookupOf.set(use, { via: `${use.coordinate}(${use.argument})`, reads: use.reads, owner: ownerOf(topology, index, use.coordinate) });
    }
    const selections = feed ? feedSelections(reading.selections, feed, topology.entityKeys.get(feed.declaration.entityType) ?? 'id') : reading.selections;
    const request: PolicyRequest = {
      caller,
      purpose,
      at,
      platformTypes: topology.platformTypes,
      platformFields: topology.platformFields,
      selections,
      lookups: [...lookupOf.values()],
      entityKeys: topology.entityKeys,
    };
    const decision = decideAccess(request, index);
    const governsData = decision.contracts.length > 0 || decision.denied.length > 0 || decision.allowed.some((a) => a.reason === 'own data');
    // Every argument is recorded, the commands' too (a mutation that finds a row by what it is
    // given says whose row it looked for), decided or not.
    const recordedLookups = (allowedVias: ReadonlySet<string>): AccessLookup[] =>
      uses.map((use) => {
        const lookup = lookupOf.get(use);
        const via = `${use.coordinate}(${use.argument})`;
        return {
          via,
          field: use.reads && use.reads !== 'none' ? coordinate(use.reads) : null,
          value: recordedValue(use.value),
          contractId: decision.lookups.find((l) => l.via === via)?.contractId ?? null,
          allowed: !lookup || allowedVias.has(via),
        };
      });
    const allowedVias = new Set(decision.lookups.map((l) => l.via));

    if (governsData && !following) {
      const reason = 'the gateway\'s policy has not followed the log for more than 5 s: governed data is not served until it catches up';
      return this.refuse(operation, { ...context(purpose), code: 'INTERNAL', reason, deniedFields: [], contracts: [], lookups: recordedLookups(allowedVias) }, gatewayError('INTERNAL', reason));
    }

    const partial = operation.headers['x-partial']?.trim().toLowerCase() === 'allow';
    const deniedFields = [...new Set(decision.denied.filter((d) => !d.via).map(coordinate))];
    const deniedArguments = [...new Set(decision.denied.flatMap((d) => (d.via ? [d.via] : [])))];
    const withoutPurpose = decision.denied.some((d) => d.code === 'PURPOSE_REQUIRED');
    if (decision.outcome === 'DENY' || (decision.denied.length > 0 && (!partial || withoutPurpose))) {
      const code = decision.code ?? 'CONTRACT_REQUIRED';
      const reason = decision.reason ?? `no contract grants ${deniedFields.join(', ')}`;
      return this.refuse(
        operation,
        { ...context(purpose), code, reason, deniedFields, contracts: decision.contracts, lookups: recordedLookups(allowedVias) },
        gatewayError(code, reason, {
          fields: [...new Set(decision.denied.map(coordinate))],
          ...(deniedArguments.length > 0 ? { arguments: deniedArguments } : {}),
          ...(decision.contracts.length > 0 ? { contractIds: decision.contracts.map((c) => c.id) } : {}),
        }),
      );
    }

    // Partial: what is denied is left out of the operation itself.
    const deniedVias = new Set(deniedArguments);
    const refusedNodes = new Set<FieldNode>(
      [...lookupOf].flatMap(([use, lookup]) => (deniedVias.has(lookup.via) ? [use.node] : [])),
    );
    const kept = withoutDenied(operation.schema, operation.document, new Set(deniedFields), refusedNodes);
    if (kept.empty) {
      const reason = decision.reason ?? 'nothing the operation selects may be read';
      return this.refuse(
        operation,
        { ...context(purpose), code: decision.code ?? 'CONTRACT_REQUIRED', reason, deniedFields, contracts: decision.contracts, lookups: recordedLookups(allowedVias) },
        gatewayError(decision.code ?? 'CONTRACT_REQUIRED', reason, {
          fields: [...new Set(decision.denied.map(coordinate))],
          ...(deniedArguments.length > 0 ? { arguments: deniedArguments } : {}),
        }),
      );
    }
    const keys = this.keysOfBoundTypes(index.types, topology);
    let document;
    try {
      // Rows of a type served under a scoped contract, and rows a scoped lookup finds, say where they lie.
      const located = new Set([...scopedTypes(decision), ...decision.lookups.flatMap((l) => (l.divisionScope !== undefined ? [l.field.slice(0, l.field.indexOf('.'))] : []))]);
      document = this.readings.withKeys(operation.schema, kept.document, operation.operationName, keys, located);
    } catch (error) {
      if (error instanceof ReservedNameUsed) return { allowed: false, error: gatewayError('VALIDATION_FAILED', error.message) };
      throw error;
    }
    const denialErrors = [
      ...decision.denied
        .filter((d) => !d.via)
        .flatMap((d) => selections.filter((s) => s.type === d.type && s.field === d.field && s.path).map((s) => ({ denied: d, path: s.path!.split('.') }))),
      ...[...lookupOf]
        .filter(([, lookup]) => deniedVias.has(lookup.via))
        .map(([use, lookup]) => ({ denied: decision.denied.find((d) => d.via === lookup.via)!, path: use.path.split('.') })),
    ].map(({ denied, path }) => new GraphQLError(denied.reason, { path, extensions: { code: denied.code, reason: denied.reason, fields: [coordinate(denied)] } }));
    // The root fields that look a row up, each with the allowed lookups it rests on.
    const rootLookups = [...lookupOf].flatMap(([use, lookup]) => (use.path.includes('.') ? [] : [{ key: use.path, allowed: decision.lookups.filter((l) => l.via === lookup.via) }]));
    const consentLookups = rootLookups.filter(({ allowed }) => allowed.some((l) => l.consentRequired)).map(({ key }) => key);
    const scopedLookups = rootLookups.flatMap(({ key, allowed }) => {
      const scope = allowed.find((l) => l.divisionScope !== undefined)?.divisionScope;
      return scope === undefined ? [] : [{ key, scope }];
    });

    const finishAt = async (result: ExecutionResult, moment: DecisionMoment): Promise<ExecutionResult> => {
      const shaped = shapeResult(result.data as Record<string, unknown> | null | undefined, tree, {
        decision,
        keys,
        hashKey: this.hashKey,
        decideRows: (rows) => decideSubjects(decision, { ...request, at: moment.at, changedAt: moment.changedAt, subjects: rows }, index),
        decideDivisions: (rows) => decideDivisions(decision, rows),
        consentLookups,
        scopedLookups,
      });
      const served = [...new Set(decision.allowed.map(coordinate))];

      const day = chinaDay(moment.at);
      const charges: QuotaCharge[] = [...shaped.rowsByContract].flatMap(([contractId, rows]) => {
        const dailyQuota = quotas.get(contractId);
        return dailyQuota === undefined ? [] : [{ contractId, rows, dailyQuota }];
      });
      let quota;
      try {
        quota = await this.quotaLedger.charge(day, charges);
      } catch (error) {
        console.error('gateway: the daily quota could not be counted; nothing is served:', error);
        return { errors: [gatewayError('INTERNAL', 'the daily quota could not be counted, so nothing is served; try again')] };
      }
      if (!quota.charged) {
        const over = new Set(quota.overruns.map((o) => o.contractId));
        const reason = quota.overruns.map(overrunReason).join('; ');
        const refused = await this.record(operation, {
          type: 'AccessRefused',
          data: {
            ...context(purpose, moment),
            code: 'QUOTA_EXCEEDED',
            reason,
            deniedFields: [...new Set(decision.allowed.filter((a) => a.contractId !== null && over.has(a.contractId)).map(coordinate))],
            contracts: decision.contracts,
            lookups: recordedLookups(allowedVias),
          },
        });
        if (!refused) return { errors: [unrecorded()] };
        return { errors: [gatewayError('QUOTA_EXCEEDED', reason, { contractIds: [...over] })] };
      }

      const recorded = await this.record(operation, {
        type: 'AccessRecorded',
        data: {
          ...context(purpose, moment),
          outcome: decision.denied.length > 0 || shaped.withheld.length > 0 ? 'PARTIAL' : 'ALLOW',
          contracts: decision.contracts,
          fields: served,
          maskedFields: [...shaped.masked].map(([field, rule]) => ({ field, rule })),
          deniedFields,
          subjects: uniqueSubjects(shaped.subjects),
          withheldSubjects: shaped.withheld,
          lookups: recordedLookups(allowedVias),
        },
      });
      if (!recorded) {
        // Nothing is served, so nothing is counted either.
        await this.quotaLedger.refund(day, charges).catch((error: unknown) => console.error('gateway: a quota refund failed:', error));
        return { errors: [unrecorded()] };
      }
      const errors = [...(result.errors ?? []), ...denialErrors, ...shaped.errors];
      return { ...result, data: shaped.data, ...(errors.length > 0 ? { errors } : {}) };
    };
    return {
      allowed: true,
      document,
      signature: `${deniedFields.sort().join(',')}|${deniedArguments.sort().join(',')}`,
      contracts: decision.contracts,
      finish: (result: ExecutionResult) => finishAt(result, judgedAt),
      finishAt,
    };
  }

  /**
   * A change feed, decided as a read when it opens (refused, or allowed with what it may select),
   * and then again for each change at delivery: `feed` governs the subgraph's stream.
   */
  private async openFeed(operation: OperationUnderDecision, reading: OperationReading): Promise<PolicyVerdict> {
    let uses: ArgumentUse[];
    try {
      uses = argumentUses(operation.schema, reading.definition, operation.document, operation.variables, this.supergraph.topology);
    } catch (error) {
      if (error instanceof VariablesRefused) return { allowed: false, error: gatewayError('VALIDATION_FAILED', error.message) };
      throw error;
    }
    const feed = readFeed(reading, this.supergraph.topology, uses);
    if ('refused' in feed) return { allowed: false, error: gatewayError('VALIDATION_FAILED', feed.refused) };
    if (this.feeds.registry.openBy(operation.request.caller.clientId) >= this.feeds.maxPerClient) {
      const reason = `a client may have ${this.feeds.maxPerClient} change feeds open on a gateway at once; close one first`;
      return { allowed: false, error: gatewayError('QUOTA_EXCEEDED', reason) };
    }
    const opened = await this.judge(operation, reading, feed);
    if (!opened.allowed) return opened;
    const startCursor = feed.after ?? (await this.feeds.store.head()) ?? FEED_ORIGIN;
    const kept = opened.document ?? operation.document;
    const definition = operationOf(kept, operation.operationName);
    if (!definition) return { allowed: false, error: gatewayError('VALIDATION_FAILED', 'the request names no operation to run') };
    return {
      allowed: true,
      document: feedDocument(kept, definition, feed, startCursor),
      feed: (upstream) => {
        const judgement: FeedJudgement = { until: 0 };
        const { gone } = operation.request;
        const closeWithConnection = () => void governed.return();
        const governed: GovernedFeed = new GovernedFeed(upstream, (change) => this.finishChange(operation, reading, feed, opened.signature, judgement, change), startCursor, this.feeds.bufferSize, () => {
          this.feeds.registry.remove(watched);
          // A socket carries many feeds in turn: each lets go of it when it ends.
          gone?.removeEventListener('abort', closeWithConnection);
        });
        const watched = {
          caller: operation.request.caller,
          recheck: async () => {
            const now = await this.judge({ ...operation, request: { ...operation.request, decisionId: randomUUID() } }, reading, feed);
            if (!now.allowed) governed.end(now.error);
            else if (now.signature !== opened.signature) governed.end(grantsChanged(), { resumable: true });
          },
          end: (error: GraphQLError, options?: { resumable?: boolean }) => governed.end(error, options),
        };
        this.feeds.registry.add(watched);
        if (gone?.aborted) closeWithConnection();
        else gone?.addEventListener('abort', closeWithConnection, { once: true });
        return governed;
      },
    };
  }

  /**
   * One change, at delivery: the policy as of the change at least (a suspension or withdrawal
   * that came before it in the log applies to it), the decision taken again as for a read, then
   * shaped and recorded by its finisher. A change whose entity is withheld is passed, not sent.
   */
  private async finishChange(
    operation: OperationUnderDecision,
    reading: OperationReading,
    feed: FeedOperation,
    signature: string | undefined,
    judgement: FeedJudgement,
    result: ExecutionResult,
  ): Promise<FeedStep> {
    const change = result.data?.[feed.rootKey] as Record<string, unknown> | null | undefined;
    const cursor = change?.[CURSOR_ALIAS];
    const occurredAt = Date.parse(String(change?.[AT_ALIAS]));
    if (!change || typeof cursor !== 'string' || Number.isNaN(occurredAt)) {
      // The subgraph's own last word (a feed cut behind the gateway, a refused cursor) goes on as it came.
      const [error] = result.errors ?? [];
      return { end: error ? new GraphQLError(error.message, { extensions: error.extensions }) : gatewayError('INTERNAL', 'a change came without its cursor') };
    }
    delete change[CURSOR_ALIAS];
    delete change[AT_ALIAS];
    if (!(await this.snapshot.reached(cursor))) {
      return { end: gatewayError('INTERNAL', 'the gateway\'s policy has not caught up with this change: nothing is served until it does; resume after extensions.cursor'), resumable: true };
    }
    // A consent given after the change does not reach back to it, as a contract does not (below).
    const moment: DecisionMoment = { at: new Date().toISOString(), decisionId: randomUUID(), snapshotCheckpoint: this.snapshot.current().checkpoint, changedAt: occurredAt };
    const judged = await this.judgeChange(operation, reading, feed, judgement, moment);
    if (!judged.allowed) return { end: judged.error };
    if (judged.signature !== signature || !judged.finishAt) return { end: grantsChanged(), resumable: true };
    // A contract grants from its start: a change made before a contract it is read under was in
    // force is history that contract never shared (a feed read from an old cursor passes it).
    if (occurredAt < this.grantedSince(judged.contracts ?? [])) return { skip: true, cursor };
    const finished = await judged.finishAt(result, moment);
    const delivered = finished.data?.[feed.rootKey] as Record<string, unknown> | null | undefined;
    if (!delivered) return { end: finished.errors?.[0] ?? gatewayError('INTERNAL', 'the change could not be served') };
    if (feed.entityKeys.every((key) => delivered[key] === null || delivered[key] === undefined)) return { skip: true, cursor };
    return { deliver: finished, cursor };
  }

  /**
   * The decision a feed's change is delivered under: the feed's last one while nothing it rests on
   * has changed (`FeedJudgement`), else taken again, as `moment`'s decision.
   */
  private async judgeChange(operation: OperationUnderDecision, reading: OperationReading, feed: FeedOperation, judgement: FeedJudgement, moment: DecisionMoment): Promise<Judged> {
    // Following first: a catch-up it makes may bring a suspension or a withdrawal the index must show.
    const following = await this.snapshot.following();
    const { index, quotas } = this.snapshot.current();
    const topology = this.supergraph.topology;
    const now = Date.parse(moment.at);
    const same = judgement.index === index && judgement.quotas === quotas && judgement.topology === topology && now < judgement.until;
    if (judgement.judged && same && following) return judgement.judged;
    // Read before the decision: should the snapshot move meanwhile, the next change decides again.
    Object.assign(judgement, { judged: undefined, index, quotas, topology, until: nextContractBoundary(index, now) });
    const judged = await this.judge({ ...operation, request: { ...operation.request, decisionId: moment.decisionId } }, reading, feed);
    if (judged.allowed) judgement.judged = judged;
    return judged;
  }

  /** The instant from which every one of these contracts was in force (epoch ms; 0 for none). */
  private grantedSince(citations: readonly ContractCitation[]): number {
    if (citations.length === 0) return 0;
    const contracts = this.snapshot.current().index.contracts;
    if (this.contractStarts.of !== contracts) {
      const starts = new Map<string, number>();
      for (const list of contracts.values()) for (const c of list) starts.set(c.id, c.validFrom);
      this.contractStarts = { of: contracts, starts };
    }
    // A contract the index no longer holds is in force nowhere: nothing is older than that.
    return Math.max(...citations.map((c) => this.contractStarts.starts.get(c.id) ?? Number.POSITIVE_INFINITY));
  }

  /** Entity keys of the types the catalog binds, recomputed only when the index or the supergraph changes. */
  private keysOfBoundTypes(types: ReadonlyMap<string, unknown>, topology: SupergraphTopology): ReadonlyMap<string, string> {
    if (this.boundKeys.of !== types || this.boundKeys.topology !== topology) {
      const keys = new Map<string, string>();
      for (const type of types.keys()) {
        const key = topology.entityKeys.get(type);
        if (key) keys.set(type, key);
      }
      this.boundKeys = { of: types, topology, keys };
    }
    return this.boundKeys.keys;
  }

  /** Records the refusal, then refuses with `error`; unrecorded, it refuses with INTERNAL. */
  private async refuse(
    operation: OperationUnderDecision,
    data: Extract<Parameters<AccessRecorder['record']>[0], { type: 'AccessRefused' }>['data'],
    error: GraphQLError,
  ): Promise<PolicyVerdict> {
    const recorded = await this.record(operation, { type: 'AccessRefused', data });
    return { allowed: false, error: recorded ? error : unrecorded() };
  }

  private async record(operation: OperationUnderDecision, event: Parameters<AccessRecorder['record']>[0]): Promise<boolean> {
    const { caller, correlationId } = operation.request;
    try {
      await this.recorder.record(event, { department: caller.department, client: caller.clientId, role: caller.roles.join(',') }, correlationId);
      return true;
    } catch (error) {
      console.error('gateway: an access record could not be written; nothing is served:', error);
      return false;
    }
  }
}

/** The first instant after `now` at which a contract starts or ends (epoch ms): a decision taken now holds until then. */
const nextContractBoundary = (index: PolicyIndex, now: number): number => {
  let next = Number.POSITIVE_INFINITY;
  for (const list of index.contracts.values()) {
    for (const { validFrom, validTo } of list) {
      if (validFrom > now && validFrom < next) next = validFrom;
      if (validTo > now && validTo < next) next = validTo;
    }
  }
  return next;
};

const grantsChanged = () =>
  gatewayError('CONTRACT_REQUIRED', 'what this feed may read has changed since it opened: subscribe again after extensions.cursor to be served what you may read now');

const unrecorded = () => gatewayError('INTERNAL', 'the access could not be recorded, so nothing is served; try again');

/** The interfaces and unions the operation selects through whose possible types a dataset binds. */
const governedAbstractTypes = (schema: GraphQLSchema, tree: SelectionTree, index: PolicyIndex): string[] => {
  const found = new Set<string>();
  const walk = (node: SelectionTree) => {
    const type = schema.getType(node.type);
    if (type && isAbstractType(type) && schema.getPossibleTypes(type).some((t) => index.types.has(t.name))) found.add(type.name);
    for (const selected of node.fields.values()) if (selected.children) walk(selected.children);
  };
  walk(tree);
  return [...found];
};

const overrunReason = (o: QuotaOverrun) =>
  `contract ${o.contractId} allows ${o.dailyQuota} rows a day (China time); ${o.used} already served today, ` +
  `and this operation would serve ${o.requested} more`;

const uniqueSubjects = (subjects: ReadonlyArray<{ type: string; id: string }>) => {
  const seen = new Set<string>();
  return subjects.filter((s) => {
    const key = `${s.type}\u0000${s.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};
