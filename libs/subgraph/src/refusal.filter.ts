import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { GqlContextType } from '@nestjs/graphql';
import { ConcurrencyConflict, InvalidEventInput } from '@shuzhi/event-store';
import { DomainError } from '@shuzhi/shared-kernel';

/**
 * A refusal (a domain error, a lost race, input the store refuses) is an answer to the caller,
 * not a fault of the service: it goes back to GraphQL as the field's error, where `formatError`
 * gives it its API.md code, instead of through Nest's handler, which logs every one as an ERROR
 * and so would bury real failures.
 */
@Catch(DomainError, ConcurrencyConflict, InvalidEventInput)
export class RefusalFilter implements ExceptionFilter {
  catch(refusal: Error, host: ArgumentsHost): Error {
    if (host.getType<GqlContextType>() !== 'graphql') throw refusal;
    // graphql-js raises an Error a resolver returns as that field's error.
    return refusal;
  }
}

/** Every subgraph module lists this provider. */
export const refusalFilterProvider = { provide: APP_FILTER, useClass: RefusalFilter };
