import { createHash, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { decodeBase64Strictly } from './base64.js';
import { canonicalJson } from './canonical-json.js';
import { assertEd25519, ED25519_SIGNATURE_BYTES } from './key-pair.js';
import { ROLES, type Role } from '@shuzhi/shared-kernel';

/** The header that carries the gateway's signed caller context to the subgraphs. */
export const CALLER_CONTEXT_HEADER = 'x-shuzhi-context';

const isRole = (value: unknown): value is Role => (ROLES as readonly unknown[]).includes(value);

/**
 * What the gateway vouches for on each request it forwards: who is calling, for what declared
 * purpose, under which policy decision. Subgraphs trust it only with a valid, fresh signature.
 */
export interface CallerContext {
  clientId: string;
  department: string;
  roles: Role[];
  /** The declared `X-Purpose`; null for operations that read no dataset. */
  purpose: string | null;
  /** The gateway's policy decision this request was allowed under (see the access record). */
  decisionId: string;
  correlationId: string;
  /** The subgraph it is meant for, by name: another subgraph refuses it. */
  audience: string;
  /** Random, once per signature (`newNonce`): a subgraph takes each context once within its freshness. */
  nonce: string;
  /** When the gateway signed it, as `Date.toISOString()` writes it. */
  issuedAt: string;
}

/** A fresh nonce for a caller context: 128 random bits, base64url. */
export const newNonce = (): string => randomBytes(16).toString('base64url');

export type CallerContextRefusal =
  | 'missing'
  | 'malformed'
  | 'unsupported version'
  | 'bad signature'
  | 'unknown role'
  | 'expired'
  | 'from the future'
  | 'body mismatch'
  | 'wrong audience'
  | 'replayed';

/** A request whose caller context a subgraph must not trust; `reason` says why. */
export class CallerContextRefused extends Error {
  constructor(
    readonly reason: CallerContextRefusal,
    detail: string,
  ) {
    super(`caller context refused (${reason}): ${detail}`);
    this.name = 'CallerContextRefused';
  }
}

export interface SignCallerContextOptions {
  /** The exact request body forwarded with the header; its SHA-256 is signed along. */
  body?: string | Uint8Array;
}

export interface VerifyCallerContextOptions {
  now: Date;
  maxAgeMs?: number;
  /** How far ahead of this clock the gateway's clock may run. */
  maxFutureSkewMs?: number;
  /** The request body as received; required exactly when the gateway bound one. */
  body?: string | Uint8Array;
  /** This subgraph's name: a context meant for another is refused. */
  audience: string;
  /** The nonces taken so far: a context seen before is refused (a replay). */
  nonces: NonceLedger;
}

/**
 * The nonces of the contexts a subgraph has taken, each until its context could no longer pass
 * the freshness check anyway: after that a replay is refused as expired, so the ledger holds no
 * more than the last `maxAgeMs` of traffic (every entry is a context the gateway signed).
 */
export class NonceLedger {
  private readonly expiries = new Map<string, number>();
  private nextSweep = 0;

  /** True, and remembered until `expiresAt` (epoch ms), when the nonce was never taken; false otherwise. */
  take(nonce: string, expiresAt: number, now: number): boolean {
    if (now >= this.nextSweep) {
      for (const [taken, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(taken);
      this.nextSweep = now + 1_000;
    }
    if (this.expiries.has(nonce)) return false;
    this.expiries.set(nonce, expiresAt);
    return true;
  }

  get size(): number {
    return this.expiries.size;
  }
}

const VERSION = 'v2';

/** The signed payload: the context and, when a body was given, that body's SHA-256 (hex). */
interface SignedEnvelope {
  context: CallerContext;
  bodySha256?: string;
}

interface Problem {
  reason: 'malformed' | 'unknown role';
  detail: string;
}

/**
 * The header value `v2.<base64url(JCS of {context, bodySha256?})>.<base64url(Ed25519 signature)>`.
 * The signature covers `v2.<payload>` as sent, version included (as in JWS), so neither the
 * version nor any byte of the payload can be changed without breaking it. (v1 had no audience
 * and no nonce: a context could be replayed within its freshness, or at another subgraph.)
 */
export const signCallerContext = (
  context: CallerContext,
  privateKey: KeyObject,
  options: SignCallerContextOptions = {},
): string => {
  assertEd25519(privateKey, 'the caller context signing key');
  const problem = contextProblem(context);
  if (problem) throw new TypeError(`cannot sign caller context: ${problem.detail}`);
  const envelope: SignedEnvelope = options.body === undefined ? { context } : { context, bodySha256: sha256Hex(options.body) };
  const signingInput = `${VERSION}.${Buffer.from(canonicalJson(envelope), 'utf8').toString('base64url')}`;
  return `${signingInput}.${sign(null, Buffer.from(signingInput), privateKey).toString('base64url')}`;
};

/**
 * The caller context of a request, or a `CallerContextRefused`. The signature is checked before
 * the payload is even parsed, so nothing unauthenticated reaches the JSON parser or the checks.
 */
export const verifyCallerContext = (
  header: string | undefined,
  publicKey: KeyObject,
  options: VerifyCallerContextOptions,
): CallerContext => {
  assertEd25519(publicKey, 'the caller context verification key');
  const { signingInput, payload, signature } = splitHeader(header);
  if (!verify(null, Buffer.from(signingInput), publicKey, signature)) {
    throw new CallerContextRefused('bad signature', 'the signature does not match the payload and the gateway key');
  }
  const envelope = parseEnvelope(payload);
  checkFreshness(envelope.context.issuedAt, options);
  checkBody(envelope.bodySha256, options.body);
  if (envelope.context.audience !== options.audience) {
    throw new CallerContextRefused('wrong audience', `the context is meant for ${JSON.stringify(envelope.context.audience)}, not this subgraph`);
  }
  // Last: only a context that passed every other check is remembered.
  const expiresAt = Date.parse(envelope.context.issuedAt) + (options.maxAgeMs ?? DEFAULT_MAX_AGE_MS) + 1;
  if (!options.nonces.take(envelope.context.nonce, expiresAt, options.now.getTime())) {
    throw new CallerContextRefused('replayed', 'this context was taken before: each is good for one request');
  }
  return envelope.context;
};

const malformed = (detail: string) => new CallerContextRefused('malformed', detail);

const splitHeader = (header: string | undefined) => {
  if (header === undefined || header === '') throw new CallerContextRefused('missing', `no ${CALLER_CONTEXT_HEADER} header`);
  const parts = header.split('.');
  if (parts.length !== 3) throw malformed(`expected ${VERSION}.<payload>.<signature>, got ${parts.length} part(s)`);
  const [version, encodedPayload, encodedSignature] = parts;
  if (version !== VERSION) throw new CallerContextRefused('unsupported version', `version ${JSON.stringify(version)}; this verifier reads ${VERSION}`);
  const payload = decodeBase64Strictly(encodedPayload, 'base64url');
  if (payload === undefined || payload.length === 0) throw malformed('the payload is not base64url');
  const signature = decodeBase64Strictly(encodedSignature, 'base64url');
  if (signature?.length !== ED25519_SIGNATURE_BYTES) throw malformed('the signature is not a base64url Ed25519 signature');
  return { signingInput: `${version}.${encodedPayload}`, payload, signature };
};

const parseEnvelope = (payload: Buffer): SignedEnvelope => {
  const envelope = parseJson(payload.toString('utf8'));
  const problem = envelopeProblem(envelope);
  if (problem) throw new CallerContextRefused(problem.reason, problem.detail);
  return envelope as SignedEnvelope;
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw malformed('the payload is not JSON');
  }
};

const SHA256_HEX = /^[0-9a-f]{64}$/;

const envelopeProblem = (value: unknown): Problem | undefined => {
  if (!isRecord(value)) return { reason: 'malformed', detail: 'the payload is not an object' };
  const unexpected = unexpectedKeys(value, ['context', 'bodySha256']);
  if (unexpected) return { reason: 'malformed', detail: `unexpected payload field(s) ${unexpected}` };
  if ('bodySha256' in value && !(typeof value.bodySha256 === 'string' && SHA256_HEX.test(value.bodySha256))) {
    return { reason: 'malformed', detail: 'bodySha256 must be a lower-case hex SHA-256' };
  }
  return contextProblem(value.context);
};

const CONTEXT_FIELDS = ['clientId', 'department', 'roles', 'purpose', 'decisionId', 'correlationId', 'audience', 'nonce', 'issuedAt'];
const NAMING_FIELDS = ['clientId', 'department', 'decisionId', 'correlationId', 'audience', 'nonce'] as const;

// Strict on purpose: a field this code does not know could be one a newer gateway expects the
// subgraph to enforce, so it is refused rather than ignored.
const contextProblem = (value: unknown): Problem | undefined => {
  if (!isRecord(value)) return { reason: 'malformed', detail: 'the context is not an object' };
  const unexpected = unexpectedKeys(value, CONTEXT_FIELDS);
  if (unexpected) return { reason: 'malformed', detail: `unexpected context field(s) ${unexpected}` };
  const unnamed = NAMING_FIELDS.find((field) => !isNonEmptyString(value[field]));
  if (unnamed) return { reason: 'malformed', detail: `${unnamed} must be a non-empty string` };
  if (value.purpose !== null && !isNonEmptyString(value.purpose)) {
    return { reason: 'malformed', detail: 'purpose must be a non-empty string or null' };
  }
  return rolesProblem(value.roles) ?? issuedAtProblem(value.issuedAt);
};

const rolesProblem = (roles: unknown): Problem | undefined => {
  if (!Array.isArray(roles) || !roles.every((role) => typeof role === 'string')) {
    return { reason: 'malformed', detail: 'roles must be an array of role names' };
  }
  const unknown = roles.find((role) => !isRole(role));
  if (unknown !== undefined) return { reason: 'unknown role', detail: `role ${JSON.stringify(unknown)} is not one of ${ROLES.join(', ')}` };
  if (new Set(roles).size !== roles.length) return { reason: 'malformed', detail: 'roles must not repeat' };
  return undefined;
};

// One spelling per instant (the one Date.toISOString writes), which also rules out dates like
// 02-30 that Date.parse would roll over into March.
const issuedAtProblem = (issuedAt: unknown): Problem | undefined => {
  const time = typeof issuedAt === 'string' ? Date.parse(issuedAt) : NaN;
  if (Number.isNaN(time) || new Date(time).toISOString() !== issuedAt) {
    return { reason: 'malformed', detail: 'issuedAt must be a UTC timestamp as Date.toISOString() writes it' };
  }
  return undefined;
};

const DEFAULT_MAX_AGE_MS = 30_000;

const checkFreshness = (
  issuedAt: string,
  { now, maxAgeMs = DEFAULT_MAX_AGE_MS, maxFutureSkewMs = 5_000 }: VerifyCallerContextOptions,
): void => {
  // An invalid Date would make every comparison below false, and so accept any context.
  if (Number.isNaN(now.getTime())) throw new TypeError('verifyCallerContext needs a valid `now`');
  const ageMs = now.getTime() - Date.parse(issuedAt);
  if (ageMs > maxAgeMs) throw new CallerContextRefused('expired', `issued ${ageMs} ms ago; at most ${maxAgeMs} ms is accepted`);
  if (-ageMs > maxFutureSkewMs) {
    throw new CallerContextRefused('from the future', `issued ${-ageMs} ms ahead of this clock; at most ${maxFutureSkewMs} ms of skew is accepted`);
  }
};

// Both directions are refused: an unbound context could ride along with any body, and a bound
// one that is not checked means the verifier forgot to pass the body.
const checkBody = (boundSha256: string | undefined, body: string | Uint8Array | undefined): void => {
  if (boundSha256 === undefined && body === undefined) return;
  if (boundSha256 === undefined) throw new CallerContextRefused('body mismatch', 'the context is not bound to a request body');
  if (body === undefined) throw new CallerContextRefused('body mismatch', 'the context is bound to a request body, but none was given to check');
  if (sha256Hex(body) !== boundSha256) throw new CallerContextRefused('body mismatch', 'the request body is not the one the context was signed for');
};

const sha256Hex = (body: string | Uint8Array): string => createHash('sha256').update(body).digest('hex');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

const unexpectedKeys = (value: Record<string, unknown>, allowed: readonly string[]): string | undefined => {
  const unexpected = Object.keys(value).filter((key) => !allowed.includes(key));
  return unexpected.length > 0 ? unexpected.join(', ') : undefined;
};
