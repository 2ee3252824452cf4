import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { canonicalJson, InvalidSigningKey, keyPairFromPem, signReceipt, verifyReceipt, type SignedReceipt } from '@shuzhi/signing';

const platform = keyPairFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const impostor = keyPairFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());

// Shaped after a Kantara consent receipt / DEPA consent artefact: who consented to whom, for
// what purpose, over which data, until when.
const consent = {
  receiptVersion: 1,
  consentId: 'consent-8d2e',
  subjectId: 'resident-330102199003070015',
  consumer: { code: 'human-resources', name: '人力资源和社会保障局' },
  purpose: 'SUBSIDY_ELIGIBILITY',
  datasetCode: 'population.resident',
  fields: ['name', 'birthDate', 'household'],
  grantedAt: '2025-03-01T08:00:00.000Z',
  expiresAt: '2026-03-01T00:00:00.000Z',
};

const receipt = signReceipt(consent, platform.privateKey);

const flipBit = (signature: string): string => {
  const bytes = Buffer.from(signature, 'base64');
  bytes[0] ^= 0x80;
  return bytes.toString('base64');
};

describe('signReceipt', () => {
  it('signs the canonical JSON of the payload and returns that very text', () => {
    expect(receipt.payload).toBe(canonicalJson(consent));
    expect(JSON.parse(receipt.payload)).toEqual(consent);
    expect(receipt.signature).toMatch(/^[A-Za-z0-9+/]{86}==$/);
  });

  it('gives the same receipt for the same payload, whatever its key order', () => {
    const reordered = Object.fromEntries(Object.entries(consent).reverse());
    expect(signReceipt(reordered, platform.privateKey)).toEqual(receipt);
  });

  it('refuses a payload that is not a JSON object', () => {
    expect(() => signReceipt(['consent'], platform.privateKey)).toThrow(TypeError);
    expect(() => signReceipt({ ...consent, withdrawnAt: undefined }, platform.privateKey)).toThrow('$.withdrawnAt');
  });

  it('refuses a key that is not Ed25519', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => signReceipt(consent, privateKey)).toThrow(InvalidSigningKey);
  });
});

describe('verifyReceipt', () => {
  it('accepts a receipt signed by the key of the PEM', () => {
    expect(verifyReceipt(receipt, platform.publicKeyPem)).toBe(true);
  });

  it('accepts a receipt after a round trip through JSON, as it reaches a citizen', () => {
    expect(verifyReceipt(JSON.parse(JSON.stringify(receipt)) as SignedReceipt, platform.publicKeyPem)).toBe(true);
  });

  it.each([
    ['a tampered payload', { ...receipt, payload: receipt.payload.replace('2026-03-01', '2036-03-01') }],
    ['the same JSON spelled differently', { ...receipt, payload: JSON.stringify(JSON.parse(receipt.payload), null, 2) }],
    ['another receipt’s signature', { ...receipt, signature: signReceipt({ ...consent, fields: ['name'] }, platform.privateKey).signature }],
    ['a tampered signature', { ...receipt, signature: flipBit(receipt.signature) }],
    ['a truncated signature', { ...receipt, signature: receipt.signature.slice(0, 84) }],
    ['a signature without padding', { ...receipt, signature: receipt.signature.replace(/=+$/, '') }],
    ['a signature in base64url', { ...receipt, signature: Buffer.from(receipt.signature, 'base64').toString('base64url') }],
    ['an empty signature', { ...receipt, signature: '' }],
    ['a missing signature', { payload: receipt.payload }],
    ['a payload that is not text', { ...receipt, payload: consent }],
    ['no receipt at all', null],
  ])('rejects %s', (_name, forged) => {
    expect(verifyReceipt(forged as unknown as SignedReceipt, platform.publicKeyPem)).toBe(false);
  });

  it('rejects a receipt signed by another key', () => {
    expect(verifyReceipt(signReceipt(consent, impostor.privateKey), platform.publicKeyPem)).toBe(false);
    expect(verifyReceipt(receipt, impostor.publicKeyPem)).toBe(false);
  });

  it('throws on a public key it cannot use, which is not the receipt’s fault', () => {
    expect(() => verifyReceipt(receipt, 'not a key')).toThrow(InvalidSigningKey);
    expect(() => verifyReceipt(receipt, platform.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toThrow(
      /got a private key/,
    );
  });
});

describe('a consent receipt verified offline by a citizen’s app', () => {
  it('verifies with nothing but node:crypto, the published PEM and the two receipt fields', () => {
    // What a third-party app holds: the PEM from `consentReceiptPublicKey` and the receipt as JSON.
    const publishedPem = platform.publicKeyPem;
    const held = JSON.parse(JSON.stringify(receipt)) as { payload: string; signature: string };

    const key = createPublicKey(publishedPem);
    const genuine = verify(null, Buffer.from(held.payload, 'utf8'), key, Buffer.from(held.signature, 'base64'));
    const altered = verify(null, Buffer.from(held.payload.replace('name', 'idNumber'), 'utf8'), key, Buffer.from(held.signature, 'base64'));

    expect(genuine).toBe(true);
    expect(altered).toBe(false);
    expect(JSON.parse(held.payload)).toMatchObject({ consumer: { name: '人力资源和社会保障局' }, fields: ['name', 'birthDate', 'household'] });
  });
});
