import type { DataSource } from 'typeorm';
import { subscriptionLag, type EventStore, type Projection } from '@shuzhi/event-store';
import { metrics } from '@shuzhi/observability';

/** The gateway's read models as `schema.table`, for its readiness check. */
export const GATEWAY_READ_MODEL_TABLES = Symbol('GATEWAY_READ_MODEL_TABLES');

export const readModelTablesOf = (dataSource: DataSource, entities: readonly unknown[]): string[] =>
  entities.map((entity) => {
    const table = dataSource.getMetadata(entity as never);
    return `${table.schema ?? 'public'}.${table.tableName}`;
  });

/**
 * Puts projections the gateway runs outside Nest's providers (the policy snapshot's) on the lag
 * gauges, read from their stored checkpoints; the answer takes them off again.
 */
export const watchGatewayProjections = (
  store: EventStore,
  dataSource: DataSource,
  projections: ReadonlyArray<Pick<Projection<never>, 'name' | 'types' | 'streamPrefix'>>,
): (() => void) =>
  metrics().watchProjections(() =>
    Promise.all(
      projections.map(async (projection) => ({ projection: projection.name, ...(await subscriptionLag(store, dataSource, projection)) })),
    ),
  );
