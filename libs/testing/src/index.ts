export * from './test-database.js';
export { waitUntil } from '@shuzhi/shared-kernel';
