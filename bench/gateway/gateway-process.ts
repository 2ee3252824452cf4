/**
 * One gateway of bench:gateway in a process of its own, as each gateway runs when deployed:
 * ours (with enforcement and access records, or with our plugins off) or the `@apollo/gateway`
 * peer. In one process with the load and the other gateways, a major GC of that process's large
 * heap, or any other stall of it, would land on every scenario at once and could not be told
 * apart. The benchmark forks this file, sends a `GatewayJob`, and gets `{ url }` once it listens;
 * `{ profile: 'start' }` and `{ profile: 'stop', file }` take a CPU profile of its main thread.
 */
import 'reflect-metadata';
import { mkdir, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { dirname } from 'node:path';
import { stopOnSignals } from '@shuzhi/observability';
import { keyPairFromPem, type CallerContext } from '@shuzhi/signing';
import { connectGatewayStore, createGatewayApp } from '../../apps/gateway/src/gateway.app.js';

export type GatewayJob = {
  supergraphSdl: string;
  /** The key the subgraphs trust (PEM): every gateway signs its subgraph requests with it. */
  privateKeyPem: string;
} & (
  | { kind: 'shuzhi'; databaseUrl: string; subgraphs: Record<string, string>; enforcement: false | { hashKey: string } }
  /** The peer vouches for every request as this one caller: it authenticates no one and enforces nothing. */
  | { kind: 'apollo'; caller: Pick<CallerContext, 'clientId' | 'department' | 'roles' | 'purpose'> }
);

/** What the benchmark sends after the job. */
export type GatewayCommand = { profile: 'start' } | { profile: 'stop'; file: string };

/**
 * What this process sends: its GraphQL URL once it listens; `{ profiling: true }` once the
 * profiler runs (starting it holds the event loop for a few hundred ms: the load must not be
 * going yet); `{ profiled }` when a profile is written.
 */
export type GatewayReport = { url: string } | { profiling: true } | { profiled: string };

const send = (report: GatewayReport) => process.send!(report);

const start = async (job: GatewayJob): Promise<{ url: string; stop: () => Promise<unknown> }> => {
  if (job.kind === 'apollo') {
    const { startApolloGateway } = await import('./peer-apollo-gateway.js');
    return startApolloGateway(job.supergraphSdl, keyPairFromPem(job.privateKeyPem).privateKey, job.caller);
  }
  const store = await connectGatewayStore(job.databaseUrl);
  const app = await createGatewayApp({
    databaseUrl: job.databaseUrl,
    store,
    gatewayKeys: keyPairFromPem(job.privateKeyPem),
    subgraphs: job.subgraphs,
    supergraphSdl: job.supergraphSdl,
    enforcement: job.enforcement,
  });
  await app.listen(0, '127.0.0.1');
  const url = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/graphql`;
  return { url, stop: async () => (await app.close(), await store.close()) };
};

let profiler: Session | undefined;
const profile = async (command: GatewayCommand) => {
  if (command.profile === 'start') {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
    send({ profiling: true });
    return;
  }
  const { profile: written } = await profiler!.post('Profiler.stop');
  profiler!.disconnect();
  await mkdir(dirname(command.file), { recursive: true });
  await writeFile(command.file, JSON.stringify(written));
  send({ profiled: command.file });
};

process.once('message', (job: GatewayJob) => {
  start(job).then(
    ({ url, stop }) => {
      process.on('message', (command: GatewayCommand) => void profile(command));
      stopOnSignals('bench gateway', async () => void (await stop()));
      send({ url });
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
