export { canonicalJson, CanonicalJsonRefused } from './canonical-json.js';
export {
  InvalidSigningKey,
  keyPairFromPem,
  loadOrCreateKeyPair,
  makePrivateDir,
  publicKeyFromPem,
  type SigningKeyPair,
} from './key-pair.js';
export {
  CALLER_CONTEXT_HEADER,
  CallerContextRefused,
  signCallerContext,
  verifyCallerContext,
  type CallerContext,
  type CallerContextRefusal,
  type SignCallerContextOptions,
  type VerifyCallerContextOptions,
} from './caller-context.js';
export { signReceipt, verifyReceipt, type SignedReceipt } from './receipt.js';
export { clientIdOfApiKey, generateApiKey, hashApiKey, verifyApiKey, type GeneratedApiKey } from './api-key.js';
