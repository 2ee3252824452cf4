import { createTestDatabase } from '@shuzhi/testing';
import { PostgresEventStore } from '../src';
import { describeEventStoreContract } from './event-store.contract';

describeEventStoreContract('postgres', async () => {
  const database = await createTestDatabase('contract');
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  return { store, cleanUp: database.drop };
});
