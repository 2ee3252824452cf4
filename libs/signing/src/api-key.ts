import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * API keys: `shz_<clientId>_<secret>`, shown once; only a slow hash (scrypt) is kept. The
 * client id inside the key lets the verifier find the one hash to check instead of trying all.
 */
const PREFIX = 'shz_';
const KEY = /^shz_([0-9a-f-]{36}|[a-z][a-z0-9-]{1,62})_([A-Za-z0-9_-]{43})$/;
/**
 * The platform's bootstrap key (SHUZHI_ADMIN_KEY) may be any string that travels as one token
 * of `Authorization: Bearer <key>` and is long enough not to be guessed: visible ASCII, no
 * spaces, 32 to 512 characters. Every well-formed key fits this too.
 */
export const BOOTSTRAP_KEY_LENGTH = { min: 32, max: 512 } as const;
const KEY_SHAPED = new RegExp(`^[\\x21-\\x7e]{${BOOTSTRAP_KEY_LENGTH.min},${BOOTSTRAP_KEY_LENGTH.max}}$`);
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

/** Whether a string could be a key at all (well-formed, or shaped like a bootstrap key): anything else is refused before any hash. */
export const isKeyShaped = (apiKey: string): boolean => KEY_SHAPED.test(apiKey);

/**
 * The key's pre-check: 16 bits of its SHA-256, kept beside the scrypt hash so that a wrong key
 * is refused without scrypt in 65 535 cases of 65 536. It is not secret, and it spares an
 * offline attacker who holds the hash no more than those 16 bits of work: every key is 256
 * random bits, or a bootstrap key of at least 32 characters that governance refuses when it
 * looks anything but random.
 */
export const keyCheckOf = (apiKey: string): string => createHash('sha256').update(apiKey).digest('hex').slice(0, 4);

/** The pre-check a stored hash carries, or undefined for one hashed before pre-checks existed. */
export const keyCheckIn = (stored: string): string | undefined => stored.split('$')[6] || undefined;

const derive = (secret: string, salt: Buffer, options: ScryptOptions & { N: number }) =>
  new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

/**
 * `scrypt$N$r$p$<salt>$<hash>$<pre-check>` (base64url, the pre-check hex), self-describing so
 * the cost can rise later. A verifier that predates the pre-check reads the first six parts
 * and ignores the seventh.
 */
export const hashApiKey = async (apiKey: string): Promise<string> => {
  const salt = randomBytes(16);
  const hash = await derive(apiKey, salt, COST);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url'), keyCheckOf(apiKey)].join('$');
};

/** Whether `apiKey` is the key `stored` was hashed from: scrypt, unless the pre-check already says no. */
export const verifyApiKey = async (apiKey: string, stored: string): Promise<boolean> => {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const check = keyCheckIn(stored);
  if (check !== undefined && check !== keyCheckOf(apiKey)) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(apiKey, Buffer.from(salt, 'base64url'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: COST.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
};
