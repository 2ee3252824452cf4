/**
 * Subgraphs by name, each at the base URL of its service: GraphQL at `<url>/graphql`, its
 * health at `<url>/health` (as every Shuzhi service serves them).
 */
export type SubgraphEndpoints = Readonly<Record<string, string>>;

export const graphqlUrlOf = (baseUrl: string): string => `${baseUrl.replace(/\/+$/, '')}/graphql`;
export const healthUrlOf = (baseUrl: string): string => `${baseUrl.replace(/\/+$/, '')}/health`;

/** `governance=http://127.0.0.1:4001,population=http://...` (SUBGRAPHS, the compose script). */
export const parseSubgraphEndpoints = (entries: readonly string[]): SubgraphEndpoints => {
  const endpoints: Record<string, string> = {};
  for (const entry of entries.flatMap((list) => list.split(',')).map((item) => item.trim()).filter(Boolean)) {
    const separator = entry.indexOf('=');
    const name = entry.slice(0, separator).trim();
    const url = entry.slice(separator + 1).trim();
    if (separator <= 0 || !/^[a-z][a-z0-9-]*$/.test(name) || !URL.canParse(url)) {
      throw new Error(`subgraph ${JSON.stringify(entry)}: expected <name>=<base URL>, e.g. governance=http://127.0.0.1:4001`);
    }
    if (name in endpoints) throw new Error(`subgraph ${name} is given twice`);
    endpoints[name] = url;
  }
  if (Object.keys(endpoints).length === 0) throw new Error('no subgraphs given: expected <name>=<base URL>, ...');
  return endpoints;
};

/** The subgraphs of `npm start` on their default ports, which the committed supergraph is composed from. */
export const DEFAULT_SUBGRAPH_ENDPOINTS =
  'governance=http://127.0.0.1:4001,population=http://127.0.0.1:4002,enterprise=http://127.0.0.1:4003,' +
  'subsidy=http://127.0.0.1:4004,audit=http://127.0.0.1:4005';
