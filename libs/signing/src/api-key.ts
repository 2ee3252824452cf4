import { randomBytes, randomUUID, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * API keys: `shz_<clientId>_<secret>`, shown once; only a slow hash (scrypt) is kept. The
 * client id inside the key lets the verifier find the one hash to check instead of trying all.
 */
const PREFIX = 'shz_';
const KEY = /^shz_([0-9a-f-]{36}|[a-z][a-z0-9-]{1,62})_([A-Za-z0-9_-]{43})$/;
// OWASP's scrypt floor (N=2^17 is their first choice; 2^15 with r=8 keeps a check near 50 ms
// on our 2-core machines, and the gateway caches a verified key, so it is paid once per key).
const COST = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const LENGTH = 32;

export interface GeneratedApiKey {
  clientId: string;
  apiKey: string;
}

export const generateApiKey = (clientId: string = randomUUID()): GeneratedApiKey => ({
  clientId,
  apiKey: `${PREFIX}${clientId}_${randomBytes(32).toString('base64url')}`,
});

/** The client id a well-formed key names, or undefined for anything else. */
export const clientIdOfApiKey = (apiKey: string): string | undefined => KEY.exec(apiKey)?.[1];

const derive = (secret: string, salt: Buffer, options: ScryptOptions & { N: number }) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** `scrypt$N$r$p$<salt>$<hash>` (base64url), self-describing so the cost can rise later. */
export const hashApiKey = async (apiKey: string): Promise<string> => {
  const salt = randomBytes(16);
  const hash = await derive(apiKey, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
};

export const verifyApiKey = async (apiKey: string, stored: string): Promise<boolean> => {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(apiKey, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: COST.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};
