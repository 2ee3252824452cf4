import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openReadModels } from '@shuzhi/event-store';
import { generateApiKey, hashApiKey, keyCheckOf, verifyApiKey } from '@shuzhi/signing';
import { createTestDatabase, waitUntil, type TestDatabase } from '@shuzhi/testing';
import { ApiKeyAuthenticator, PLATFORM_ADMIN_CLIENT_ID, type ApiKeyAuthenticatorOptions, type Authentication } from './api-key-authenticator.js';
import { GatewayClientRow } from './gateway-clients.projection.js';

/** A hash as governance stored it before pre-checks existed: scrypt alone. */
const withoutPreCheck = (keyHash: string) => keyHash.split('$').slice(0, 6).join('$');

/** `count` keys for `clientId` whose pre-check differs from `apiKey`'s: wrong keys an attacker would mostly send. */
const wrongKeysFor = (clientId: string, apiKey: string, count: number): string[] => {
  const keys: string[] = [];
  while (keys.length < count) {
    const { apiKey: guess } = generateApiKey(clientId);
    if (keyCheckOf(guess) !== keyCheckOf(apiKey)) keys.push(guess);
  }
  return keys;
};

describe('the API key authenticator (real PostgreSQL, real scrypt)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const admin = generateApiKey(PLATFORM_ADMIN_CLIENT_ID);
  const consumer = generateApiKey();
  const legacy = generateApiKey();
  let scrypts = 0;
  let now = 0;

  const authenticator = (options: ApiKeyAuthenticatorOptions = {}) =>
    new ApiKeyAuthenticator(dataSource, { connectionString: database.url }, 'gateway_clients_spec', {
      verifyKey: (apiKey, keyHash) => {
        scrypts++;
        return verifyApiKey(apiKey, keyHash);
      },
      now: () => now,
      ...options,
    });

  const caller = (clientId: string) => ({ ok: true, caller: expect.objectContaining({ clientId }) });

  beforeAll(async () => {
    database = await createTestDatabase('gateway_authenticator');
    dataSource = await openReadModels(database.url, 'gateway', [GatewayClientRow]);
    await dataSource.query('create schema gateway');
    await dataSource.synchronize();
    const row = (clientId: string, keyHash: string): GatewayClientRow => ({
      clientId,
      departmentCode: 'data-bureau',
      roles: ['CONSUMER'],
      keyHash,
      status: 'ACTIVE',
    });
    await dataSource.manager.save(GatewayClientRow, [
      row(admin.clientId, await hashApiKey(admin.apiKey)),
      row(consumer.clientId, await hashApiKey(consumer.apiKey)),
      row(legacy.clientId, withoutPreCheck(await hashApiKey(legacy.apiKey))),
    ]);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  beforeEach(() => {
    scrypts = 0;
    now = 1_000_000;
  });

  it('verifies a key once, then knows it', async () => {
    const keys = authenticator();
    expect(await keys.authenticate(consumer.apiKey, '10.0.0.1')).toEqual(caller(consumer.clientId));
    expect(await keys.authenticate(consumer.apiKey, '10.0.0.2')).toEqual(caller(consumer.clientId));
    expect(scrypts).toBe(1);
  });

  it('refuses what cannot be a key without a hash, and without counting it against the source', async () => {
    const keys = authenticator({ limits: { maxFailures: 1 } });
    for (const malformed of ['hunter2', 'x'.repeat(31), `${'x'.repeat(20)} ${'x'.repeat(20)}`, '键'.repeat(40)]) {
      expect(await keys.authenticate(malformed, '10.0.0.1')).toEqual({ ok: false, refused: 'WRONG_KEY' });
    }
    expect(scrypts).toBe(0);
    expect(await keys.authenticate(consumer.apiKey, '10.0.0.1')).toEqual(caller(consumer.clientId));
  });

  it('refuses wrong secrets for real clients and random bootstrap-shaped strings by their pre-check, without scrypt', async () => {
    const keys = authenticator({ limits: { maxFailures: 1_000 } });
    const guesses = [
      ...wrongKeysFor(consumer.clientId, consumer.apiKey, 100),
      ...Array.from({ length: 100 }, () => randomBytes(24).toString('base64')).filter((key) => keyCheckOf(key) !== keyCheckOf(admin.apiKey)),
    ];
    for (const guess of guesses) expect(await keys.authenticate(guess, '10.0.0.1')).toEqual({ ok: false, refused: 'WRONG_KEY' });
    expect(scrypts).toBe(0);
    expect(await keys.authenticate(admin.apiKey, '10.0.0.1')).toEqual(caller(PLATFORM_ADMIN_CLIENT_ID));
    expect(scrypts).toBe(1);
  });

  it('still runs scrypt on the one wrong key in 65 536 whose pre-check matches', async () => {
    let lucky: string;
    do lucky = generateApiKey(consumer.clientId).apiKey;
    while (keyCheckOf(lucky) !== keyCheckOf(consumer.apiKey));
    expect(await authenticator().authenticate(lucky, '10.0.0.1')).toEqual({ ok: false, refused: 'WRONG_KEY' });
    expect(scrypts).toBe(1);
  });

  it('verifies a key hashed before pre-checks by scrypt, and learns its pre-check from the first good use', async () => {
    const keys = authenticator({ limits: { maxFailures: 1_000 } });
    const [first, ...rest] = wrongKeysFor(legacy.clientId, legacy.apiKey, 11);
    expect(await keys.authenticate(first, '10.0.0.1')).toEqual({ ok: false, refused: 'WRONG_KEY' });
    expect(scrypts).toBe(1);
    expect(await keys.authenticate(legacy.apiKey, '10.0.0.2')).toEqual(caller(legacy.clientId));
    expect(scrypts).toBe(2);
    for (const guess of rest) expect(await keys.authenticate(guess, '10.0.0.1')).toEqual({ ok: false, refused: 'WRONG_KEY' });
    expect(scrypts).toBe(2);
  });

  it('stops hashing for a source past its failures, and keeps serving its verified keys and other sources', async () => {
    const keys = authenticator({ limits: { maxFailures: 5, windowMs: 60_000 } });
    expect(await keys.authenticate(consumer.apiKey, '10.0.0.1')).toEqual(caller(consumer.clientId));
    scrypts = 0;
    // The worst case: wrong keys for a client whose hash has no pre-check, each worth a scrypt.
    const verdicts = [];
    for (const guess of wrongKeysFor(legacy.clientId, legacy.apiKey, 100)) verdicts.push(await keys.authenticate(guess, '10.0.0.1'));
    expect(scrypts).toBe(5);
    expect(verdicts.slice(0, 5)).toEqual(Array(5).fill({ ok: false, refused: 'WRONG_KEY' }));
    expect(verdicts.slice(5)).toEqual(Array(95).fill({ ok: false, refused: 'TOO_MANY_FAILURES', retryAfterSeconds: 60 }));

    // Known keys keep working for the blocked source; unknown ones, even good ones, wait.
    expect(await keys.authenticate(consumer.apiKey, '10.0.0.1')).toEqual(caller(consumer.clientId));
    expect(await keys.authenticate(legacy.apiKey, '10.0.0.1')).toMatchObject({ ok: false, refused: 'TOO_MANY_FAILURES' });
    expect(scrypts).toBe(5);
    // Another source is served, and verifies the good key.
    expect(await keys.authenticate(legacy.apiKey, '10.0.0.2')).toEqual(caller(legacy.clientId));
    expect(scrypts).toBe(6);

    now += 59_500;
    expect(await keys.authenticate(generateApiKey(legacy.clientId).apiKey, '10.0.0.1')).toEqual({
      ok: false,
      refused: 'TOO_MANY_FAILURES',
      retryAfterSeconds: 1,
    });
    now += 500;
    expect(await keys.authenticate(admin.apiKey, '10.0.0.1')).toEqual(caller(PLATFORM_ADMIN_CLIENT_ID));
  });

  it('does not count keys of clients that do not exist (yet), which cost no hash', async () => {
    const keys = authenticator({ limits: { maxFailures: 2 } });
    for (let i = 0; i < 50; i++) {
      expect(await keys.authenticate(generateApiKey().apiKey, '10.0.0.1')).toEqual({ ok: false, refused: 'WRONG_KEY' });
    }
    expect(scrypts).toBe(0);
    expect(await keys.authenticate(consumer.apiKey, '10.0.0.1')).toEqual(caller(consumer.clientId));
  });

  it('asks a key to retry when the verification line is full, and runs one scrypt at a time', async () => {
    let running = 0;
    let mostAtOnce = 0;
    const releases: Array<() => void> = [];
    const keys = authenticator({
      limits: { concurrentVerifications: 1, queuedVerifications: 1 },
      verifyKey: (apiKey, keyHash) => {
        running++;
        mostAtOnce = Math.max(mostAtOnce, running);
        return new Promise<boolean>((resolve) => releases.push(() => resolve(verifyApiKey(apiKey, keyHash)))).finally(() => running--);
      },
    });
    // Wrong keys for the client without a pre-check, from three sources: each needs a scrypt.
    const guesses = wrongKeysFor(legacy.clientId, legacy.apiKey, 3).map((guess, i) => keys.authenticate(guess, `10.0.1.${i}`));
    const settled: Authentication[] = [];
    guesses.forEach((verdict) => void verdict.then((result) => settled.push(result)));
    await waitUntil(() => settled.length === 1 && releases.length === 1, { what: 'one key turned away and one verifying' });
    expect(settled).toEqual([{ ok: false, refused: 'BUSY', retryAfterSeconds: 1 }]);
    releases[0]();
    await waitUntil(() => releases.length === 2, { what: 'the waiting key to be verified' });
    releases[1]();
    await Promise.all(guesses);
    expect(settled.filter((verdict) => !verdict.ok && verdict.refused === 'WRONG_KEY')).toHaveLength(2);
    expect(mostAtOnce).toBe(1);
  });
});
