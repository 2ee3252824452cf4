import { fork, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, stopProcess, type TestDatabase } from '@shuzhi/testing';
import { REGISTER_TYPESCRIPT, freePort } from '../platform/platform-process.js';

const POPULATION_MAIN = fileURLToPath(new URL('../../apps/population/src/main.ts', import.meta.url));

/** This machine's address on its network, where another machine's gateway would connect. */
const networkAddress = (): string => {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((candidate) => candidate?.family === 'IPv4' && !candidate.internal)?.address;
  if (!address) throw new Error('this machine has no IPv4 address besides loopback: the test cannot tell loopback from the rest');
  return address;
};

/** Whether a TCP connection to host:port is accepted (refused when nothing listens on that address). */
const accepts = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * A subgraph started as the image starts it, by its entry point with the environment alone.
 * HOST is left out of the inherited environment unless given, so that the default is what runs.
 */
const startPopulation = (env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> => {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'HOST'));
  const child = fork(POPULATION_MAIN, [], { execArgv: ['--import', REGISTER_TYPESCRIPT], env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const started = /subgraph: (http:\/\/\S+)\/graphql/.exec(output);
      if (started) resolve({ child, url: started[1] });
    });
    child.once('exit', (code) => reject(new Error(`the population subgraph exited with ${code} before it listened: ${output}`)));
  });
};

/**
 * Only the gateway may call a subgraph. On one machine it does so over loopback, so a subgraph
 * listens there unless told otherwise, and another machine of the network cannot reach it; in a
 * container the manifests tell it HOST=0.0.0.0, since the gateway comes from another pod.
 */
describe('the address a subgraph listens on', () => {
  let database: TestDatabase;
  const children: ChildProcess[] = [];
  let environment: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('subgraph_host');
    const { publicKey } = generateKeyPairSync('ed25519');
    environment = { DATABASE_URL: database.url, SHUZHI_GATEWAY_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  });

  afterAll(async () => {
    await Promise.all(children.map(stopProcess));
    await database?.drop();
  });

  it('is loopback alone when HOST is not set, and every address with HOST=0.0.0.0', async () => {
    const ports = { unset: await freePort(), everyAddress: await freePort() };
    const [unset, everyAddress] = await Promise.all([
      startPopulation({ ...environment, PORT: String(ports.unset) }),
      startPopulation({ ...environment, PORT: String(ports.everyAddress), HOST: '0.0.0.0' }),
    ]);
    children.push(unset.child, everyAddress.child);

    expect(unset.url).toBe(`http://127.0.0.1:${ports.unset}`);
    expect(await accepts('127.0.0.1', ports.unset)).toBe(true);
    expect(await accepts(networkAddress(), ports.unset)).toBe(false);

    expect(await accepts('127.0.0.1', ports.everyAddress)).toBe(true);
    expect(await accepts(networkAddress(), ports.everyAddress)).toBe(true);
  });
});
