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
  NonceLedger,
  newNonce,
  signCallerContext,
  verifyCallerContext,
  type CallerContext,
  type CallerContextRefusal,
  type SignCallerContextOptions,
  type VerifyCallerContextOptions,
} from './caller-context.js';
export { signReceipt, verifyReceipt, type SignedReceipt } from './receipt.js';
export {
  BOOTSTRAP_KEY_LENGTH,
  clientIdOfApiKey,
  generateApiKey,
  hashApiKey,
  isKeyShaped,
  keyCheckIn,
  keyCheckOf,
  verifyApiKey,
  type GeneratedApiKey,
} from './api-key.js';
