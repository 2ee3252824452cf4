import { GraphQLError } from 'graphql';
import { toApiError } from './api-errors.js';

const quiet = () => {};

describe('toApiError', () => {
  it('keeps an API.md code, its reason and details, and drops what the runtime attached', () => {
    const error = new GraphQLError('no contract', {
      path: ['resident'],
      extensions: { code: 'CONTRACT_REQUIRED', fields: ['Resident.name'], request: { body: '{"idNumber":"..."}' }, serviceName: 'population' },
    });
    expect(toApiError(error, quiet)).toEqual({
      message: 'no contract',
      locations: undefined,
      path: ['resident'],
      extensions: { code: 'CONTRACT_REQUIRED', reason: 'no contract', fields: ['Resident.name'] },
    });
  });

  it('turns the tooling\'s request errors, coded or not, into VALIDATION_FAILED', () => {
    expect(toApiError(new GraphQLError('Syntax Error: Expected Name', {}), quiet).extensions).toEqual({
      code: 'VALIDATION_FAILED',
      reason: 'Syntax Error: Expected Name',
    });
    expect(toApiError(new GraphQLError('bad input', { extensions: { code: 'BAD_USER_INPUT' } }), quiet).extensions?.code).toBe('VALIDATION_FAILED');
  });

  it('hides upstream failures behind INTERNAL with a plain reason, and logs them', () => {
    const logged: unknown[] = [];
    const error = new GraphQLError('connect ECONNREFUSED 10.0.0.7:4002', {
      path: ['resident'],
      extensions: { code: 'SUBREQUEST_HTTP_ERROR', request: { url: 'http://10.0.0.7:4002/graphql' } },
    });
    expect(toApiError(error, (e) => logged.push(e))).toMatchObject({
      message: 'a service behind the gateway could not be reached',
      extensions: { code: 'INTERNAL', reason: 'a service behind the gateway could not be reached' },
    });
    expect(logged).toEqual([error]);
  });

  it('makes an unexpected error of a field INTERNAL and says nothing of it', () => {
    const formatted = toApiError(new GraphQLError('Cannot read properties of undefined', { path: ['a'], extensions: { code: 'WEIRD' } }), quiet);
    expect(formatted).toMatchObject({ message: 'internal error', path: ['a'], extensions: { code: 'INTERNAL', reason: 'internal error' } });
  });
});
