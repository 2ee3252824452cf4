import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { KeyObject } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CALLER_CONTEXT_HEADER, CallerContextRefused, verifyCallerContext, type CallerContext, type NonceLedger } from '@shuzhi/signing';
import type { CommandActor } from '@shuzhi/shared-kernel';
import { apiError } from './errors.js';

export interface SubgraphContext {
  caller: CallerContext;
}

/** Who this subgraph is, as the gateway addresses it, and the contexts it has taken. */
export interface CallerCheck {
  publicKey: KeyObject;
  audience: string;
  nonces: NonceLedger;
}

/**
 * The one check every subgraph makes before anything else: the request carries the gateway's
 * signed context, fresh, meant for this subgraph, never taken before, and bound to this very
 * body. Anything else is refused.
 */
export const callerFrom = (request: IncomingMessage & { rawBody?: Buffer }, check: CallerCheck, now: Date): CallerContext => {
  const header = request.headers[CALLER_CONTEXT_HEADER];
  try {
    return verifyCallerContext(Array.isArray(header) ? header[0] : header, check.publicKey, {
      now,
      body: request.rawBody?.toString('utf8') ?? '',
      audience: check.audience,
      nonces: check.nonces,
    });
  } catch (error) {
    if (error instanceof CallerContextRefused) {
      const refused = apiError('UNAUTHENTICATED', `request refused: ${error.reason} (subgraphs answer only the gateway)`);
      refused.extensions.http = { status: 401 };
      throw refused;
    }
    throw error;
  }
};

/** The caller of a GraphQL operation, as the gateway vouched for it. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): CallerContext => {
  return GqlExecutionContext.create(context).getContext<SubgraphContext>().caller;
});

export const actorOf = (caller: CallerContext): CommandActor => ({
  clientId: caller.clientId,
  department: caller.department,
  roles: caller.roles,
});
