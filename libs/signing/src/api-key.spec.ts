import { clientIdOfApiKey, generateApiKey, hashApiKey, verifyApiKey } from './api-key.js';

describe('API keys', () => {
  it('carry their client id, and verify only against their own hash', async () => {
    const { clientId, apiKey } = generateApiKey();
    expect(clientIdOfApiKey(apiKey)).toBe(clientId);
    const stored = await hashApiKey(apiKey);
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
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
});
