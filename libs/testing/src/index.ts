export * from './test-database.js';
export { waitUntil } from '@shuzhi/shared-kernel';
export * from './signed-graphql.js';
export * from './subgraph-harness.js';
export * from './service-process.js';
export * from './raced-store.js';
export * from './event-stream.js';
export * from './graphql-socket.js';
export * from './id-numbers.js';
