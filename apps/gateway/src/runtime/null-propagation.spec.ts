import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { jest } from '@jest/globals';
import { execute, parse, type GraphQLSchema } from 'graphql';
import { composeSupergraph } from '../composition/compose-supergraph.js';
import { SupergraphSource } from '../composition/supergraph-source.js';
import type { GatewayContextAdditions } from './gateway-request.js';
import { createShuzhiRuntime, type ShuzhiGatewayRuntime } from './gateway-runtime.js';
import { DEFAULT_QUERY_LIMITS } from './query-limits.plugin.js';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key"])';

/** Teams and who is on them; each person's profile is another subgraph's. */
const teams = buildSubgraphSchema([
  {
    typeDefs: parse(`${LINK}
      type Query { team(id: ID!): Team }
      type Team @key(fields: "id") { id: ID! members: [Person!]! alumni: [Person] lead: Person! deputy: Person founders: [Person!]! }
      type Person @key(fields: "id") { id: ID! }
    `),
    resolvers: {
      Query: { team: (_: unknown, { id }: { id: string }) => ({ id }) },
      Team: {
        members: () => [{ id: 'p1' }, { id: 'broken' }],
        alumni: () => [{ id: 'p1' }, { id: 'broken' }],
        lead: ({ id }: { id: string }) => ({ id: id === 'badly-led' ? 'broken' : 'p1' }),
        deputy: () => ({ id: 'broken' }),
        founders: () => [{ id: 'p1' }, { id: 'ghost' }],
      },
    },
  },
]);

/** A profile for everyone but `broken`, whose lookup fails, and `ghost`, whom it does not know (no error). */
const profiles = buildSubgraphSchema([
  {
    typeDefs: parse(`${LINK}
      type Person @key(fields: "id") { id: ID! name: String! nickname: String }
    `),
    resolvers: {
      Person: {
        __resolveReference: ({ id }: { id: string }) => (id === 'ghost' ? null : { id }),
        name: ({ id }: { id: string }) => {
          if (id === 'broken') throw new Error('the profile store failed');
          return `name of ${id}`;
        },
        nickname: () => null,
      },
    },
  },
]);

const serve = async (schema: GraphQLSchema): Promise<Server> => {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
      void Promise.resolve(execute({ schema, document: parse(query), variableValues: variables })).then((result) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify(result));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};

interface Answer {
  data?: unknown;
  errors?: Array<{ message: string; path?: unknown[]; extensions?: unknown }>;
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

/**
 * A null that a subgraph answers where the supergraph says non-null bubbles up to the nearest
 * nullable parent, as graphql-js does (GraphQL spec, "Handling Field Errors"): the router
 * runtime, as patched in patches/, must not hand a client a null in a non-null position.
 */
describe('gateway runtime: a null in a non-null position', () => {
  let servers: Server[];
  let runtime: ShuzhiGatewayRuntime;
  let logged: ReturnType<typeof jest.spyOn>;

  beforeAll(async () => {
    // The gateway logs each failure behind it for the operator; the assertions read what the client gets.
    logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    servers = await Promise.all([serve(teams), serve(profiles)]);
    const subgraphs = { teams: urlOf(servers[0]), profiles: urlOf(servers[1]) };
    const sdl = (schema: GraphQLSchema) =>
      (execute({ schema, document: parse('{ _service { sdl } }') }) as { data: { _service: { sdl: string } } }).data._service.sdl;
    const supergraph = composeSupergraph([
      { name: 'teams', url: `${subgraphs.teams}/graphql`, sdl: sdl(teams) },
      { name: 'profiles', url: `${subgraphs.profiles}/graphql`, sdl: sdl(profiles) },
    ]);
    runtime = createShuzhiRuntime({
      supergraph: SupergraphSource.fixed(supergraph),
      subgraphs,
      recomposeIntervalMs: 60_000,
      signingKey: generateKeyPairSync('ed25519').privateKey,
      policies: [],
      limits: DEFAULT_QUERY_LIMITS,
      upstreamTimeoutMs: 5_000,
    });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await runtime.dispose();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });

  const query = async (document: string): Promise<Answer> => {
    const context: GatewayContextAdditions = {
      shuzhi: { caller: { clientId: 'c', department: 'd', roles: [] }, purpose: null, decisionId: 'decision', correlationId: 'correlation' },
    };
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: document }) };
    return (await (await runtime.fetch('http://gateway/graphql', init, context)).json()) as Answer;
  };
  /** A failed profile lookup, as the client sees it: named, as any failure behind the gateway is, at the path it failed at. */
  const failedLookup = (...path: Array<string | number>) => {
    const reason = 'a service behind the gateway failed (the profiles service)';
    return { message: reason, path, extensions: { code: 'INTERNAL', reason } };
  };

  it('nulls a list of non-null items that holds a null, and its non-null field, up to the nullable team', async () => {
    expect(await query('{ team(id: "t") { id members { id name } } }')).toEqual({ data: { team: null }, errors: [failedLookup('team', 'members', 1, 'name')] });
  });

  it('nulls the parent of a non-null object field that came back null', async () => {
    expect(await query('{ team(id: "badly-led") { id lead { id name } } }')).toEqual({ data: { team: null }, errors: [failedLookup('team', 'lead', 'name')] });
  });

  it('bubbles the null up through an inline fragment and a named one, where clients put most of their selections', async () => {
    const led = { data: { team: null }, errors: [failedLookup('team', 'lead', 'name')] };
    expect(await query('{ team(id: "badly-led") { id ... on Team { lead { id name } } } }')).toEqual(led);
    expect(await query('query { team(id: "badly-led") { id ...Lead } } fragment Lead on Team { lead { id name } }')).toEqual(led);
    // The same field selected twice, once through a fragment: the failed part still nulls it.
    expect(await query('query { team(id: "badly-led") { lead { id } ...Named } } fragment Named on Team { lead { name } }')).toEqual(led);
    expect(await query('{ team(id: "t") { ... on Team { id members { id name } } } }')).toEqual({
      data: { team: null },
      errors: [failedLookup('team', 'members', 1, 'name')],
    });
  });

  it('says why it nulled a parent when no subgraph said anything: a person the profiles do not know', async () => {
    // graphql-js's own error for a null it cannot serve, at the field that had none.
    expect(await query('{ team(id: "t") { id founders { id name } } }')).toEqual({
      data: { team: null },
      errors: [expect.objectContaining({ path: ['team', 'founders', 1, 'name'], extensions: { code: 'INTERNAL', reason: 'internal error' } })],
    });
    // Hidden from the client as any error without a code is; the operator's log has it whole.
    expect(logged).toHaveBeenCalledWith('gateway: hidden from the client: Cannot return null for non-nullable field Person.name.', expect.anything());
  });

  it('keeps a null where the schema allows one: a nullable item, a nullable field', async () => {
    const answer = await query('{ team(id: "t") { id alumni { id name } deputy { id name } lead { name nickname } } }');
    expect(answer.data).toEqual({
      team: { id: 't', alumni: [{ id: 'p1', name: 'name of p1' }, null], deputy: null, lead: { name: 'name of p1', nickname: null } },
    });
    expect(answer.errors).toEqual(expect.arrayContaining([failedLookup('team', 'alumni', 1, 'name'), failedLookup('team', 'deputy', 'name')]));
    expect(answer.errors).toHaveLength(2);
  });

  it('answers in full when nothing fails', async () => {
    expect(await query('{ team(id: "t") { id lead { id name nickname } } }')).toEqual({
      data: { team: { id: 't', lead: { id: 'p1', name: 'name of p1', nickname: null } } },
    });
  });

  // Last: it stops the profiles subgraph.
  it('adds nothing to the error of a fetch that failed whole: the profiles subgraph down', async () => {
    const closed = new Promise((resolve) => servers[1].close(resolve));
    servers[1].closeAllConnections();
    await closed;
    const answer = await query('{ team(id: "t") { id lead { id name } } }');
    expect(answer.data).toEqual({ team: null });
    // One error for the fetch, naming the service; none of its own for the fields it left null.
    expect(answer.errors).toEqual([
      expect.objectContaining({ path: ['team', 'lead'], extensions: expect.objectContaining({ code: 'INTERNAL', reason: expect.stringMatching(/profiles service/) }) }),
    ]);
  });
});
