export * from './merkle-tree.js';
export * from './audit-seal.js';
export * from './check-inclusion-proof.js';
