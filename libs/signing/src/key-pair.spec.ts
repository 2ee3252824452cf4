import { generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidSigningKey, keyPairFromPem, loadOrCreateKeyPair, publicKeyFromPem } from './key-pair.js';

const ed25519Pems = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

const ecPems = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

const signsFor = (pair: { privateKey: KeyObject }, publicPem: string) => {
  const message = Buffer.from('同意书');
  return verify(null, message, publicKeyFromPem(publicPem), sign(null, message, pair.privateKey));
};

describe('loadOrCreateKeyPair', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'shuzhi-keys-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates the directory and a PKCS#8 Ed25519 key readable only by its owner', async () => {
    const dir = join(root, '.data', 'keys');
    const pair = await loadOrCreateKeyPair(dir, 'gateway');
    const file = join(dir, 'gateway.key.pem');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    // .data itself is made as any folder: the embedded PostgreSQL's own user must reach .data/postgres.
    await mkdir(join(root, 'plain'));
    expect((await stat(join(root, '.data'))).mode).toBe((await stat(join(root, 'plain'))).mode);
    expect(await readFile(file, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
    expect(pair.privateKey.asymmetricKeyType).toBe('ed25519');
    expect(pair.publicKey.asymmetricKeyType).toBe('ed25519');
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(signsFor(pair, pair.publicKeyPem)).toBe(true);
  });

  it('returns the stored key on later uses', async () => {
    const first = await loadOrCreateKeyPair(root, 'consent-receipts');
    const again = await loadOrCreateKeyPair(root, 'consent-receipts');
    expect(again.publicKeyPem).toBe(first.publicKeyPem);
    expect(signsFor(again, first.publicKeyPem)).toBe(true);
  });

  it('keeps one key per name', async () => {
    const gateway = await loadOrCreateKeyPair(root, 'gateway');
    const receipts = await loadOrCreateKeyPair(root, 'consent-receipts');
    expect(receipts.publicKeyPem).not.toBe(gateway.publicKeyPem);
  });

  it('settles on one key when several services create it at once, and leaves no drafts', async () => {
    const dir = join(root, 'keys');
    const pairs = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateKeyPair(dir, 'gateway')));
    expect(new Set(pairs.map((pair) => pair.publicKeyPem)).size).toBe(1);
    expect(await readdir(dir)).toEqual(['gateway.key.pem']);
  });

  it('reads a key that was put there, such as one restored from a backup', async () => {
    const { privatePem, publicPem } = ed25519Pems();
    await writeFile(join(root, 'gateway.key.pem'), privatePem, { mode: 0o600 });
    expect((await loadOrCreateKeyPair(root, 'gateway')).publicKeyPem).toBe(publicPem);
  });

  it('refuses a key file that other users can read', async () => {
    const file = join(root, 'gateway.key.pem');
    await writeFile(file, ed25519Pems().privatePem, { mode: 0o600 });
    await chmod(file, 0o644);
    await expect(loadOrCreateKeyPair(root, 'gateway')).rejects.toThrow(/readable by other users \(mode 644\); chmod 600 it/);
  });

  it('refuses a key file that is not an Ed25519 key', async () => {
    await writeFile(join(root, 'gateway.key.pem'), ecPems().privatePem, { mode: 0o600 });
    await expect(loadOrCreateKeyPair(root, 'gateway')).rejects.toThrow(/gateway\.key\.pem is ec, not an Ed25519 key/);
  });

  it('refuses a key file that is not PEM, rather than replacing it', async () => {
    const file = join(root, 'gateway.key.pem');
    await writeFile(file, 'not a key', { mode: 0o600 });
    await expect(loadOrCreateKeyPair(root, 'gateway')).rejects.toThrow(InvalidSigningKey);
    expect(await readFile(file, 'utf8')).toBe('not a key');
  });

  it.each(['', '../gateway', 'keys/gateway', '.hidden', 'a b'])('refuses the key name %j', async (name) => {
    await expect(loadOrCreateKeyPair(root, name)).rejects.toThrow(InvalidSigningKey);
  });

  it('passes on file system errors other than a missing file', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, '');
    await expect(loadOrCreateKeyPair(join(file, 'keys'), 'gateway')).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});

describe('keyPairFromPem', () => {
  it('derives the public key from a PKCS#8 private key, as configured in production', () => {
    const { privatePem, publicPem } = ed25519Pems();
    const pair = keyPairFromPem(privatePem);
    expect(pair.publicKeyPem).toBe(publicPem);
    expect(signsFor(pair, publicPem)).toBe(true);
  });

  it('refuses a private key of another algorithm', () => {
    expect(() => keyPairFromPem(ecPems().privatePem)).toThrow('the private key PEM is ec, not an Ed25519 key');
  });

  it.each([
    ['garbage', 'not a key'],
    ['a public key', ed25519Pems().publicPem],
  ])('refuses %s', (_name, pem) => {
    expect(() => keyPairFromPem(pem)).toThrow(InvalidSigningKey);
    expect(() => keyPairFromPem(pem)).toThrow('the private key PEM is not a readable PEM key');
  });
});

describe('publicKeyFromPem', () => {
  it('reads an SPKI Ed25519 public key', () => {
    const { publicPem } = ed25519Pems();
    expect(publicKeyFromPem(publicPem).asymmetricKeyType).toBe('ed25519');
  });

  it('refuses a private key, which a verifier must never be given', () => {
    expect(() => publicKeyFromPem(ed25519Pems().privatePem)).toThrow(/got a private key/);
  });

  it('refuses a public key of another algorithm', () => {
    expect(() => publicKeyFromPem(ecPems().publicPem)).toThrow('the public key PEM is ec, not an Ed25519 key');
  });

  it('refuses garbage', () => {
    expect(() => publicKeyFromPem('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n')).toThrow(InvalidSigningKey);
  });
});
