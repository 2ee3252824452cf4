import type { DocumentNode, ExecutionResult, GraphQLError, GraphQLSchema } from 'graphql';
import type { YogaInitialContext } from 'graphql-yoga';
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
  | { allowed: true; finish?: ResultFinisher; document?: DocumentNode; feed?: FeedGovernor };

/**
 * A subscription's stream as the caller receives it: each result of the subgraph's stream
 * decided, shaped and recorded at delivery (or held back), and the stream ended when the policy
 * says so. A subscription no policy governs runs as the subgraph streams it (a gateway without
 * enforcement, as the plugins-off benchmark runs one).
 */
export type FeedGovernor = (upstream: AsyncIterable<ExecutionResult>) => AsyncIterable<ExecutionResult>;

type GatewayContext = YogaInitialContext & GatewayContextAdditions & { headers?: Record<string, string> };

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
 * Runs the policies after validation and before execution (envelop's `onExecute`, and
 * `onSubscribe` for subscriptions), and their finishers on the execution result (Yoga's
 * `onExecutionResult`, which is awaited, so a finisher that must write before the data leaves
 * can). A subscription's stream goes through the governors the policies gave, one result at a time.
 */
export const useOperationPolicies = (policies: readonly OperationPolicy[]): GatewayPlugin<GatewayContextAdditions> => {
  // Keyed by the request: both hooks see the same Request object, one operation per request.
  const finishers = new WeakMap<Request, ResultFinisher[]>();

  /** The policies' verdicts in order: the first refusal, or what the allowed ones add. */
  const admit = async (
    args: { schema: GraphQLSchema; document: DocumentNode; operationName?: string | null; variableValues?: Readonly<Record<string, unknown>> | null; contextValue: GatewayContext },
  ): Promise<{ error: GraphQLError } | { finish: ResultFinisher[]; feeds: FeedGovernor[] }> => {
    const context = args.contextValue;
    const request = context.shuzhi;
    // Every request reaches the runtime through the authenticating controller; one that did
    // not is refused rather than run without a caller.
    if (!request) return { error: gatewayError('UNAUTHENTICATED', 'the request carries no authenticated caller') };
    const operation: OperationUnderDecision = {
      request,
      schema: args.schema,
      document: args.document,
      operationName: args.operationName ?? undefined,
      variables: args.variableValues ?? {},
      headers: context.headers ?? {},
    };
    const finish: ResultFinisher[] = [];
    const feeds: FeedGovernor[] = [];
    for (const policy of policies) {
      const verdict = await policy.decide(operation);
      if (!verdict.allowed) return { error: verdict.error };
      if (verdict.finish) finish.push(verdict.finish);
      if (verdict.feed) feeds.push(verdict.feed);
      // The arguments object is the one envelop executes with once every hook has run.
      if (verdict.document) args.document = verdict.document;
    }
    return { finish, feeds };
  };

  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const admitted = await admit(args as never);
      if ('error' in admitted) return void setResultAndStopExecution({ errors: [admitted.error] });
      if (admitted.finish.length > 0) finishers.set((args.contextValue as GatewayContext).request, admitted.finish);
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      const admitted = await admit(args as never);
      if ('error' in admitted) return void setResultAndStopExecution({ errors: [admitted.error] });
      return {
        onSubscribeResult({ result, setResult }) {
          if (!(Symbol.asyncIterator in result)) return;
          setResult(admitted.feeds.reduce<AsyncIterable<ExecutionResult>>((stream, govern) => govern(stream), result) as AsyncIterableIterator<ExecutionResult>);
        },
      };
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
