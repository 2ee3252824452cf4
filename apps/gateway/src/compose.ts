import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { composeSupergraph } from './composition/compose-supergraph.js';
import { parseSubgraphEndpoints, DEFAULT_SUBGRAPH_ENDPOINTS } from './composition/subgraph-endpoints.js';
import { fetchSubgraphSdls } from './composition/subgraph-sdl.js';
import { loadGatewayKeys } from './gateway-keys.js';

/**
 * Composes the supergraph from running subgraphs and writes it where production starts from
 * (SHUZHI_SUPERGRAPH_FILE, default schemas/supergraph.graphql):
 *   npm run compose:supergraph                      # the subgraphs of a running `npm start`
 *   npm run compose:supergraph -- governance=http://10.0.0.5:4001 population=...
 * A conflict ends it with the subgraphs and conflicts named, and nothing written. The gateway
 * started from the file reaches each subgraph where SUBGRAPHS says, whatever URL it holds.
 */
const main = async () => {
  const args = process.argv.slice(2);
  const subgraphs = parseSubgraphEndpoints(args.length > 0 ? args : [process.env.SUBGRAPHS ?? DEFAULT_SUBGRAPH_ENDPOINTS]);
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
