import { parseArgs } from 'node:util';
import { DecisionReplay } from '../decision-replay/decision-replay.js';
import { parseInstant } from '../graphql/date-time.scalar.js';
import type { AuditCliSources } from './audit-cli-sources.js';
import type { CliProgress } from './progress.js';

/**
 * `audit replay-decisions [--from <instant>] [--to <instant>]`: every access record in the range
 * decided again; prints each mismatch and exits 1 when there is any.
 */
export const replayDecisionsCommand = async (args: readonly string[], sources: AuditCliSources, progress: CliProgress): Promise<number> => {
  const { values } = parseArgs({ args: [...args], options: { from: { type: 'string' }, to: { type: 'string' } } });
  const from = values.from === undefined ? null : parseInstant(values.from);
  const to = values.to === undefined ? null : parseInstant(values.to);
  const bar = progress.start('replaying decisions');
  const result = await new DecisionReplay(sources).replay({ from, to }, (checked, total) => bar.update(checked, total));
  bar.stop();
  for (const m of result.mismatches) {
    console.log(`MISMATCH at position ${m.globalPosition} (record ${m.recordId}): ${m.what} recorded ${JSON.stringify(m.recorded)}, replayed ${JSON.stringify(m.replayed)}`);
  }
  console.log(`${result.checked} decisions replayed, ${result.mismatches.length} mismatches`);
  return result.mismatches.length === 0 ? 0 : 1;
};
