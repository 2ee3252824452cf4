import type { KeyObject } from 'node:crypto';
import { join, resolve } from 'node:path';
import { keyPairFromPem, loadOrCreateKeyPair, publicKeyFromPem, type SigningKeyPair } from '@shuzhi/signing';

/**
 * The audit sealing key: `SHUZHI_AUDIT_SEAL_PRIVATE_KEY` (PKCS#8 PEM) in production, otherwise
 * the development key `<SHUZHI_DATA_DIR>/keys/audit-seal.key.pem`, created at first use. It
 * lives apart from the database: whoever can write rows cannot sign a recomputed chain.
 */
export const loadAuditSealKey = async (env: NodeJS.ProcessEnv = process.env): Promise<SigningKeyPair> =>
  env.SHUZHI_AUDIT_SEAL_PRIVATE_KEY
    ? keyPairFromPem(env.SHUZHI_AUDIT_SEAL_PRIVATE_KEY, 'SHUZHI_AUDIT_SEAL_PRIVATE_KEY')
    : loadOrCreateKeyPair(join(resolve(env.SHUZHI_DATA_DIR ?? '.data'), 'keys'), 'audit-seal');

/** What a verifier needs: `SHUZHI_AUDIT_SEAL_PUBLIC_KEY` (SPKI PEM), or the public half of the key above. */
export const loadAuditSealPublicKey = async (env: NodeJS.ProcessEnv = process.env): Promise<{ publicKey: KeyObject; publicKeyPem: string }> => {
  const pem = env.SHUZHI_AUDIT_SEAL_PUBLIC_KEY;
  if (pem) return { publicKey: publicKeyFromPem(pem), publicKeyPem: pem };
  const { publicKey, publicKeyPem } = await loadAuditSealKey(env);
  return { publicKey, publicKeyPem };
};
