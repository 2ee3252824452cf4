import { join } from 'node:path';
import { keyPairFromPem, loadOrCreateKeyPair, type SigningKeyPair } from '@shuzhi/signing';

/**
 * The key the gateway signs caller contexts with: SHUZHI_GATEWAY_PRIVATE_KEY (PEM) as deployed,
 * otherwise (development) `gateway-context` in .data/keys, shared with the subgraphs there.
 */
export const loadGatewayKeys = (env: NodeJS.ProcessEnv = process.env): Promise<SigningKeyPair> =>
  env.SHUZHI_GATEWAY_PRIVATE_KEY
    ? Promise.resolve(keyPairFromPem(env.SHUZHI_GATEWAY_PRIVATE_KEY, 'SHUZHI_GATEWAY_PRIVATE_KEY'))
    : loadOrCreateKeyPair(join(env.SHUZHI_DATA_DIR ?? '.data', 'keys'), 'gateway-context');
