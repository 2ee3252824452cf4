import { Inject, Injectable } from '@nestjs/common';
import type { Checkpoint, EventStore, RecordedEvent } from '@shuzhi/event-store';
import {
  ACCESS_EVENT_TYPES,
  ACCESS_STREAM_PREFIX,
  decideAccess,
  decideSubjects,
  type AccessEvent,
  type PolicyDecision,
  type PolicyIndex,
  type PolicyRequest,
} from '@shuzhi/policy';
import { ValidationFailed } from '@shuzhi/shared-kernel';
import { AUDIT_CONFIG, type AuditSources } from '../audit.config.js';
import { PolicyHistory } from '../history/policy-history.js';
import { decodeCursor, encodeCursor, pageSizeOf, type PageLimits, type PageRequest } from '../paging/page.js';

export interface DecisionMismatch {
  globalPosition: string;
  recordId: string;
  /** Which part of the decision differs: `fields`, `deniedFields`, `maskedFields`, `contracts`, `withheldSubjects`. */
  what: string;
  recorded: unknown;
  replayed: unknown;
}

export interface DecisionReplayResult {
  checked: number;
  mismatches: DecisionMismatch[];
  /** Where the next page starts (`after`); null once the log is read to its end. */
  nextCursor: string | null;
}

export interface ReplayRange {
  /** Inclusive bounds on the decision's instant. */
  from?: Date | null;
  to?: Date | null;
}

/** Called as the records of a page are checked, for a progress display. */
export type ReplayProgress = (checked: number, total: number) => void;

/**
 * Records decided again per call: a range can be the whole log. Each page folds governance's
 * history again up to its records' snapshots; long replays will become jobs of their own.
 */
export const REPLAY_PAGE: PageLimits = { default: 100, max: 1_000 };

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);
const READ_PAGE = 1_000;
const CURSOR_KIND = 'replayDecisions';

const typeOf = (coordinate: string) => coordinate.slice(0, coordinate.indexOf('.'));
const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/**
 * Decision replay: each access record's decision is taken again by `@shuzhi/policy` over the
 * policy snapshot as of the record's `snapshotCheckpoint` (the position the gateway's snapshot
 * was at), for the same department, purpose, instant and fields, and compared with what the
 * record says was served. A page of records is taken in checkpoint order, so it folds the
 * governance history once.
 *
 * What the record does not hold is taken from it: which types belong to the platform's own
 * subgraphs (served by role, not by contract) follows from the supergraph, not from policy, so
 * a served field of a type the snapshot does not bind counts as a platform field, and root
 * fields (entry points, decided on the fields beneath them) are not re-decided. Every field
 * of a type the catalog binds is re-decided, keys included.
 */
@Injectable()
export class DecisionReplay {
  constructor(@Inject(AUDIT_CONFIG) private readonly sources: AuditSources) {}

  /** The next `first` access records of the range in log order, from its start or after the cursor `after`. */
  async replay(range: ReplayRange = {}, page: PageRequest = {}, progress?: ReplayProgress): Promise<DecisionReplayResult> {
    if (range.from && range.to && range.from > range.to) {
      throw new ValidationFailed(`from (${range.from.toISOString()}) is after to (${range.to.toISOString()})`);
    }
    const size = pageSizeOf(page.first, REPLAY_PAGE);
    const store = this.sources.store;
    const after = page.after == null ? undefined : checkpointOfCursor(store, page.after);
    const { records, last } = await accessRecordsIn(store, range, after, size);
    records.sort((a, b) => compareOptional(store, checkpointOf(a), checkpointOf(b)) || a.globalPosition - b.globalPosition);

    const history = new PolicyHistory(store);
    const mismatches: DecisionMismatch[] = [];
    let checked = 0;
    for (const record of records) {
      const checkpoint = checkpointOf(record);
      if (checkpoint) await history.advanceTo(checkpoint);
      mismatches.push(...compareRecord(record, history.index()));
      checked += 1;
      progress?.(checked, records.length);
    }
    mismatches.sort((a, b) => Number(BigInt(a.globalPosition) - BigInt(b.globalPosition)));
    return { checked, mismatches, nextCursor: last === undefined ? null : encodeCursor(CURSOR_KIND, [last]) };
  }
}

const checkpointOfCursor = (store: EventStore, cursor: string): Checkpoint => {
  const [checkpoint] = decodeCursor(CURSOR_KIND, cursor, 1) as [Checkpoint];
  try {
    store.compareCheckpoints(checkpoint, checkpoint);
  } catch {
    throw new ValidationFailed('after is not a cursor of replayDecisions: pass the cursor a page of the same query answered');
  }
  return checkpoint;
};

const checkpointOf = (record: RecordedEvent): Checkpoint | null =>
  ((record.data as AccessEvent['data']).snapshotCheckpoint as Checkpoint | null) ?? null;

const compareOptional = (store: EventStore, a: Checkpoint | null, b: Checkpoint | null) =>
  a === b ? 0 : a === null ? -1 : b === null ? 1 : store.compareCheckpoints(a, b);

/**
 * Up to `size` access records after `after` whose decision instant lies in the range, from every
 * day's stream, in log order; `last`: where the next page resumes, undefined at the end of the log.
 */
const accessRecordsIn = async (
  store: EventStore,
  range: ReplayRange,
  after: Checkpoint | undefined,
  size: number,
): Promise<{ records: RecordedEvent[]; last: Checkpoint | undefined }> => {
  const records: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after, limit: READ_PAGE, types: ACCESS_EVENT_TYPES, streamPrefix: ACCESS_STREAM_PREFIX });
    for (const event of page.events) {
      const at = Date.parse((event.data as AccessEvent['data']).at);
      if (range.from && at < range.from.getTime()) continue;
      if (range.to && at > range.to.getTime()) continue;
      records.push(event);
      if (records.length === size) return { records, last: event.checkpoint };
    }
    after = page.checkpoint ?? after;
    if (page.endOfLog) return { records, last: undefined };
  }
};

/** The record's decision taken again over `index`, and what differs. */
export const compareRecord = (recorded: RecordedEvent, index: PolicyIndex): DecisionMismatch[] => {
  const event = recorded as unknown as AccessEvent;
  const served = event.type === 'AccessRecorded' ? event.data.fields : [];
  const denied = event.data.deniedFields;
  const bound = (coordinate: string) => index.types.has(typeOf(coordinate));
  const platformTypes = sorted(served.filter((c) => !bound(c) && !ROOT_TYPES.has(typeOf(c))).map(typeOf));
  // A denied root field had nothing beneath it (or no dataset binds it): decided again as it stands.
  const selections = sorted([...served.filter((c) => !ROOT_TYPES.has(typeOf(c))), ...denied])
    .map((c) => ({ type: typeOf(c), field: c.slice(c.indexOf('.') + 1) }));
  const request: PolicyRequest = {
    caller: { clientId: event.data.clientId, department: event.data.department, roles: [] },
    purpose: event.data.purpose,
    at: event.data.at,
    platformTypes,
    selections,
  };
  const decision = decideAccess(request, index);
  const mismatch = (what: string, was: unknown, now: unknown): DecisionMismatch => ({
    globalPosition: String(recorded.globalPosition),
    recordId: recorded.eventId,
    what,
    recorded: was,
    replayed: now,
  });
  const allowed = sorted(decision.allowed.map((a) => `${a.type}.${a.field}`));
  const refused = sorted(decision.denied.map((d) => `${d.type}.${d.field}`));

  if (event.type === 'AccessRefused') {
    // A quota refusal withholds fields the policy granted; any other refusal names what it denied.
    const expectDenied = event.data.code !== 'QUOTA_EXCEEDED';
    const disagreeing = sorted(denied).filter((c) => (expectDenied ? !refused.includes(c) : !allowed.includes(c)));
    // The fields a refusal would have served are not recorded, so neither are the contracts they rest on.
    return disagreeing.length > 0 ? [mismatch(expectDenied ? 'deniedFields' : 'fields', sorted(denied), expectDenied ? refused : allowed)] : [];
  }

  const out: DecisionMismatch[] = [];
  const recordedServed = sorted(served.filter((c) => !ROOT_TYPES.has(typeOf(c))));
  if (!sameList(recordedServed, allowed)) out.push(mismatch('fields', recordedServed, allowed));
  if (!sameList(sorted(denied), refused)) out.push(mismatch('deniedFields', sorted(denied), refused));
  out.push(...compareContracts(event.data.contracts, decision, mismatch));

  // The record lists the masks it applied to values present in the answer; each must be the rule the policy gives.
  const rules = new Map(decision.allowed.map((a) => [`${a.type}.${a.field}`, a.mask as string]));
  const wrongMasks = event.data.maskedFields.filter(({ field, rule }) => rules.get(field) !== rule);
  if (wrongMasks.length > 0) {
    out.push(mismatch('maskedFields', wrongMasks, wrongMasks.map(({ field }) => ({ field, rule: rules.get(field) ?? null }))));
  }

  const rows = [...event.data.subjects, ...event.data.withheldSubjects].map(({ type, id }) => ({
    type,
    subjectId: id,
    fields: served.filter((c) => typeOf(c) === type).map((c) => c.slice(type.length + 1)),
  }));
  const verdicts = decideSubjects(decision, { ...request, subjects: rows }, index);
  const withheldNow = sorted(verdicts.filter((v) => v.verdict !== 'ALLOW').map((v) => `${v.type}:${v.subjectId}`));
  const withheldThen = sorted(event.data.withheldSubjects.map((s) => `${s.type}:${s.id}`));
  if (!sameList(withheldThen, withheldNow)) out.push(mismatch('withheldSubjects', withheldThen, withheldNow));
  return out;
};

const compareContracts = (
  recorded: ReadonlyArray<{ id: string; version: number }>,
  decision: PolicyDecision,
  mismatch: (what: string, was: unknown, now: unknown) => DecisionMismatch,
): DecisionMismatch[] => {
  const was = sorted(recorded.map((c) => `${c.id}@${c.version}`));
  const now = sorted(decision.contracts.map((c) => `${c.id}@${c.version}`));
  return sameList(was, now) ? [] : [mismatch('contracts', recorded, decision.contracts)];
};
