import 'reflect-metadata';
import { exitOnFailure, runSubgraph } from '@shuzhi/subgraph';
import { createAuditApp } from './audit.app.js';
import { loadAuditSealKey } from './sealing/index.js';

/** The audit subgraph, and its sealer. Besides runSubgraph's settings: the seal key (SHUZHI_AUDIT_SEAL_PRIVATE_KEY, PEM; else .data/keys). */
runSubgraph('audit', 4005, async (dependencies) => createAuditApp({ ...dependencies, sealKey: await loadAuditSealKey() })).catch(exitOnFailure);
