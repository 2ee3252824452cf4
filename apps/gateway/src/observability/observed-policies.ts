import { getOperationAST, type ExecutionResult } from 'graphql';
import { currentRequest, outcomeOf } from '@shuzhi/observability';
import type { OperationPolicy, PolicyVerdict, ResultFinisher } from '../runtime/operation-policy.js';

/**
 * The policies, watched for the request's log line and the operation counter: the operation's
 * type once it is parsed, and its outcome, as a refusal or as the result that leaves last. Each
 * watched policy always finishes, so even an operation that reads no dataset is seen to its end.
 */
export const observedPolicies = (policies: readonly OperationPolicy[]): OperationPolicy[] =>
  policies.map((policy) => ({
    name: policy.name,
    async decide(operation): Promise<PolicyVerdict> {
      const request = currentRequest();
      if (request) request.operationType = getOperationAST(operation.document, operation.operationName)?.operation ?? 'unknown';
      const verdict = await policy.decide(operation);
      if (!verdict.allowed) {
        if (request) request.outcome = outcomeOf([verdict.error]);
        return verdict;
      }
      const finish: ResultFinisher = async (result) => {
        const finished: ExecutionResult = verdict.finish ? await verdict.finish(result) : result;
        if (request) request.outcome = outcomeOf(finished.errors);
        return finished;
      };
      return { ...verdict, finish };
    },
  }));
