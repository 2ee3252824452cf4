import { KurrentDbEventStore } from '../src/index.js';
import { describeEventStoreContract } from './event-store.contract.js';

/**
 * Runs only where a KurrentDB/EventStoreDB server is given (`KURRENTDB_URL`, for example
 * `kurrentdb://localhost:2113?tls=false`). None can run on our development and CI machines
 * (no container engine, no package), so there this suite is reported as skipped, and the
 * README says the adapter is not exercised against a server here.
 */
const url = process.env.KURRENTDB_URL;

if (url) {
  describeEventStoreContract('kurrentdb', async () => ({ store: KurrentDbEventStore.connect(url) }), {
    eventIdsUniqueAcrossStreams: false,
  });
} else {
  describe('kurrentdb: the event store contract', () => {
    it.todo('runs when KURRENTDB_URL names a KurrentDB server');
  });
}
