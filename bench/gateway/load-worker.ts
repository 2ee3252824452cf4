import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { CALLER_CONTEXT_HEADER, keyPairFromPem, newNonce, signCallerContext, type CallerContext } from '@shuzhi/signing';
import { isFederatedAnswer, runLoad, type LoadOptions, type LoadResult } from './load.js';

/** What crosses into the worker: plain data, no functions. */
export interface LoadJob {
  options: Omit<LoadOptions, 'sign' | 'check'>;
  offset: number;
  /** Sign each request as the gateway would, as this caller, with this key (PEM). */
  signAs?: { privateKeyPem: string; caller: Pick<CallerContext, 'clientId' | 'department' | 'roles' | 'purpose' | 'audience'> };
  /** Require the resident's household and enterprises in every answer. */
  expectFederated: boolean;
  /**
   * Run the same load this long first, unmeasured, then post `'warm'` and wait for `'go'`: the
   * thread is new, and its first requests would otherwise time its own cold code and connections.
   */
  warmupMs?: number;
}

/** What the worker posts: `'warm'` after its warm-up, then its result. */
export type LoadMessage = 'warm' | LoadResult;

// The load runs on a thread of its own so that the client's parsing and bookkeeping do not
// share an event loop with the gateways under test, which run in the benchmark's main thread.
const job = workerData as LoadJob;
const key = job.signAs && keyPairFromPem(job.signAs.privateKeyPem).privateKey;
const options: LoadOptions = {
  ...job.options,
  sign:
    job.signAs && key
      ? (body) => ({
          [CALLER_CONTEXT_HEADER]: signCallerContext(
            { ...job.signAs!.caller, decisionId: randomUUID(), correlationId: randomUUID(), nonce: newNonce(), issuedAt: new Date().toISOString() },
            key,
            { body },
          ),
        })
      : undefined,
  check: job.expectFederated ? isFederatedAnswer : undefined,
};
if (job.warmupMs) {
  await runLoad({ ...options, durationMs: job.warmupMs }, job.offset);
  const go = new Promise((resolve) => parentPort!.once('message', resolve));
  parentPort!.postMessage('warm' satisfies LoadMessage);
  await go;
}
parentPort!.postMessage((await runLoad(options, job.offset)) satisfies LoadMessage);
