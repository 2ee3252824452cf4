import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { composeSupergraph } from './composition/compose-supergraph.js';
import { parseSubgraphEndpoints } from './composition/subgraph-endpoints.js';
import { fetchSubgraphSdls } from './composition/subgraph-sdl.js';
import { loadGatewayKeys } from './gateway-keys.js';

/**
 * Composes the supergraph from running subgraphs and writes it where production starts from:
 *   compose governance=http://127.0.0.1:4001 population=http://127.0.0.1:4002
 * (SHUZHI_SUPERGRAPH_FILE overrides schemas/supergraph.graphql). A conflict ends it with the
 * subgraphs and conflicts named, and nothing written.
 */
const main = async () => {
  const subgraphs = parseSubgraphEndpoints(process.argv.slice(2));
  const supergraph = composeSupergraph(await fetchSubgraphSdls(subgraphs, (await loadGatewayKeys()).privateKey));
  const file = resolve(process.env.SHUZHI_SUPERGRAPH_FILE ?? 'schemas/supergraph.graphql');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, supergraph.endsWith('\n') ? supergraph : `${supergraph}\n`);
  console.log(`supergraph of ${Object.keys(subgraphs).join(', ')} written to ${file}`);
};

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
