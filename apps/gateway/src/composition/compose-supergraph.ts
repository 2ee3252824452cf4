import { composeServices } from '@theguild/federation-composition';
import { parse, type GraphQLError } from 'graphql';
import type { SubgraphSdl } from './subgraph-sdl.js';

/** The subgraphs do not compose; the message names the subgraphs and each conflict. */
export class CompositionFailed extends Error {
  constructor(
    readonly subgraphs: readonly string[],
    readonly conflicts: ReadonlyArray<{ code: string; message: string }>,
  ) {
    super(
      `the supergraph does not compose; subgraph(s) involved: ${subgraphs.join(', ')}\n` +
        conflicts.map((conflict) => `  - [${conflict.code}] ${conflict.message}`).join('\n'),
    );
    this.name = 'CompositionFailed';
  }
}

/** The supergraph SDL of these subgraphs, or `CompositionFailed`. */
export const composeSupergraph = (subgraphs: readonly SubgraphSdl[]): string => {
  const services = subgraphs.map((subgraph) => ({ name: subgraph.name, url: subgraph.url, typeDefs: parseSdl(subgraph) }));
  const result = composeServices(services);
  if (result.errors) {
    const conflicts = result.errors.map((error: GraphQLError) => ({
      code: typeof error.extensions?.code === 'string' ? error.extensions.code : 'COMPOSITION_ERROR',
      message: error.message,
    }));
    throw new CompositionFailed(involvedSubgraphs(subgraphs, conflicts), conflicts);
  }
  return result.supergraphSdl;
};

const parseSdl = (subgraph: SubgraphSdl) => {
  try {
    return parse(subgraph.sdl);
  } catch (error) {
    throw new CompositionFailed([subgraph.name], [{ code: 'INVALID_SDL', message: `subgraph "${subgraph.name}": ${(error as Error).message}` }]);
  }
};

// Composition errors name subgraphs in their text ("... in subgraphs "a" and "b""); when none is
// named, every subgraph is a suspect.
const involvedSubgraphs = (subgraphs: readonly SubgraphSdl[], conflicts: ReadonlyArray<{ message: string }>): string[] => {
  const named = subgraphs.map((s) => s.name).filter((name) => conflicts.some((c) => c.message.includes(`"${name}"`)));
  return named.length > 0 ? named : subgraphs.map((s) => s.name);
};
