import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { link, mkdir, open, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** An Ed25519 key pair, with the public half as SPKI PEM ready to hand to verifiers. */
export interface SigningKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
}

/** A key that cannot be used for Shuzhi signatures: unreadable, the wrong kind, or exposed. */
export class InvalidSigningKey extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InvalidSigningKey';
  }
}

export const ED25519_SIGNATURE_BYTES = 64;

// A name becomes part of a file path; keeping it to one plain segment keeps `../` out.
const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * The key pair stored as `<dir>/<name>.key.pem` (PKCS#8, mode 0600), created with its directory
 * on first use. For embedded mode; production passes PEM from configuration to `keyPairFromPem`.
 */
export const loadOrCreateKeyPair = async (dir: string, name: string): Promise<SigningKeyPair> => {
  if (!KEY_NAME.test(name)) throw new InvalidSigningKey(`key name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-'`);
  const file = join(dir, `${name}.key.pem`);
  const existing = await readKeyFile(file);
  if (existing !== undefined) return keyPairFromPem(existing, file);
  await createKeyFileOnce(dir, file);
  const created = await readKeyFile(file);
  if (created === undefined) throw new InvalidSigningKey(`${file} disappeared right after it was created`);
  return keyPairFromPem(created, file);
};

/** The pair of an Ed25519 private key given as PEM (PKCS#8). `source` names it in errors. */
export const keyPairFromPem = (privatePem: string, source = 'the private key PEM'): SigningKeyPair => {
  const privateKey = assertEd25519(parseKey(() => createPrivateKey(privatePem), source), source);
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
};

/** An Ed25519 public key from SPKI PEM, as verifiers (subgraphs, citizens' apps) receive it. */
export const publicKeyFromPem = (pem: string): KeyObject => {
  // createPublicKey would happily derive a public key from a private one; a verifier that was
  // configured with the private key is a leak worth stopping at startup.
  if (pem.includes('PRIVATE KEY')) throw new InvalidSigningKey('expected a public key PEM but got a private key; give verifiers only the public key');
  return assertEd25519(parseKey(() => createPublicKey(pem), 'the public key PEM'), 'the public key PEM');
};

export const assertEd25519 = (key: KeyObject, source: string): KeyObject => {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new InvalidSigningKey(`${source} is ${key.asymmetricKeyType ?? key.type}, not an Ed25519 key`);
  }
  return key;
};

const parseKey = (parse: () => KeyObject, source: string): KeyObject => {
  try {
    return parse();
  } catch (error) {
    throw new InvalidSigningKey(`${source} is not a readable PEM key`, { cause: error });
  }
};

// Mode is checked on the open handle so the file checked is the file read. Like ssh, a private
// key that others can read is refused rather than used: it may already be copied.
const readKeyFile = async (file: string): Promise<string | undefined> => {
  const handle = await open(file, 'r').catch((error: unknown) => {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw error;
  });
  if (handle === undefined) return undefined;
  try {
    const mode = (await handle.stat()).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new InvalidSigningKey(`${file} is readable by other users (mode ${mode.toString(8)}); chmod 600 it`);
    }
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
};

/**
 * `dir`, readable by its owner only; the folders above it, where missing, are made as any other
 * (`mkdir -p` with a mode would make them all private). `.data` holds the embedded PostgreSQL
 * beside the keys, and PostgreSQL runs as its own user when the platform runs as root.
 */
export const makePrivateDir = async (dir: string): Promise<void> => {
  await mkdir(dirname(dir), { recursive: true });
  await mkdir(dir, { recursive: true, mode: 0o700 });
};

// Written aside, then hard-linked into place: link() never replaces an existing file, so
// services starting together on one machine settle on a single key, and none of them can read
// a half-written file.
const createKeyFileOnce = async (dir: string, file: string): Promise<void> => {
  await makePrivateDir(dir);
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const draft = `${file}.${randomUUID()}.tmp`;
  await writeFile(draft, pem, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, file);
  } catch (error) {
    if (!hasCode(error, 'EEXIST')) throw error;
  } finally {
    await unlink(draft);
  }
};

// Not `instanceof Error`: errors from node's own modules come from another realm under jest.
const hasCode = (error: unknown, code: string): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && error.code === code;
