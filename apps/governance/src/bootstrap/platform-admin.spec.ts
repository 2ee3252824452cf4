import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { generateApiKey } from '@shuzhi/signing';
import { adminKeyWeakness, ensurePlatformAdmin, PLATFORM_ADMIN_CLIENT_ID } from './platform-admin.js';

describe('the platform admin key (SHUZHI_ADMIN_KEY)', () => {
  it('may be the generated key, or any random one of 32 characters and more', () => {
    const generated = generateApiKey(PLATFORM_ADMIN_CLIENT_ID).apiKey;
    expect(generated.length).toBeGreaterThanOrEqual(32);
    expect(adminKeyWeakness(generated)).toBeUndefined();
    for (let i = 0; i < 1_000; i++) {
      // `openssl rand -base64 32`, `openssl rand -hex 16` and the like.
      expect(adminKeyWeakness(randomBytes(32).toString('base64'))).toBeUndefined();
      expect(adminKeyWeakness(randomBytes(16).toString('hex'))).toBeUndefined();
      expect(adminKeyWeakness(randomBytes(24).toString('base64url'))).toBeUndefined();
    }
  });

  it.each([
    ['empty', ''],
    ['short', 'correct-horse-battery'],
    ['one character short', randomBytes(24).toString('base64').slice(0, 31)],
  ])('is refused when it is too short (%s)', (_name, key) => {
    expect(adminKeyWeakness(key)).toBe(
      `SHUZHI_ADMIN_KEY has ${key.length} characters, fewer than the 32 random ones it needs: unset it to have one generated, or make one with \`openssl rand -base64 32\`.`,
    );
  });

  it.each([
    ['too long', 'x'.repeat(513), /more than the 512/],
    ['with a space', `${randomBytes(24).toString('base64')} ${randomBytes(24).toString('base64')}`, /only visible ASCII characters, no spaces/],
    ['other than ASCII', `${randomBytes(24).toString('base64')}密钥`, /only visible ASCII/],
    ["another client's key", generateApiKey('someone-else').apiKey, /a key of the client someone-else, not of platform-admin/],
    ['one character repeated', 'a'.repeat(40), /looks far from random/],
    ['digits only', '31415926535897932384626433832795028841', /looks far from random/],
    ['a word repeated', 'password'.repeat(4), /looks far from random/],
    ['a longer string repeated', 'Tr0ub4dor&3Tr0ub4dor&3Tr0ub4dor&3', /looks far from random/],
    ['a run', 'abcdefghijklmnopqrstuvwxyz0123456789', /looks far from random/],
  ])('is refused: %s', (_name, key, reason) => {
    expect(adminKeyWeakness(key)).toMatch(reason);
    expect(adminKeyWeakness(key)).toMatch(/^SHUZHI_ADMIN_KEY [^.]*\.$/);
  });

  it('stops the start before anything is written', async () => {
    const untouchable = new Proxy({} as INestApplicationContext, {
      get: () => {
        throw new Error('the application was used');
      },
    });
    await expect(ensurePlatformAdmin(untouchable, 'admin-admin-admin')).rejects.toThrow(/^SHUZHI_ADMIN_KEY has 17 characters/);
  });
});
