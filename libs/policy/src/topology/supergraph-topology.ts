import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type DefinitionNode,
  type FieldDefinitionNode,
  type InputValueDefinitionNode,
  type TypeNode,
} from 'graphql';

/** Subgraphs whose types are the platform's own, guarded by roles inside those subgraphs. */
export const PLATFORM_SUBGRAPHS: ReadonlySet<string> = new Set(['governance', 'audit']);

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);

/** The governed field an argument or an input field reads, or `none` (a page size, say). */
export type ArgumentRead = { type: string; field: string } | 'none';

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
  /** `Type.field` → the subgraphs (by name) that resolve it: whose data it is. */
  fieldSubgraphs: ReadonlyMap<string, readonly string[]>;
  /**
   * `Type.field` → what each of its arguments reads, as the subgraph declares it: an argument
   * that looks rows up or filters them by a field reads that field. Declared on the field with
   * `@tag(name: "shuzhi:reads:<argument>=<Type>.<field>")` (or `=none`), or on the argument itself
   * with `@tag(name: "shuzhi:reads=<Type>.<field>")`. An argument without a declaration reads
   * nothing anyone may vouch for: enforcement refuses it on domain fields (fail closed).
   */
  argumentReads: ReadonlyMap<string, ReadonlyMap<string, ArgumentRead>>;
  /** `InputType.field` → what it reads, declared with `@tag(name: "shuzhi:reads=<Type>.<field>")` (or `=none`). */
  inputFieldReads: ReadonlyMap<string, ArgumentRead>;
  /**
   * `Subscription.field` → the change feed it is, declared with `@tag(name: "shuzhi:feed=<entityField>")`:
   * its change type (`ResidentChange`) carries the entity in `entityField` (`resident`, a `Resident`).
   */
  feeds: ReadonlyMap<string, FeedDeclaration>;
}

/** A change feed: what each of its changes is, and where the entity is in it. */
export interface FeedDeclaration {
  changeType: string;
  entityField: string;
  entityType: string;
}

const INTROSPECTION_TYPES = ['__Schema', '__Type', '__Field', '__InputValue', '__EnumValue', '__Directive'];
const READS_ARGUMENT = /^shuzhi:reads:([_A-Za-z][_0-9A-Za-z]*)=(none|[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*)$/;
const READS = /^shuzhi:reads=(none|[_A-Za-z][_0-9A-Za-z]*\.[_A-Za-z][_0-9A-Za-z]*)$/;
const FEED = /^shuzhi:feed=([_A-Za-z][_0-9A-Za-z]*)$/;

const namedTypeOf = (type: TypeNode): string => (type.kind === Kind.NAMED_TYPE ? type.name.value : namedTypeOf(type.type));

const readOf = (target: string): ArgumentRead => {
  if (target === 'none') return 'none';
  const [type, field] = target.split('.');
  return { type, field };
};

const tagsOf = (node: { directives?: readonly ConstDirectiveNode[] }): string[] =>
  (node.directives ?? []).filter((d) => d.name.value === 'tag').flatMap((d) => {
    const name = stringArgument(d, 'name');
    return name === undefined ? [] : [name];
  });

/** Declarations on the field (`shuzhi:reads:<argument>=`) and on each argument (`shuzhi:reads=`). */
const argumentReadsOf = (field: FieldDefinitionNode): Map<string, ArgumentRead> => {
  const reads = new Map<string, ArgumentRead>();
  for (const tag of tagsOf(field)) {
    const match = READS_ARGUMENT.exec(tag);
    if (match) reads.set(match[1], readOf(match[2]));
  }
  for (const argument of field.arguments ?? []) {
    const read = inputReadOf(argument);
    if (read) reads.set(argument.name.value, read);
  }
  return reads;
};

const inputReadOf = (value: InputValueDefinitionNode): ArgumentRead | undefined => {
  for (const tag of tagsOf(value)) {
    const match = READS.exec(tag);
    if (match) return readOf(match[1]);
  }
  return undefined;
};

const isObjectLike = (definition: DefinitionNode) =>
  definition.kind === Kind.OBJECT_TYPE_DEFINITION ||
  definition.kind === Kind.OBJECT_TYPE_EXTENSION ||
  definition.kind === Kind.INTERFACE_TYPE_DEFINITION ||
  definition.kind === Kind.INTERFACE_TYPE_EXTENSION;

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
  const nameOf = (graph: string) => graphNames.get(graph) ?? graph.toLowerCase();
  const isPlatform = (graphs: readonly string[]) => graphs.length > 0 && graphs.every((graph) => PLATFORM_SUBGRAPHS.has(graph));

  const platformTypes = [...INTROSPECTION_TYPES];
  const platformFields = ['Query.__schema', 'Query.__type'];
  const entityKeys = new Map<string, string>();
  const fieldSubgraphs = new Map<string, string[]>();
  const argumentReads = new Map<string, Map<string, ArgumentRead>>();
  const inputFieldReads = new Map<string, ArgumentRead>();
  const fieldTypes = new Map<string, string>();
  const feedTags: Array<{ coordinate: string; changeType: string; entityField: string }> = [];
  for (const definition of document.definitions) {
    if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      for (const field of definition.fields ?? []) {
        const read = inputReadOf(field);
        if (read) inputFieldReads.set(`${definition.name.value}.${field.name.value}`, read);
      }
      continue;
    }
    if (!isObjectLike(definition)) continue;
    const type = definition.name.value;
    const joins = (definition.directives ?? []).filter((d) => d.name.value === 'join__type');
    const typeGraphs = joins.map((d) => enumArgument(d, 'graph')).filter((g): g is string => g !== undefined).map(nameOf);
    for (const join of joins) {
      const key = stringArgument(join, 'key');
      if (key && /^\w+$/.test(key.trim()) && !entityKeys.has(type)) entityKeys.set(type, key.trim());
    }
    for (const field of definition.fields ?? []) {
      const coordinate = `${type}.${field.name.value}`;
      fieldTypes.set(coordinate, namedTypeOf(field.type));
      for (const tag of type === 'Subscription' ? tagsOf(field) : []) {
        const feed = FEED.exec(tag);
        if (feed) feedTags.push({ coordinate, changeType: namedTypeOf(field.type), entityField: feed[1] });
      }
      const graphs = fieldGraphs(field, typeGraphs, nameOf);
      fieldSubgraphs.set(coordinate, graphs);
      const reads = argumentReadsOf(field);
      if (reads.size > 0) argumentReads.set(coordinate, reads);
      if (ROOT_TYPES.has(type) && isPlatform(graphs)) platformFields.push(coordinate);
    }
    if (!ROOT_TYPES.has(type) && isPlatform(typeGraphs)) platformTypes.push(type);
  }
  const feeds = new Map<string, FeedDeclaration>();
  for (const { coordinate, changeType, entityField } of feedTags) {
    // A declaration naming no field of its change type declares nothing: such a subscription is
    // then decided as any other field, and its change type, bound by no dataset, is denied.
    const entityType = fieldTypes.get(`${changeType}.${entityField}`);
    if (entityType) feeds.set(coordinate, { changeType, entityField, entityType });
  }
  return { platformTypes, platformFields, entityKeys, fieldSubgraphs, argumentReads, inputFieldReads, feeds };
};

/** Subgraph name → the `Type.field`s it resolves, sorted: what it joins the registry with. */
export const fieldsBySubgraph = (topology: Pick<SupergraphTopology, 'fieldSubgraphs'>): Map<string, string[]> => {
  const fields = new Map<string, string[]>();
  for (const [coordinate, subgraphs] of topology.fieldSubgraphs) {
    for (const subgraph of subgraphs) {
      const list = fields.get(subgraph);
      if (list) list.push(coordinate);
      else fields.set(subgraph, [coordinate]);
    }
  }
  for (const list of fields.values()) list.sort();
  return fields;
};

// The federation machinery a subgraph's SDL carries: resolved by every subgraph, nobody's data.
const FEDERATION_FIELDS = new Set(['Query._service', 'Query._entities']);

/**
 * The `Type.field`s a subgraph resolves, from its own SDL (as `{ _service { sdl } }` answers it):
 * every field of its object and interface types, extensions included, but those it marks
 * `@external` (another subgraph resolves them) and the federation machinery. Sorted.
 */
export const fieldsOfSubgraphSdl = (sdl: string): string[] => {
  const fields = new Set<string>();
  for (const definition of parse(sdl).definitions) {
    if (!isObjectLike(definition)) continue;
    const type = definition.name.value;
    if (type.startsWith('_')) continue;
    for (const field of definition.fields ?? []) {
      const coordinate = `${type}.${field.name.value}`;
      if (FEDERATION_FIELDS.has(coordinate) || field.directives?.some((d) => d.name.value === 'external')) continue;
      fields.add(coordinate);
    }
  }
  return [...fields].sort();
};

const fieldGraphs = (field: FieldDefinitionNode, typeGraphs: readonly string[], nameOf: (graph: string) => string): string[] => {
  const joins = (field.directives ?? []).filter((d) => d.name.value === 'join__field' && !booleanArgument(d, 'external'));
  const graphs = joins.map((d) => enumArgument(d, 'graph')).filter((g): g is string => g !== undefined).map(nameOf);
  const all = (field.directives ?? []).some((d) => d.name.value === 'join__field');
  // A field with join__field directives is resolved where they say (none left: only external ones);
  // a field without is resolved by every subgraph of its type.
  return all ? [...new Set(graphs)] : [...typeGraphs];
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

const booleanArgument = (directive: ConstDirectiveNode | undefined, name: string): boolean => {
  const value = argument(directive, name);
  return value?.kind === Kind.BOOLEAN && value.value;
};
