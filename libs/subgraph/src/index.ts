export * from './errors.js';
export * from './caller.js';
export * from './subgraph-graphql.module.js';
export * from './refusal.filter.js';
