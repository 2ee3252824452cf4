export { AuditSealer, type AuditSealerOptions } from './audit-sealer.js';
export { verifyAuditChain, type AuditVerification, type VerifyAuditChainOptions } from './audit-verifier.js';
export { auditChainStatus, type AuditChainStatus } from './seal-log.js';
export { buildInclusionProof, EventNoLongerSealed } from './inclusion-proof.js';
export { loadAuditSealKey, loadAuditSealPublicKey } from './audit-seal-key.js';
export { streamLeaves, type LeafRow } from './leaf-reader.js';
