import { FeedUsageError } from './feed-errors.js';

/** GraphQL's Name (October 2021, §2.1.9): the only text of the user's that enters the document. */
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;
/** `<entity>Changes` (API.md, Change feeds): a subgraph a department adds offers its own the same way. */
const CHANGES_FIELD = /^([a-z][_0-9A-Za-z]*)Changes$/;
/** The fields that name the changed entity, asked when no `--fields` is given. */
const ENTITY_KEYS: Readonly<Record<string, readonly string[]>> = { enterprise: ['creditCode'] };
const DEFAULT_KEY = ['id'];

/** A change feed to subscribe to: the subscription field, the entity field it carries, and the document that asks for it. */
export interface ChangeSubscription {
  /** The subscription field, `residentChanges`. */
  name: string;
  /** The change's entity field, `resident`: the subscription's name without `Changes`. */
  entity: string;
  fields: readonly string[];
  /** The subscription document; the cursor goes in its `$after` variable, never in the text. */
  query: string;
}

/**
 * The subscription `name` with the entity `fields` given as `id,name,birthDate` (the entity's key
 * when absent). Field names are checked to be GraphQL names before they are put in the document,
 * since a selection cannot be a variable; anything else is refused before the gateway is asked.
 */
export const changeSubscription = (name: string, fields?: string): ChangeSubscription => {
  const match = CHANGES_FIELD.exec(name);
  if (!match) throw new FeedUsageError(`the subscription is a GraphQL name <entity>Changes, such as residentChanges; got ${JSON.stringify(name)}`);
  const entity = match[1];
  const selected = fields === undefined ? (ENTITY_KEYS[entity] ?? DEFAULT_KEY) : fieldList(fields);
  return {
    name,
    entity,
    fields: selected,
    query: `subscription ChangeFeed($after: String) { ${name}(after: $after) { cursor kind occurredAt ${entity} { ${selected.join(' ')} } } }`,
  };
};

const fieldList = (text: string): string[] => {
  const names = text.split(',').map((name) => name.trim());
  const wrong = names.filter((name) => !GRAPHQL_NAME.test(name));
  if (wrong.length > 0) {
    throw new FeedUsageError(`--fields takes GraphQL field names separated by commas, such as id,name,birthDate; not ${wrong.map((name) => JSON.stringify(name)).join(', ')}`);
  }
  return [...new Set(names)];
};
