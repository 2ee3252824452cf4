import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { CALLER_CONTEXT_HEADER, keyPairFromPem, signCallerContext, type CallerContext } from '@shuzhi/signing';
import { isFederatedAnswer, runLoad, type LoadOptions } from './load.js';

/** What crosses into the worker: plain data, no functions. */
export interface LoadJob {
  options: Omit<LoadOptions, 'sign' | 'check'>;
  offset: number;
  /** Sign each request as the gateway would, as this caller, with this key (PEM). */
  signAs?: { privateKeyPem: string; caller: Pick<CallerContext, 'clientId' | 'department' | 'roles' | 'purpose'> };
  /** Require the resident's household and enterprises in every answer. */
  expectFederated: boolean;
}

// The load runs on a thread of its own so that the client's parsing and bookkeeping do not
// share an event loop with the gateways under test, which run in the benchmark's main thread.
const job = workerData as LoadJob;
const key = job.signAs && keyPairFromPem(job.signAs.privateKeyPem).privateKey;
const result = await runLoad(
  {
    ...job.options,
    sign:
      job.signAs && key
        ? (body) => ({
            [CALLER_CONTEXT_HEADER]: signCallerContext(
              { ...job.signAs!.caller, decisionId: randomUUID(), correlationId: randomUUID(), issuedAt: new Date().toISOString() },
              key,
              { body },
            ),
          })
        : undefined,
    check: job.expectFederated ? isFederatedAnswer : undefined,
  },
  job.offset,
);
parentPort!.postMessage(result);
