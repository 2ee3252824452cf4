import { createTestDatabase } from '@shuzhi/testing';
import { PostgresEventStore } from '../src/index.js';
import { describeEventStoreContract } from './event-store.contract.js';

describeEventStoreContract('postgres', async () => {
  const database = await createTestDatabase('contract');
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  return { store, cleanUp: database.drop };
});
