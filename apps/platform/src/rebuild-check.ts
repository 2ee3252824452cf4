import { DataSource, type ObjectLiteral } from 'typeorm';
import { buildShadow, type Checkpoint, type EventStore, type Projection } from '@shuzhi/event-store';
import { AUDIT_PROJECTIONS } from '../../audit/src/access/audit-projections.js';
import type { CliProgress } from '../../audit/src/cli/progress.js';
import { ENTERPRISE_PROJECTIONS } from '../../enterprise/src/projections/enterprise-projections.js';
import { gatewayClientsProjection } from '../../gateway/src/authentication/gateway-clients.projection.js';
import { gatewayPolicyProjection } from '../../gateway/src/enforcement/gateway-policy-snapshot.js';
import { GOVERNANCE_PROJECTIONS } from '../../governance/src/projections/governance-projections.js';
import { POPULATION_PROJECTIONS } from '../../population/src/projections/population-projections.js';
import { SUBSIDY_PROJECTIONS } from '../../subsidy/src/projections/subsidy.projections.js';

type AnyProjection = Projection<ObjectLiteral>;

/** Every read model kept by a ProjectionRunner, by the schema its service keeps it in. */
export const PROJECTED_READ_MODELS: ReadonlyArray<{ schema: string; projections: readonly AnyProjection[] }> = [
  { schema: 'governance', projections: GOVERNANCE_PROJECTIONS as unknown as AnyProjection[] },
  { schema: 'population', projections: POPULATION_PROJECTIONS as unknown as AnyProjection[] },
  { schema: 'enterprise', projections: ENTERPRISE_PROJECTIONS as unknown as AnyProjection[] },
  { schema: 'subsidy', projections: SUBSIDY_PROJECTIONS as unknown as AnyProjection[] },
  { schema: 'audit', projections: AUDIT_PROJECTIONS as unknown as AnyProjection[] },
  { schema: 'gateway', projections: [gatewayClientsProjection, gatewayPolicyProjection] as unknown as AnyProjection[] },
];

export interface TableCheck {
  projection: string;
  /** `schema.table` of the live read model. */
  table: string;
  checkpoint: string | null;
  liveRows: number;
  rebuiltRows: number;
  liveChecksum: string;
  rebuiltChecksum: string;
  /** `same`, `different`, or `missing` (the live table or its checkpoint is not there). */
  verdict: 'same' | 'different' | 'missing';
}

interface TableSum {
  rows: number;
  checksum: string;
}

/**
 * md5 over the rows' text in primary-key order, computed by PostgreSQL: the rows never cross
 * the wire, and both tables come from the same entity (so the same column order).
 */
const sumOf = async (query: (sql: string) => Promise<Array<{ rows: number; checksum: string }>>, table: string, keys: string[]): Promise<TableSum> => {
  const [sum] = await query(
    `select count(*)::int as rows, md5(coalesce(string_agg(md5(t::text), '' order by ${keys.map((k) => `t."${k}"`).join(', ')}), '')) as checksum
     from ${table} t`,
  );
  return sum;
};

/**
 * The projection replay check: each read model rebuilt from position 0 into a scratch schema up
 * to the very checkpoint its live table is at, then compared by row count and checksum. The
 * live table's checkpoint and checksum are read in one snapshot, so a running service may keep
 * projecting meanwhile. The scratch schemas are dropped whatever the outcome.
 */
export const rebuildCheck = async (
  store: EventStore,
  databaseUrl: string,
  onTable?: (check: TableCheck, index: number, total: number) => void,
): Promise<TableCheck[]> => {
  const checks: TableCheck[] = [];
  const total = PROJECTED_READ_MODELS.reduce((n, m) => n + m.projections.length, 0);
  for (const { schema, projections } of PROJECTED_READ_MODELS) {
    const dataSource = await new DataSource({
      type: 'postgres',
      url: databaseUrl,
      schema,
      entities: projections.map((p) => p.entity as never),
    }).initialize();
    try {
      for (const projection of projections) {
        const metadata = dataSource.getMetadata(projection.entity);
        const keys = metadata.primaryColumns.map((c) => c.databaseName);
        const table = `"${schema}"."${metadata.tableName}"`;
        const live = await dataSource.transaction('REPEATABLE READ', async (tx) => {
          const [exists] = await tx.query(`select to_regclass($1) is not null as exists`, [table]);
          const stored: Array<{ checkpoint: string | null }> = await tx.query(
            'select checkpoint from event_store.subscription_checkpoints where name = $1',
            [projection.name],
          );
          if (!exists.exists || stored.length === 0) return undefined;
          return { checkpoint: stored[0].checkpoint, ...(await sumOf((sql) => tx.query(sql), table, keys)) };
        });
        let check: TableCheck;
        if (!live) {
          check = { projection: projection.name, table: `${schema}.${metadata.tableName}`, checkpoint: null, liveRows: 0, rebuiltRows: 0, liveChecksum: '', rebuiltChecksum: '', verdict: 'missing' };
        } else {
          // A live table with no checkpoint yet has seen nothing: its rebuild is empty too.
          const shadow = live.checkpoint
            ? await buildShadow(store, dataSource, projection, 1_000, live.checkpoint as Checkpoint)
            : undefined;
          try {
            const rebuilt = shadow
              ? await sumOf((sql) => dataSource.query(sql), `"${shadow.schema}"."${metadata.tableName}"`, keys)
              : { rows: 0, checksum: await emptyChecksum(dataSource) };
            check = {
              projection: projection.name,
              table: `${schema}.${metadata.tableName}`,
              checkpoint: live.checkpoint,
              liveRows: live.rows,
              rebuiltRows: rebuilt.rows,
              liveChecksum: live.checksum,
              rebuiltChecksum: rebuilt.checksum,
              verdict: live.rows === rebuilt.rows && live.checksum === rebuilt.checksum ? 'same' : 'different',
            };
          } finally {
            await shadow?.drop();
          }
        }
        checks.push(check);
        onTable?.(check, checks.length, total);
      }
    } finally {
      await dataSource.destroy();
    }
  }
  return checks;
};

const emptyChecksum = async (dataSource: DataSource): Promise<string> => {
  const [{ checksum }] = await dataSource.query(`select md5('') as checksum`);
  return checksum;
};

/**
 * `audit rebuild-check`: one line per table, exit 1 when any rebuilt table differs from its
 * live one or a live table is missing.
 */
export const rebuildCheckCommand = async (
  store: EventStore,
  databaseUrl: string,
  progress: CliProgress,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> => {
  const bar = progress.start('rebuilding read models');
  const checks = await rebuildCheck(store, databaseUrl, (_check, done, total) => bar.update(done, total)).finally(() => bar.stop());
  for (const c of checks) {
    const detail =
      c.verdict === 'missing'
        ? 'no live table or checkpoint'
        : `${c.liveRows} live rows, ${c.rebuiltRows} rebuilt, md5 ${c.liveChecksum}${c.verdict === 'different' ? ` vs ${c.rebuiltChecksum}` : ''}, at ${c.checkpoint ?? 'the start'}`;
    out.write(`${c.verdict === 'same' ? 'same     ' : c.verdict === 'different' ? 'DIFFERENT' : 'MISSING  '} ${c.table} (${c.projection}): ${detail}\n`);
  }
  const bad = checks.filter((c) => c.verdict !== 'same');
  out.write(`${checks.length} read models checked, ${bad.length} differ or are missing\n`);
  return bad.length === 0 ? 0 : 1;
};
