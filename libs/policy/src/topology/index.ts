export * from './supergraph-topology.js';
