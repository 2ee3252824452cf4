import { Kind, visit, type DocumentNode, type FieldNode, type OperationDefinitionNode } from 'graphql';
import type { FeedDeclaration, FieldSelection, SupergraphTopology } from '@shuzhi/policy';
import type { ArgumentUse } from './operation-arguments.js';
import type { OperationReading } from './operation-selections.js';

/** The response names under which the gateway asks for each change's cursor and time for itself. */
export const CURSOR_ALIAS = '_shuzhiCursor';
export const AT_ALIAS = '_shuzhiAt';

/** The cursor before every change: a feed read from the beginning of the log. */
export const FEED_ORIGIN = '0';

/** A subscription the gateway serves: a change feed, as the topology declares it. */
export interface FeedOperation {
  /** `Subscription.residentChanges` */
  coordinate: string;
  declaration: FeedDeclaration;
  /** The subgraph that feeds it, and so resolves every field it may select. */
  subgraph: string;
  /** The root field's response key, and the response keys of the entity under it. */
  rootKey: string;
  entityKeys: string[];
  /** The `after` the caller gave, coerced; undefined for from now on. */
  after: string | undefined;
}

/**
 * The subscription as a change feed, or why it cannot be served. Only declared feeds are; a
 * feed's selection stays within its own subgraph (the gateway does not join other subgraphs'
 * fields onto a stream: read them with a query), and it selects its entity, whose consent and
 * division are what decide each change.
 */
export const readFeed = (
  reading: OperationReading,
  topology: Pick<SupergraphTopology, 'feeds' | 'fieldSubgraphs'>,
  uses: readonly ArgumentUse[],
): FeedOperation | { refused: string } => {
  const roots = reading.definition.selectionSet.selections;
  const root = roots.length === 1 && roots[0].kind === Kind.FIELD ? roots[0] : undefined;
  if (!root) return { refused: 'a subscription selects its feed directly, as the only field of the operation' };
  const rootKey = root.alias?.value ?? root.name.value;
  const coordinate = `${reading.tree.type}.${root.name.value}`;
  const declaration = topology.feeds.get(coordinate);
  const [subgraph, ...others] = topology.fieldSubgraphs.get(coordinate) ?? [];
  if (!declaration || !subgraph || others.length > 0) return { refused: `${coordinate} is not a change feed: only change feeds are served as subscriptions` };
  const elsewhere = reading.selections.filter(
    (s) => !s.field.startsWith('__') && !(topology.fieldSubgraphs.get(`${s.type}.${s.field}`) ?? []).includes(subgraph),
  );
  if (elsewhere.length > 0) {
    const named = [...new Set(elsewhere.map((s) => `${s.type}.${s.field}`))].join(', ');
    return { refused: `${named} come from another service than the ${subgraph} feed: a change feed serves its own service's fields; read the others with a query` };
  }
  const changes = reading.tree.fields.get(rootKey)?.children;
  const entityKeys = [...(changes?.fields ?? [])].filter(([, f]) => f.field === declaration.entityField).map(([key]) => key);
  if (entityKeys.length === 0) return { refused: `a change feed selects its ${declaration.entityField} (its key at least): each change is decided on it` };
  const reserved = [...(changes?.fields.keys() ?? [])].find((key) => key === CURSOR_ALIAS || key === AT_ALIAS);
  if (reserved) return { refused: `the response name "${reserved}" is the gateway's own; alias the field differently` };
  const after = uses.find((u) => u.coordinate === coordinate && u.argument === 'after')?.value;
  return { coordinate, declaration, subgraph, rootKey, entityKeys, after: typeof after === 'string' ? after : undefined };
};

/**
 * The feed's selections as the decision reads them: a change's own fields (cursor, kind, time)
 * say that the entity changed and when, and the field that carries the entity says whose change
 * it is (the gateway reads its key for itself), so each needs what the entity's key needs.
 */
export const feedSelections = (selections: readonly FieldSelection[], feed: FeedOperation, entityKey: string): FieldSelection[] =>
  selections.map((s) => (s.type === feed.declaration.changeType ? { type: feed.declaration.entityType, field: entityKey, path: s.path } : s));

/**
 * The document the subgraph is asked: the feed starts at `startCursor` (the caller's `after`, or
 * the head of the log when it subscribed, so that the stream always knows where it stands), and
 * each change carries its cursor and time under the gateway's own names, removed again before delivery.
 * An `after` the caller gave stays as given; one it left out (or null) becomes the start cursor,
 * and a variable that then names nothing is dropped, as validation would otherwise refuse it.
 */
export const feedDocument = (document: DocumentNode, operation: OperationDefinitionNode, feed: FeedOperation, startCursor: string): DocumentNode =>
  visit(document, {
    OperationDefinition(node) {
      if (node !== operation) return undefined;
      const [root] = node.selectionSet.selections as FieldNode[];
      const own = (alias: string, name: string): FieldNode => ({ kind: Kind.FIELD, alias: { kind: Kind.NAME, value: alias }, name: { kind: Kind.NAME, value: name } });
      const fed: FieldNode = {
        ...root,
        arguments:
          feed.after !== undefined
            ? root.arguments
            : [
                ...(root.arguments ?? []).filter((a) => a.name.value !== 'after'),
                { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'after' }, value: { kind: Kind.STRING, value: startCursor } },
              ],
        selectionSet: root.selectionSet && { ...root.selectionSet, selections: [...root.selectionSet.selections, own(CURSOR_ALIAS, 'cursor'), own(AT_ALIAS, 'occurredAt')] },
      };
      const selectionSet = { ...node.selectionSet, selections: [fed] };
      const used = new Set<string>();
      visit(selectionSet, { Variable: (v) => void used.add(v.name.value) });
      const variableDefinitions = node.variableDefinitions?.filter((d) => used.has(d.variable.name.value));
      return { ...node, variableDefinitions, selectionSet };
    },
  });
