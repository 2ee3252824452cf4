import { InMemoryEventStore } from '../src/index.js';
import { describeEventStoreContract } from './event-store.contract.js';

describeEventStoreContract('in-memory', async () => ({ store: new InMemoryEventStore() }));
