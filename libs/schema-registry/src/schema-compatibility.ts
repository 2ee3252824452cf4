import type { JsonSchema } from './json-schema.js';
import { diffSchemas, type ChangeKind, type Direction, type SchemaChange } from './schema-diff.js';

/**
 * Confluent Schema Registry's compatibility types. A plain mode checks the new version against the
 * latest registered one only; a `_TRANSITIVE` mode against every registered version, because
 * compatibility checked step by step does not always carry over to versions further back.
 */
export type CompatibilityMode =
  | 'NONE'
  | 'BACKWARD'
  | 'BACKWARD_TRANSITIVE'
  | 'FORWARD'
  | 'FORWARD_TRANSITIVE'
  | 'FULL'
  | 'FULL_TRANSITIVE';

const MODES: Readonly<Record<CompatibilityMode, { directions: readonly Direction[]; transitive: boolean }>> = {
  NONE: { directions: [], transitive: false },
  BACKWARD: { directions: ['BACKWARD'], transitive: false },
  BACKWARD_TRANSITIVE: { directions: ['BACKWARD'], transitive: true },
  FORWARD: { directions: ['FORWARD'], transitive: false },
  FORWARD_TRANSITIVE: { directions: ['FORWARD'], transitive: true },
  FULL: { directions: ['BACKWARD', 'FORWARD'], transitive: false },
  FULL_TRANSITIVE: { directions: ['BACKWARD', 'FORWARD'], transitive: true },
};

export const COMPATIBILITY_MODES = Object.keys(MODES) as CompatibilityMode[];

/** One reason the new version may not be registered under the dataset's compatibility mode. */
export interface Violation {
  /** JSON pointer into the schema, e.g. `/properties/household/properties/address`. */
  path: string;
  kind: ChangeKind;
  direction: Direction;
  /** The registered version it breaks against: 1-based position in `previous`. */
  againstVersion: number;
  message: string;
}

export interface CompatibilityResult {
  compatible: boolean;
  violations: Violation[];
}

const consequence = (direction: Direction, version: number): string =>
  direction === 'BACKWARD'
    ? `consumers using the new schema could not read every record written with version ${version}`
    : `consumers still using version ${version} could not read every record written with the new schema`;

const violationsOf = (found: SchemaChange, directions: readonly Direction[], version: number): Violation[] =>
  directions
    .filter((direction) => found.breaks.includes(direction))
    .map((direction) => ({
      path: found.path,
      kind: found.kind,
      direction,
      againstVersion: version,
      message: `${found.path === '' ? '(root)' : found.path}: ${found.description}, so ${consequence(direction, version)}`,
    }));

/**
 * Whether `next` may follow the registered versions `previous` (oldest first) under `mode`.
 * The first version of a dataset has nothing to be compatible with, and `NONE` checks nothing.
 * Every schema is expected to have passed `validateSchema`.
 */
export const checkCompatibility = (mode: CompatibilityMode, previous: readonly JsonSchema[], next: JsonSchema): CompatibilityResult => {
  if (!Object.hasOwn(MODES, mode)) throw new RangeError(`unknown compatibility mode "${String(mode)}" (one of ${COMPATIBILITY_MODES.join(', ')})`);
  const { directions, transitive } = MODES[mode];
  const versions = previous.map((_, index) => index + 1).filter((version) => transitive || version === previous.length);
  const violations =
    directions.length === 0
      ? []
      : versions.flatMap((version) => diffSchemas(previous[version - 1], next).flatMap((found) => violationsOf(found, directions, version)));
  return { compatible: violations.length === 0, violations };
};
