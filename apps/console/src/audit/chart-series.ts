import type { AccessRecord, ContractHistoryEntry, ContractStatus } from '../api/models.js';

/** A local calendar day, `YYYY-MM-DD`: the charts count by the reader's own days. */
export const localDay = (iso: string): string => {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
};

/** Every local day from `from` to `to`, both included. */
export const daysBetween = (from: Date, to: Date): string[] => {
  const days: string[] = [];
  const cursor = new Date(from.getFullYear(), from.getMonth(), from.getDate());
  while (cursor <= to) {
    days.push(localDay(cursor.toISOString()));
    cursor.setDate(cursor.getDate() + 1);
  }
  return days;
};

export interface Series {
  name: string;
  values: number[];
}

/** Reads served (in whole or in part) per department per day. */
export const readsPerDepartmentPerDay = (records: readonly AccessRecord[], days: readonly string[]): Series[] => {
  const counts = new Map<string, number[]>();
  for (const record of records) {
    if (record.outcome === 'REFUSED') continue;
    const index = days.indexOf(localDay(record.recordedAt));
    if (index < 0) continue;
    const row = counts.get(record.department) ?? days.map(() => 0);
    row[index] += 1;
    counts.set(record.department, row);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([name, values]) => ({ name, values }));
};

/** Refusals by their API code. */
export const refusalsByReason = (records: readonly AccessRecord[]): Array<{ name: string; value: number }> => {
  const counts = new Map<string, number>();
  for (const record of records) {
    if (record.outcome !== 'REFUSED') continue;
    const code = record.code ?? 'UNKNOWN';
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  return [...counts].sort(([, a], [, b]) => b - a).map(([name, value]) => ({ name, value }));
};

/** How many contracts were in each status at the end of each day, replayed from their histories. */
export const contractStatesOverTime = (
  histories: ReadonlyArray<readonly ContractHistoryEntry[]>,
  days: readonly string[],
  statuses: readonly ContractStatus[],
): Series[] => {
  const counts = new Map(statuses.map((s) => [s, days.map(() => 0)]));
  for (const history of histories) {
    const entries = [...history].sort((a, b) => a.version - b.version);
    let status: ContractStatus | null = null;
    let next = 0;
    days.forEach((day, index) => {
      while (next < entries.length && localDay(entries[next].at) <= day) status = entries[next++].status;
      if (status) counts.get(status)![index] += 1;
    });
  }
  return [...counts].filter(([, values]) => values.some((v) => v > 0)).map(([name, values]) => ({ name, values }));
};
