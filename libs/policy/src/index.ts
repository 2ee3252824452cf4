export * from './policy-snapshot.projection.js';
export * from './live-policy-index.js';
export * from './decision/index.js';
export * from './access.events.js';
export * from './topology/index.js';
