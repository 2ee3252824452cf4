import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = new URL('../../../', import.meta.url);
const REGISTER_TYPESCRIPT = new URL('libs/testing/register-typescript.mjs', ROOT).href;

/**
 * A TypeScript entry point of the repository (`apps/population/src/main.ts`, `scripts/audit.ts`)
 * in a process of its own, as the build would run it. Standard output is piped, to be read.
 */
export const forkTypeScript = (path: string, args: readonly string[], env: Record<string, string>, stderr: 'pipe' | 'inherit' = 'inherit'): ChildProcess =>
  fork(fileURLToPath(new URL(path, ROOT)), [...args], {
    execArgv: ['--import', REGISTER_TYPESCRIPT],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', stderr, 'ipc'],
  });

/**
 * A subgraph from its own main.ts, in a process of its own as in production: NestJS's
 * code-first GraphQL keeps one type registry per process, so two subgraphs in one process
 * would each publish the other's types. Its port is `port`, or any free one (0); it answers once
 * the subgraph logs `<name> subgraph: <url>/graphql`, with that URL's base.
 */
export const startSubgraphProcess = async (
  service: string,
  env: Record<string, string>,
  { port = 0, timeoutMs = 300_000 }: { port?: number; timeoutMs?: number } = {},
): Promise<{ child: ChildProcess; url: string }> => {
  const child = forkTypeScript(`apps/${service}/src/main.ts`, [], { ...env, PORT: String(port), HOST: '127.0.0.1' });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the ${service} subgraph did not start within ${timeoutMs / 1000} s: ${output}`)), timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const started = /subgraph: (http:\/\/\S+)\/graphql/.exec(output);
      if (started) {
        clearTimeout(timer);
        child.stdout!.off('data', read);
        resolve(started[1]);
      }
    };
    child.stdout!.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the ${service} subgraph exited with ${code} before it listened: ${output}`));
    });
  });
  // Keep the pipe flowing, or a chatty subgraph would block on it once it is full.
  child.stdout!.resume();
  return { child, url };
};

/** SIGTERM, then the process's exit (at once if it has already ended). */
export const stopProcess = (child: ChildProcess): Promise<void> =>
  new Promise<void>((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
