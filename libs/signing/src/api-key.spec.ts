import { clientIdOfApiKey, generateApiKey, hashApiKey, isKeyShaped, keyCheckIn, keyCheckOf, verifyApiKey } from './api-key.js';

describe('API keys', () => {
  it('carry their client id, and verify only against their own hash', async () => {
    const { clientId, apiKey } = generateApiKey();
    expect(clientIdOfApiKey(apiKey)).toBe(clientId);
    const stored = await hashApiKey(apiKey);
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+\$[0-9a-f]{4}$/);
    expect(stored).not.toContain(apiKey.slice(-20));
    expect(await verifyApiKey(apiKey, stored)).toBe(true);
    expect(await verifyApiKey(generateApiKey(clientId).apiKey, stored)).toBe(false);
    expect(await verifyApiKey(apiKey, 'plain$text')).toBe(false);
  });

  it('salts: the same key hashes differently each time', async () => {
    const { apiKey } = generateApiKey();
    expect(await hashApiKey(apiKey)).not.toBe(await hashApiKey(apiKey));
  });

  it('names no client for a malformed key', () => {
    expect(clientIdOfApiKey('hunter2')).toBeUndefined();
    expect(clientIdOfApiKey('shz_platform-admin_short')).toBeUndefined();
    expect(clientIdOfApiKey(generateApiKey('platform-admin').apiKey)).toBe('platform-admin');
  });

  it('takes as key-shaped only 32 to 512 visible ASCII characters, every well-formed key among them', () => {
    expect(isKeyShaped(generateApiKey().apiKey)).toBe(true);
    expect(isKeyShaped(generateApiKey('platform-admin').apiKey)).toBe(true);
    expect(isKeyShaped('x'.repeat(32))).toBe(true);
    expect(isKeyShaped('~'.repeat(512))).toBe(true);
    for (const refused of ['', 'hunter2', 'x'.repeat(31), 'x'.repeat(513), `${'x'.repeat(20)} ${'x'.repeat(20)}`, `${'x'.repeat(40)}\t`, `${'键'.repeat(40)}`]) {
      expect(isKeyShaped(refused)).toBe(false);
    }
  });

  it('keeps a 16-bit pre-check of the key beside its hash', async () => {
    const { apiKey } = generateApiKey();
    const stored = await hashApiKey(apiKey);
    expect(keyCheckIn(stored)).toBe(keyCheckOf(apiKey));
    expect(keyCheckOf(apiKey)).toMatch(/^[0-9a-f]{4}$/);
    // A hash stored before pre-checks existed has six parts, and still verifies.
    const legacy = stored.split('$').slice(0, 6).join('$');
    expect(keyCheckIn(legacy)).toBeUndefined();
    expect(await verifyApiKey(apiKey, legacy)).toBe(true);
    expect(await verifyApiKey(generateApiKey().apiKey, legacy)).toBe(false);
  });

  it('refuses a key its pre-check rules out without running scrypt', async () => {
    const { apiKey } = generateApiKey();
    const other = keyCheckOf(apiKey) === '0000' ? '0001' : '0000';
    // A cost scrypt refuses outright: verifying against it fails loudly once scrypt runs.
    const unrunnable = (check: string) => `scrypt$${2 ** 40}$8$1$c2FsdA$aGFzaA$${check}`;
    await expect(verifyApiKey(apiKey, unrunnable(other))).resolves.toBe(false);
    await expect(verifyApiKey(apiKey, unrunnable(keyCheckOf(apiKey)))).rejects.toThrow();
  });
});
