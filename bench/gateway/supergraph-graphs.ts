import { Kind, parse } from 'graphql';

/** Each subgraph's URL in a supergraph → its name (`join__Graph`'s `@join__graph(name, url)`): whom a context is for. */
export const readSupergraphGraphs = (supergraphSdl: string): Map<string, string> => {
  const graphs = new Map<string, string>();
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== 'join__Graph') continue;
    for (const value of definition.values ?? []) {
      const directive = value.directives?.find((d) => d.name.value === 'join__graph');
      const argument = (name: string) => {
        const found = directive?.arguments?.find((a) => a.name.value === name)?.value;
        return found?.kind === Kind.STRING ? found.value : undefined;
      };
      const [name, url] = [argument('name'), argument('url')];
      if (name && url) graphs.set(url, name);
    }
  }
  return graphs;
};
