/**
 * Governance's published events: the documented contract other services project (the
 * gateway's policy snapshot, the audit service's replay). The `type` strings are stored
 * forever; a new shape keeps the old one and adds an upcaster.
 */
export * from './catalog.js';
export * from './contract.events.js';
export * from './consent.events.js';
export * from './dataset.events.js';
export * from './registry.events.js';
export * from './subgraphs.js';
export * from './inference.js';
