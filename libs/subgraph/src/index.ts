export * from './errors.js';
export * from './caller.js';
export * from './subgraph-graphql.module.js';
export * from './refusal.filter.js';
export * from './subgraph-app.js';
export * from './run-subgraph.js';
export * from './health.controller.js';
export * from './command-origin.js';
