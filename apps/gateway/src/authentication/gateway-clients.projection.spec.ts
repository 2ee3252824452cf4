import type { RecordedEvent } from '@shuzhi/event-store';
import { gatewayClientsProjection } from './gateway-clients.projection.js';

const by = { department: 'data-bureau', client: 'platform-admin', role: 'PLATFORM' };
const recorded = (type: string, data: object): RecordedEvent => ({ streamId: 'client-c1', type, data }) as unknown as RecordedEvent;

describe('the gateway clients projection', () => {
  const issued = recorded('ClientKeyIssued', {
    clientId: 'c1', departmentCode: 'civil-affairs', name: 'system', roles: ['CONSUMER'], keyHash: 'scrypt$...', by, at: '2026-11-27T00:00:00.000Z',
  });

  it('keys rows by the client stream', () => {
    expect(gatewayClientsProjection.keysOf(issued)).toEqual(['c1']);
    expect(gatewayClientsProjection.keysOf({ ...issued, streamId: 'department-x' })).toEqual([]);
  });

  it('keeps what a key check needs and marks revocation', () => {
    const row = gatewayClientsProjection.evolve(null, issued);
    expect(row).toEqual({ clientId: 'c1', departmentCode: 'civil-affairs', roles: ['CONSUMER'], keyHash: 'scrypt$...', status: 'ACTIVE' });
    const revoked = recorded('ClientKeyRevoked', { clientId: 'c1', reason: null, by, at: '2026-11-28T00:00:00.000Z' });
    expect(gatewayClientsProjection.evolve(row, revoked)).toEqual({ ...row, status: 'REVOKED' });
    expect(gatewayClientsProjection.evolve(null, revoked)).toBeNull();
  });
});
