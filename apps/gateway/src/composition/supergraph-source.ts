import type { KeyObject } from 'node:crypto';
import { readSupergraphTopology, type SupergraphTopology } from '@shuzhi/policy';
import { composeSupergraph } from './compose-supergraph.js';
import type { SubgraphEndpoints } from './subgraph-endpoints.js';
import { fetchSubgraphSdls } from './subgraph-sdl.js';

interface Supergraph {
  sdl: string;
  topology: SupergraphTopology;
}

const supergraphOf = (sdl: string): Supergraph => ({ sdl, topology: readSupergraphTopology(sdl) });

/**
 * The supergraph the gateway serves and the topology its enforcement reads, always from the
 * same SDL. Either fixed (a file composed at build time, as production starts) or composed
 * from the running subgraphs and recomposed on demand (development): a subgraph that changes
 * its schema is picked up without restarting the gateway. A recomposition that fails — a
 * subgraph down, or a conflict, named with its subgraph — keeps the last good supergraph
 * serving and says why once per distinct failure.
 */
export class SupergraphSource {
  private lastFailure: string | undefined;

  private constructor(
    private current: Supergraph,
    private readonly recompose: (() => Promise<string>) | undefined,
    private readonly onFailure: (message: string) => void,
  ) {}

  /** A supergraph that never changes while the gateway runs. */
  static fixed(sdl: string): SupergraphSource {
    return new SupergraphSource(supergraphOf(sdl), undefined, () => undefined);
  }

  /** Composed from the subgraphs now (they must answer), and again at each `refresh`. */
  static async composed(
    subgraphs: SubgraphEndpoints,
    signingKey: KeyObject,
    onFailure: (message: string) => void = (message) => console.error(`gateway: ${message}`),
  ): Promise<SupergraphSource> {
    const compose = async () => composeSupergraph(await fetchSubgraphSdls(subgraphs, signingKey));
    return new SupergraphSource(supergraphOf(await compose()), compose, onFailure);
  }

  get sdl(): string {
    return this.current.sdl;
  }

  get topology(): SupergraphTopology {
    return this.current.topology;
  }

  /** Whether `refresh` can ever change anything. */
  get recomposes(): boolean {
    return this.recompose !== undefined;
  }

  /** Recomposes (when this source does) and answers the supergraph to serve from now on. */
  async refresh(): Promise<string> {
    if (!this.recompose) return this.current.sdl;
    try {
      const sdl = await this.recompose();
      // The topology moves first: it may then name types the served schema does not have yet,
      // which no operation can select, rather than the other way round.
      if (sdl !== this.current.sdl) this.current = supergraphOf(sdl);
      this.lastFailure = undefined;
    } catch (error) {
      const message = `the supergraph was not recomposed, the last one keeps serving: ${(error as Error).message}`;
      if (message !== this.lastFailure) this.onFailure(message);
      this.lastFailure = message;
    }
    return this.current.sdl;
  }
}
