import { Kind, parse, type ConstDirectiveNode, type FieldDefinitionNode } from 'graphql';

/** Subgraphs whose types are the platform's own, guarded by roles inside those subgraphs. */
export const PLATFORM_SUBGRAPHS: ReadonlySet<string> = new Set(['governance', 'audit']);

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * What enforcement needs to know of the supergraph's topology, read from its join directives.
 *
 * Rule: a type is a platform type when every subgraph that contributes it (`@join__type`) is a
 * platform subgraph (governance, audit); a root field is a platform field when every subgraph
 * that resolves it (its `@join__field`s, or its type's `@join__type`s when it has none) is. Any
 * type or root field that a domain subgraph contributes to is a domain one, so an entity a
 * department later extends with its own fields is governed by contracts from then on.
 * Introspection (`__Schema`, `__Type`, ...) counts as platform: it describes the graph, not data.
 */
export interface SupergraphTopology {
  platformTypes: string[];
  platformFields: string[];
  /** Entity type → its single-field key (`Resident` → `id`), as its subgraphs declare it. */
  entityKeys: ReadonlyMap<string, string>;
}

const INTROSPECTION_TYPES = ['__Schema', '__Type', '__Field', '__InputValue', '__EnumValue', '__Directive'];

export const readSupergraphTopology = (supergraphSdl: string): SupergraphTopology => {
  const document = parse(supergraphSdl);
  const graphNames = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const name = stringArgument(value.directives?.find((d) => d.name.value === 'join__graph'), 'name');
      graphNames.set(value.name.value, name ?? value.name.value.toLowerCase());
    }
  }
  const isPlatform = (graphs: readonly string[]) =>
    graphs.length > 0 && graphs.every((graph) => PLATFORM_SUBGRAPHS.has(graphNames.get(graph) ?? graph.toLowerCase()));

  const platformTypes = [...INTROSPECTION_TYPES];
  const platformFields = ['Query.__schema', 'Query.__type'];
  const entityKeys = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
        definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const type = definition.name.value;
    const joins = (definition.directives ?? []).filter((d) => d.name.value === 'join__type');
    const typeGraphs = joins.map((d) => enumArgument(d, 'graph')).filter((g): g is string => g !== undefined);
    for (const join of joins) {
      const key = stringArgument(join, 'key');
      if (key && /^\w+$/.test(key.trim()) && !entityKeys.has(type)) entityKeys.set(type, key.trim());
    }
    if (ROOT_TYPES.has(type)) {
      for (const field of definition.fields ?? []) {
        if (isPlatform(fieldGraphs(field, typeGraphs))) platformFields.push(`${type}.${field.name.value}`);
      }
    } else if (isPlatform(typeGraphs)) {
      platformTypes.push(type);
    }
  }
  return { platformTypes, platformFields, entityKeys };
};

const fieldGraphs = (field: FieldDefinitionNode, typeGraphs: readonly string[]): string[] => {
  const joins = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
  const graphs = joins.map((d) => enumArgument(d, 'graph')).filter((g): g is string => g !== undefined);
  return graphs.length > 0 ? graphs : [...typeGraphs];
};

const argument = (directive: ConstDirectiveNode | undefined, name: string) => directive?.arguments?.find((a) => a.name.value === name)?.value;

const stringArgument = (directive: ConstDirectiveNode | undefined, name: string): string | undefined => {
  const value = argument(directive, name);
  return value?.kind === Kind.STRING ? value.value : undefined;
};

const enumArgument = (directive: ConstDirectiveNode | undefined, name: string): string | undefined => {
  const value = argument(directive, name);
  return value?.kind === Kind.ENUM ? value.value : undefined;
};
