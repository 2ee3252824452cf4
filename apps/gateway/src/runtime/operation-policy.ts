import type { DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { gatewayError } from './api-errors.js';
import type { GatewayContextAdditions, GatewayRequest } from './gateway-request.js';

/**
 * An operation as a policy sees it: authenticated, parsed, validated against the supergraph,
 * and not yet sent to any subgraph. Introspection operations come here too.
 */
export interface OperationUnderDecision {
  request: GatewayRequest;
  /** The supergraph's schema, as clients see it. */
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | undefined;
  variables: Readonly<Record<string, unknown>>;
  /** The client's request headers (`x-partial`, ...), lower-case names. */
  headers: Readonly<Record<string, string>>;
}

/** What the operation's result becomes before it leaves the gateway (masking, access records). */
export type ResultFinisher = (result: ExecutionResult) => Promise<ExecutionResult> | ExecutionResult;

export type PolicyVerdict =
  /** The operation is not executed; the client gets `error` (an API.md error, see `gatewayError`). */
  | { allowed: false; error: GraphQLError }
  /**
   * The operation runs; `finish`, when given, sees and may replace its result, and is awaited.
   * `document`, when given, is executed instead: the same operation with fields the gateway
   * needs for itself (entity keys), which `finish` removes from the result again.
   */
  | { allowed: true; finish?: ResultFinisher; document?: DocumentNode };

/**
 * The enforcement point's plug: contract and consent checks, quotas and access records
 * implement this. Policies run in order; the first refusal stops the operation, and the
 * finishers of those that allowed it run in the same order on the result.
 */
export interface OperationPolicy {
  readonly name: string;
  decide(operation: OperationUnderDecision): Promise<PolicyVerdict> | PolicyVerdict;
}

/**
 * Runs the policies after validation and before execution (envelop's `onExecute`), and their
 * finishers on the execution result (Yoga's `onExecutionResult`, which is awaited, so a
 * finisher that must write before the data leaves can).
 */
export const useOperationPolicies = (policies: readonly OperationPolicy[]): GatewayPlugin<GatewayContextAdditions> => {
  // Keyed by the request: both hooks see the same Request object, one operation per request.
  const finishers = new WeakMap<Request, ResultFinisher[]>();
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue;
      const request = context.shuzhi;
      if (!request) {
        // Every request reaches the runtime through the authenticating controller; one that did
        // not is refused rather than run without a caller.
        setResultAndStopExecution({ errors: [gatewayError('UNAUTHENTICATED', 'the request carries no authenticated caller')] });
        return;
      }
      const operation: OperationUnderDecision = {
        request,
        schema: args.schema,
        document: args.document,
        operationName: args.operationName ?? undefined,
        variables: args.variableValues ?? {},
        headers: context.headers ?? {},
      };
      const accepted: ResultFinisher[] = [];
      for (const policy of policies) {
        const verdict = await policy.decide(operation);
        if (!verdict.allowed) {
          setResultAndStopExecution({ errors: [verdict.error] });
          return;
        }
        if (verdict.finish) accepted.push(verdict.finish);
        // The arguments object is the one envelop executes with once every hook has run.
        if (verdict.document) {
          args.document = verdict.document;
        }
      }
      if (accepted.length > 0) finishers.set(context.request, accepted);
    },
    // Subscriptions would run outside `onExecute`, past the policies: none are served.
    onSubscribe({ setResultAndStopExecution }) {
      setResultAndStopExecution({ errors: [gatewayError('VALIDATION_FAILED', 'subscriptions are not served by the gateway')] });
    },
    async onExecutionResult({ request, result, setResult }) {
      const accepted = finishers.get(request);
      if (!accepted || result === undefined || Symbol.asyncIterator in result) return;
      let finished: ExecutionResult = result;
      for (const finish of accepted) finished = await finish(finished);
      setResult(finished);
    },
  };
};
