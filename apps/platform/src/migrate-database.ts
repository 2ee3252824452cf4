import { PostgresEventStore } from '@shuzhi/event-store';
import { DailyQuotaLedger } from '../../gateway/src/enforcement/daily-quota.js';

/**
 * Every migration of the platform, as the privileged role, before any service connects as its
 * own (which may create nothing outside its schema, and records no migration): the event log's
 * and the checkpoints' (connecting a store applies them), and the gateway's quota table. The
 * projections' tables are not among them: each service makes its own, in its own schema. Gives
 * back the privileged store, for seeds.
 */
export const migrateDatabase = async (url: string): Promise<PostgresEventStore> => {
  const store = await PostgresEventStore.connect({ connectionString: url });
  try {
    await DailyQuotaLedger.prepare({ connectionString: url });
    return store;
  } catch (error) {
    await store.close();
    throw error;
  }
};
