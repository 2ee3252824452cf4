import type { ClientKeyIssued } from '@shuzhi/governance-events';

/** What an answer shows in place of a secret. */
export const REDACTED = '[redacted]';

/** A path in an event's `data`; the first key is checked against the event's type. */
type SecretPath<Event extends { data: object }> = readonly [keyof Event['data'] & string, ...string[]];

const secretsOf = <Event extends { type: string; data: object }>(type: Event['type'], ...paths: Array<SecretPath<Event>>) =>
  [type, paths] as const;

/**
 * Every secret the log holds, by event type and path in `data`: the one list of them. The log
 * keeps them for the service that wrote them (a key's slow hash is what the gateway checks keys
 * against); no audit answer shows them, whoever asks. An event type that comes to carry a
 * secret is added here, and every answer of the audit is redacted by it.
 */
export const EVENT_SECRETS: ReadonlyMap<string, ReadonlyArray<readonly string[]>> = new Map([
  // An offline guess at the API key runs against it: scrypt slows that down, it does not stop it.
  secretsOf<ClientKeyIssued>('ClientKeyIssued', ['keyHash']),
]);

/** The secret paths of events of this type; none for most. */
export const secretPathsOf = (type: string): ReadonlyArray<readonly string[]> => EVENT_SECRETS.get(type) ?? [];

/**
 * The event with each secret its type carries replaced by `REDACTED`, the rest as recorded. A
 * copy where anything is replaced: the recorded event, which hashes and proofs read, is left as it is.
 */
export const redactEvent = <Event extends { type: string; data: unknown }>(event: Event): Event => {
  const paths = secretPathsOf(event.type);
  if (paths.length === 0) return event;
  return { ...event, data: paths.reduce((data, path) => redactAt(data, path), event.data) };
};

const redactAt = (value: unknown, [key, ...rest]: readonly string[]): unknown => {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return value;
  const record = value as Record<string, unknown>;
  return { ...record, [key]: rest.length === 0 ? REDACTED : redactAt(record[key], rest) };
};
