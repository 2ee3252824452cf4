/**
 * Population's published events: the documented contract other services project (enterprise
 * learns which residents exist; the audit service replays them). The `type` strings are
 * stored forever; a new shape keeps the old one and adds an upcaster.
 */
export * from './population.events.js';
