import type { IndexedConsent } from './policy-snapshot.index.js';

// Enough that a shard of a city's consents (a million subjects: about a thousand each) copies
// in a fraction of a millisecond, few enough that a small snapshot costs nothing.
const SHARDS = 1024;

const EMPTY: ReadonlyMap<string, readonly IndexedConsent[]> = new Map();

/** FNV-1a over the id's UTF-16 code units: spreads UUIDs and any other id format alike. */
const shardOf = (subjectId: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < subjectId.length; i++) hash = Math.imul(hash ^ subjectId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % SHARDS;
};

/**
 * Subject id → that subject's ACTIVE consents, immutable and sharded: `with` answers a copy in
 * which only the shards of the subjects it changes are copied, the rest shared. A decision
 * keeps reading the version it started with, and a consent granted or withdrawn costs its
 * subject's shard, not a copy (or a reload) of every consent in the city.
 */
export class SubjectConsents {
  private constructor(private readonly shards: ReadonlyArray<ReadonlyMap<string, readonly IndexedConsent[]>>) {}

  static of(bySubject: ReadonlyMap<string, readonly IndexedConsent[]>): SubjectConsents {
    return new SubjectConsents(Array(SHARDS).fill(EMPTY)).with(bySubject);
  }

  get(subjectId: string): readonly IndexedConsent[] | undefined {
    return this.shards[shardOf(subjectId)].get(subjectId);
  }

  /** A copy with these subjects' consents replaced; an empty list removes the subject. */
  with(changes: ReadonlyMap<string, readonly IndexedConsent[]>): SubjectConsents {
    if (changes.size === 0) return this;
    const shards = [...this.shards];
    const copied = new Set<number>();
    for (const [subjectId, consents] of changes) {
      const i = shardOf(subjectId);
      if (!copied.has(i)) {
        shards[i] = new Map(shards[i]);
        copied.add(i);
      }
      const shard = shards[i] as Map<string, readonly IndexedConsent[]>;
      if (consents.length > 0) shard.set(subjectId, consents);
      else shard.delete(subjectId);
    }
    return new SubjectConsents(shards);
  }
}
