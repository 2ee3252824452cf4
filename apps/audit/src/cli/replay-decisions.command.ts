import { parseArgs } from 'node:util';
import { ACCESS_EVENT_TYPES, ACCESS_STREAM_PREFIX } from '@shuzhi/policy';
import { DecisionReplay, REPLAY_PAGE, type ReplayRange } from '../decision-replay/decision-replay.js';
import { parseInstant } from '../graphql/date-time.scalar.js';
import type { AuditCliSources } from './audit-cli-sources.js';
import type { CliProgress } from './progress.js';

/**
 * `audit replay-decisions [--from <instant>] [--to <instant>]`: every access record in the range
 * decided again, a page at a time; prints each mismatch as its page finds it and exits 1 when
 * there is any.
 */
export const replayDecisionsCommand = async (args: readonly string[], sources: AuditCliSources, progress: CliProgress): Promise<number> => {
  const { values } = parseArgs({ args: [...args], options: { from: { type: 'string' }, to: { type: 'string' } } });
  const range: ReplayRange = {
    from: values.from === undefined ? null : parseInstant(values.from),
    to: values.to === undefined ? null : parseInstant(values.to),
  };
  const replay = new DecisionReplay(sources);
  // Counted first for the bar alone: records appended meanwhile are replayed too, past the total.
  const total = await countAccessRecords(sources, range);
  const bar = progress.start('replaying decisions');
  let checked = 0;
  let mismatches = 0;
  let after: string | null = null;
  try {
    do {
      const page = await replay.replay(range, { first: REPLAY_PAGE.max, after }, (done) => bar.update(checked + done, Math.max(total, checked + done)));
      for (const m of page.mismatches) {
        console.log(`MISMATCH at position ${m.globalPosition} (record ${m.recordId}): ${m.what} recorded ${JSON.stringify(m.recorded)}, replayed ${JSON.stringify(m.replayed)}`);
      }
      checked += page.checked;
      mismatches += page.mismatches.length;
      after = page.nextCursor;
    } while (after !== null);
  } finally {
    bar.stop();
  }
  console.log(`${checked} decisions replayed, ${mismatches} mismatches`);
  return mismatches === 0 ? 0 : 1;
};

const countAccessRecords = async ({ store }: AuditCliSources, range: ReplayRange): Promise<number> => {
  const { rows } = await store.pool.query<{ n: number }>(
    `select count(*)::int as n from event_store.events e
     where starts_with(e.stream_id, $1) and e.type = any($2)
       and ($3::timestamptz is null or (e.data->>'at')::timestamptz >= $3) and ($4::timestamptz is null or (e.data->>'at')::timestamptz <= $4)`,
    [ACCESS_STREAM_PREFIX, ACCESS_EVENT_TYPES, range.from ?? null, range.to ?? null],
  );
  return rows[0].n;
};
