import pg, { type ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { migrate, type Migration } from '@shuzhi/event-store';

/** Migration set of the gateway's own tables (apart from projections, which make their own). */
export const GATEWAY_MIGRATION_SET = 'gateway';

export const GATEWAY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'daily row quota usage per contract',
    sql: `create schema if not exists gateway;
      create table if not exists gateway.quota_usage (
        contract_id text not null,
        day date not null,
        rows bigint not null check (rows >= 0),
        primary key (contract_id, day))`,
  },
];

// The platform's users are in China (UTC+8, no daylight saving): their day is the quota's day.
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The calendar day in China time (`YYYY-MM-DD`) of an ISO 8601 instant. */
export const chinaDay = (at: string): string => {
  const instant = Date.parse(at);
  if (Number.isNaN(instant)) throw new RangeError(`a quota day needs an ISO 8601 instant, got "${at}"`);
  return new Date(instant + CHINA_OFFSET_MS).toISOString().slice(0, 10);
};

/** Rows one operation would serve under a contract that has a daily quota. */
export interface QuotaCharge {
  contractId: string;
  rows: number;
  dailyQuota: number;
}

/** A contract the operation would take past its quota: its limit and what today already used. */
export interface QuotaOverrun {
  contractId: string;
  dailyQuota: number;
  used: number;
  requested: number;
}

export type QuotaOutcome = { charged: true } | { charged: false; overruns: QuotaOverrun[] };

/**
 * The rows served per contract per China day, counted in PostgreSQL so that every gateway
 * replica draws on the same count. An operation's charges go in one transaction: each is an
 * upsert that only adds while the sum stays within the quota, so two replicas racing for the
 * last rows serialise on the row lock and at most the quota is ever served; when any charge
 * would pass its quota, the transaction rolls back and nothing of that operation is counted.
 */
export class DailyQuotaLedger {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the usage table once, whichever replica starts first. */
  static async prepare(connection: ClientConfig): Promise<void> {
    const pool = new pg.Pool({ ...connection, max: 1 });
    try {
      await migrate(pool, GATEWAY_MIGRATION_SET, GATEWAY_MIGRATIONS);
    } finally {
      await pool.end();
    }
  }

  async charge(day: string, charges: readonly QuotaCharge[]): Promise<QuotaOutcome> {
    const due = charges.filter((c) => c.rows > 0);
    if (due.length === 0) return { charged: true };
    // One order for every operation, so two transactions never wait on each other's rows in turn.
    const ordered = [...due].sort((a, b) => (a.contractId < b.contractId ? -1 : a.contractId > b.contractId ? 1 : 0));
    const overruns: QuotaOverrun[] = [];
    const rollback = new Error('quota exceeded');
    try {
      await this.dataSource.transaction(async (tx) => {
        for (const { contractId, rows, dailyQuota } of ordered) {
          // The upsert's `where` guards only the update; a first insert is guarded here.
          const added: Array<{ rows: string }> =
            rows > dailyQuota
              ? []
              : await tx.query(
                  `insert into gateway.quota_usage (contract_id, day, rows) values ($1, $2, $3)
                   on conflict (contract_id, day) do update set rows = quota_usage.rows + excluded.rows
                   where quota_usage.rows + excluded.rows <= $4
                   returning quota_usage.rows`,
                  [contractId, day, rows, dailyQuota],
                );
          if (added.length === 0) overruns.push({ contractId, dailyQuota, used: 0, requested: rows });
        }
        if (overruns.length > 0) throw rollback;
      });
      return { charged: true };
    } catch (error) {
      if (error !== rollback) throw error;
    }
    const used = await this.usedOn(day, overruns.map((o) => o.contractId));
    return { charged: false, overruns: overruns.map((o) => ({ ...o, used: used.get(o.contractId) ?? 0 })) };
  }

  /** Gives back what `charge` counted, for an operation that in the end served nothing. */
  async refund(day: string, charges: readonly QuotaCharge[]): Promise<void> {
    for (const { contractId, rows } of charges) {
      if (rows <= 0) continue;
      await this.dataSource.query('update gateway.quota_usage set rows = greatest(rows - $3, 0) where contract_id = $1 and day = $2', [contractId, day, rows]);
    }
  }

  async usedOn(day: string, contractIds: readonly string[]): Promise<Map<string, number>> {
    const rows: Array<{ contract_id: string; rows: string }> = await this.dataSource.query(
      'select contract_id, rows from gateway.quota_usage where day = $1 and contract_id = any($2::text[])',
      [day, contractIds],
    );
    return new Map(rows.map((r) => [r.contract_id, Number(r.rows)]));
  }
}
