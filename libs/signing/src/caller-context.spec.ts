import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';
import {
  CALLER_CONTEXT_HEADER,
  CallerContextRefused,
  NonceLedger,
  signCallerContext,
  verifyCallerContext,
  type CallerContext,
  type CallerContextRefusal,
  type VerifyCallerContextOptions,
} from './caller-context.js';
import { InvalidSigningKey } from './key-pair.js';
import { ROLES } from '@shuzhi/shared-kernel';

const gateway = generateKeyPairSync('ed25519');
const impostor = generateKeyPairSync('ed25519');

const issuedAt = '2025-03-01T08:00:00.000Z';
const at = (offsetMs: number) => new Date(Date.parse(issuedAt) + offsetMs);

const context: CallerContext = {
  clientId: 'client-7f3a',
  department: 'human-resources',
  roles: ['CONSUMER'],
  purpose: 'SUBSIDY_ELIGIBILITY',
  decisionId: 'decision-0193',
  correlationId: 'correlation-55c1',
  audience: 'population',
  nonce: 'nonce-4b1e',
  issuedAt,
};

const body = JSON.stringify({ query: '{ resident(id: "r-1") { name } }', variables: { note: '社保' } });

const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64url');
const decode = (segment: string) => Buffer.from(segment, 'base64url').toString('utf8');

// Wraps any payload text in a correctly signed v2 header, to reach the checks that follow the
// signature (a gateway key holder can sign anything, so those checks must stand on their own).
const signedHeader = (payloadText: string, key: KeyObject = gateway.privateKey) => {
  const signingInput = `v2.${encode(payloadText)}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput), key).toString('base64url')}`;
};

const withContext = (changes: Record<string, unknown>) => signedHeader(JSON.stringify({ context: { ...context, ...changes } }));

// A fresh ledger per verification unless a test shares one: each test's contexts are new to it.
const verifyAt = (header: string | undefined, options: Partial<VerifyCallerContextOptions> = {}, key = gateway.publicKey) =>
  verifyCallerContext(header, key, { now: at(0), audience: 'population', nonces: new NonceLedger(), ...options });

const refusal = (header: string | undefined, options: Partial<VerifyCallerContextOptions> = {}, key = gateway.publicKey) => {
  try {
    verifyAt(header, options, key);
  } catch (error) {
    if (error instanceof CallerContextRefused) return error;
    throw error;
  }
  throw new Error('expected the caller context to be refused');
};

const refusedFor = (header: string | undefined, options: Partial<VerifyCallerContextOptions> = {}): CallerContextRefusal =>
  refusal(header, options).reason;

const [, goodPayload, goodSignature] = signCallerContext(context, gateway.privateKey).split('.');

describe('signCallerContext', () => {
  it('writes v2.<base64url of the canonical JSON of {context}>.<base64url Ed25519 signature>', () => {
    const header = signCallerContext(context, gateway.privateKey);
    const [version, payload, signature, ...rest] = header.split('.');
    expect([version, rest]).toEqual(['v2', []]);
    expect(decode(payload)).toBe(canonicalJson({ context }));
    expect(Buffer.from(signature, 'base64url')).toHaveLength(64);
    expect(header).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('binds the SHA-256 of the body into the signed payload', () => {
    const [, payload] = signCallerContext(context, gateway.privateKey, { body }).split('.');
    const bodySha256 = createHash('sha256').update(body).digest('hex');
    expect(decode(payload)).toBe(canonicalJson({ context, bodySha256 }));
  });

  it('gives the same header for the same context, key and body (Ed25519 is deterministic)', () => {
    expect(signCallerContext(context, gateway.privateKey, { body })).toBe(signCallerContext(context, gateway.privateKey, { body }));
  });

  it.each([
    ['an unknown role', { roles: ['ROOT'] }, 'role "ROOT" is not one of'],
    ['a timestamp in another spelling', { issuedAt: '2025-03-01T16:00:00+08:00' }, 'issuedAt must be a UTC timestamp'],
    ['an unexpected field', { tenant: 'x' }, 'unexpected context field(s) tenant'],
    ['a missing field', { decisionId: undefined }, 'decisionId must be a non-empty string'],
  ])('refuses to sign a context with %s', (_name, changes, problem) => {
    expect(() => signCallerContext({ ...context, ...changes } as CallerContext, gateway.privateKey)).toThrow(
      new TypeError(`cannot sign caller context: ${problem}`).message,
    );
  });

  it('refuses a key that is not Ed25519', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => signCallerContext(context, privateKey)).toThrow(InvalidSigningKey);
  });
});

describe('verifyCallerContext', () => {
  it('returns the context the gateway signed', () => {
    expect(verifyAt(signCallerContext(context, gateway.privateKey))).toEqual(context);
  });

  it.each([
    ['no purpose', { purpose: null }],
    ['every role', { roles: [...ROLES] }],
    ['no roles', { roles: [] }],
    ['non-ASCII names', { department: '人力社保局', clientId: '客户端-1' }],
  ])('accepts a context with %s', (_name, changes) => {
    const changed = { ...context, ...changes } as CallerContext;
    expect(verifyAt(signCallerContext(changed, gateway.privateKey))).toEqual(changed);
  });

  it('accepts the body it was signed with, as text or as the received bytes', () => {
    const header = signCallerContext(context, gateway.privateKey, { body });
    expect(verifyAt(header, { body })).toEqual(context);
    expect(verifyAt(header, { body: Buffer.from(body, 'utf8') })).toEqual(context);
  });

  it('accepts a context exactly maxAgeMs old or maxFutureSkewMs ahead', () => {
    const header = signCallerContext(context, gateway.privateKey);
    expect(verifyAt(header, { now: at(30_000) })).toEqual(context);
    expect(verifyAt(header, { now: at(-5_000) })).toEqual(context);
  });

  it('honours other limits', () => {
    const header = signCallerContext(context, gateway.privateKey);
    expect(verifyAt(header, { now: at(59_000), maxAgeMs: 60_000 })).toEqual(context);
    expect(refusedFor(header, { now: at(1_001), maxAgeMs: 1_000 })).toBe('expired');
    expect(verifyAt(header, { now: at(-9_000), maxFutureSkewMs: 10_000 })).toEqual(context);
    expect(refusedFor(header, { now: at(-1), maxFutureSkewMs: 0 })).toBe('from the future');
  });

  it('travels in the x-shuzhi-context header', () => {
    expect(CALLER_CONTEXT_HEADER).toBe('x-shuzhi-context');
  });

  it('refuses with an error that names the reason and the detail', () => {
    const error = refusal(signCallerContext(context, gateway.privateKey), { now: at(30_001) });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('CallerContextRefused');
    expect(error.reason).toBe('expired');
    expect(error.message).toBe('caller context refused (expired): issued 30001 ms ago; at most 30000 ms is accepted');
  });

  describe('refuses a missing header', () => {
    it.each([undefined, ''])('%j', (header) => {
      expect(refusedFor(header)).toBe('missing');
    });
  });

  describe('refuses a header that is not three parts of base64url', () => {
    const tweakLastCharacter = (segment: string) => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      // 64 bytes fill 86 characters with 4 bits to spare: flipping the lowest one leaves the
      // decoded bytes unchanged, the malleability a strict decoder must refuse.
      return segment.slice(0, -1) + alphabet[alphabet.indexOf(segment.at(-1)!) ^ 1];
    };

    it.each([
      ['one part', 'v2'],
      ['two parts', `v2.${goodPayload}`],
      ['four parts', `v2.${goodPayload}.${goodSignature}.extra`],
      ['an empty payload', `v2..${goodSignature}`],
      ['an empty signature', `v2.${goodPayload}.`],
      ['base64 padding', `v2.${goodPayload}=.${goodSignature}`],
      ['characters outside base64url', `v2.${goodPayload.replace(/.$/, '+')}.${goodSignature}`],
      ['a short signature', `v2.${goodPayload}.${goodSignature.slice(0, 43)}`],
      ['a long signature', `v2.${goodPayload}.${goodSignature}AAAA`],
      ['two headers joined by a proxy', `v2.${goodPayload}.${goodSignature}, v2.${goodPayload}.${goodSignature}`],
    ])('with %s', (_name, header) => {
      expect(refusedFor(header)).toBe('malformed');
    });

    it('with a signature in a non-canonical encoding of the same bytes', () => {
      const tweaked = tweakLastCharacter(goodSignature);
      expect(Buffer.from(tweaked, 'base64url').equals(Buffer.from(goodSignature, 'base64url'))).toBe(true);
      expect(refusedFor(`v2.${goodPayload}.${tweaked}`)).toBe('malformed');
    });
  });

  describe('refuses another version prefix', () => {
    it.each(['v1', 'V2', 'v3', '', 'v2 '])('%j', (version) => {
      expect(refusedFor(`${version}.${goodPayload}.${goodSignature}`)).toBe('unsupported version');
    });
  });

  describe('refuses a bad signature', () => {
    it('over a tampered payload', () => {
      const tampered = encode(canonicalJson({ context: { ...context, roles: ['CONSUMER', 'PLATFORM'] } }));
      expect(refusedFor(`v2.${tampered}.${goodSignature}`)).toBe('bad signature');
    });

    it('over the same JSON spelled differently', () => {
      const respelled = encode(JSON.stringify({ context }, null, 2));
      expect(refusedFor(`v2.${respelled}.${goodSignature}`)).toBe('bad signature');
    });

    it('that was tampered with', () => {
      const signature = Buffer.from(goodSignature, 'base64url');
      signature[10] ^= 0x01;
      expect(refusedFor(`v2.${goodPayload}.${signature.toString('base64url')}`)).toBe('bad signature');
    });

    it('made with another key', () => {
      expect(refusedFor(signCallerContext(context, impostor.privateKey))).toBe('bad signature');
    });

    it('checked against another key', () => {
      expect(refusal(signCallerContext(context, gateway.privateKey), {}, impostor.publicKey).reason).toBe('bad signature');
    });

    it('taken from another header', () => {
      const [, , otherSignature] = signCallerContext({ ...context, decisionId: 'decision-0194' }, gateway.privateKey).split('.');
      expect(refusedFor(`v2.${goodPayload}.${otherSignature}`)).toBe('bad signature');
    });

    it('that signed the body binding away', () => {
      const [, , boundSignature] = signCallerContext(context, gateway.privateKey, { body }).split('.');
      expect(refusedFor(`v2.${goodPayload}.${boundSignature}`)).toBe('bad signature');
    });
  });

  describe('refuses a signed payload of the wrong shape', () => {
    it.each([
      ['not JSON', signedHeader('{"context":')],
      ['an array', signedHeader(JSON.stringify([context]))],
      ['null', signedHeader('null')],
      ['no context', signedHeader(JSON.stringify({ bodySha256: 'a'.repeat(64) }))],
      ['an extra payload field', signedHeader(JSON.stringify({ context, expires: 'never' }))],
      ['a bodySha256 in upper case', signedHeader(JSON.stringify({ context, bodySha256: 'A'.repeat(64) }))],
      ['a short bodySha256', signedHeader(JSON.stringify({ context, bodySha256: 'a'.repeat(63) }))],
      ['a null bodySha256', signedHeader(JSON.stringify({ context, bodySha256: null }))],
      ['a context that is a string', signedHeader(JSON.stringify({ context: JSON.stringify(context) }))],
      ['an extra context field', withContext({ tenant: 'all' })],
      ['no clientId', withContext({ clientId: undefined })],
      ['an empty department', withContext({ department: '' })],
      ['a numeric decisionId', withContext({ decisionId: 7 })],
      ['no correlationId', withContext({ correlationId: undefined })],
      ['no purpose', withContext({ purpose: undefined })],
      ['an empty purpose', withContext({ purpose: '' })],
      ['roles as a string', withContext({ roles: 'CONSUMER' })],
      ['a role that is not a string', withContext({ roles: ['CONSUMER', 1] })],
      ['a repeated role', withContext({ roles: ['CONSUMER', 'CONSUMER'] })],
      ['no issuedAt', withContext({ issuedAt: undefined })],
      ['issuedAt as a number', withContext({ issuedAt: Date.parse(issuedAt) })],
      ['issuedAt without milliseconds', withContext({ issuedAt: '2025-03-01T08:00:00Z' })],
      ['issuedAt with an offset', withContext({ issuedAt: '2025-03-01T16:00:00.000+08:00' })],
      ['issuedAt on a day that does not exist', withContext({ issuedAt: '2025-02-30T08:00:00.000Z' })],
    ])('with %s', (_name, header) => {
      expect(refusedFor(header)).toBe('malformed');
    });

    it('with an unknown role, named as such', () => {
      const error = refusal(withContext({ roles: ['CONSUMER', 'SUPERUSER'] }));
      expect(error.reason).toBe('unknown role');
      expect(error.message).toContain('"SUPERUSER"');
    });
  });

  it('refuses a context older than maxAgeMs', () => {
    expect(refusedFor(signCallerContext(context, gateway.privateKey), { now: at(30_001) })).toBe('expired');
  });

  it('refuses a context from further ahead than maxFutureSkewMs', () => {
    const error = refusal(signCallerContext(context, gateway.privateKey), { now: at(-5_001) });
    expect(error.reason).toBe('from the future');
    expect(error.message).toContain('issued 5001 ms ahead of this clock');
  });

  describe('refuses a body mismatch', () => {
    const bound = signCallerContext(context, gateway.privateKey, { body });

    it('when the header is replayed with another body', () => {
      expect(refusedFor(bound, { body: body.replace('r-1', 'r-2') })).toBe('body mismatch');
    });

    it('when the bytes differ from the signed text', () => {
      expect(refusedFor(bound, { body: Buffer.from(`${body} `) })).toBe('body mismatch');
    });

    it('when the verifier does not pass the body the header is bound to', () => {
      expect(refusal(bound).message).toContain('none was given to check');
    });

    it('when a body is expected but the header is not bound to one', () => {
      const error = refusal(signCallerContext(context, gateway.privateKey), { body });
      expect(error.reason).toBe('body mismatch');
      expect(error.message).toContain('not bound to a request body');
    });
  });

  it('refuses to judge freshness without a valid clock', () => {
    expect(() => verifyAt(signCallerContext(context, gateway.privateKey), { now: new Date(NaN) })).toThrow(TypeError);
  });

  it('refuses a verification key that is not Ed25519', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(() => verifyAt(signCallerContext(context, gateway.privateKey), {}, publicKey)).toThrow(InvalidSigningKey);
  });

  it('refuses a context meant for another subgraph: one subgraph cannot pass on what it was sent to another', () => {
    const header = signCallerContext(context, gateway.privateKey, { body });
    const error = refusal(header, { body, audience: 'governance' });
    expect(error.reason).toBe('wrong audience');
    expect(verifyAt(header, { body, audience: 'population' })).toEqual(context);
  });

  it('takes each context once: a replay within its freshness is refused, and the ledger forgets it once it could no longer pass', () => {
    const nonces = new NonceLedger();
    const header = signCallerContext(context, gateway.privateKey, { body });
    expect(verifyAt(header, { body, nonces })).toEqual(context);
    expect(refusedFor(header, { body, nonces, now: at(1_000) })).toBe('replayed');
    // A context refused for another reason is not remembered: its nonce stays free.
    const other = signCallerContext({ ...context, nonce: 'nonce-other' }, gateway.privateKey, { body });
    expect(refusedFor(other, { body: 'x', nonces })).toBe('body mismatch');
    expect(verifyAt(other, { body, nonces })).toEqual({ ...context, nonce: 'nonce-other' });
    // Past its freshness a replay is refused as expired; the ledger has let it go by then.
    expect(refusedFor(header, { body, nonces, now: at(31_000) })).toBe('expired');
    const later = { ...context, nonce: 'nonce-later', issuedAt: at(31_000).toISOString() };
    expect(verifyAt(signCallerContext(later, gateway.privateKey, { body }), { body, nonces, now: at(31_000) })).toEqual(later);
    expect(nonces.size).toBe(1);
  });

  it.each(['audience', 'nonce'])('refuses a context without its %s', (field) => {
    expect(refusedFor(withContext({ [field]: '' }))).toBe('malformed');
  });
});
