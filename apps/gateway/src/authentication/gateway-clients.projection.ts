import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Projection } from '@shuzhi/event-store';
import { CLIENT_EVENT_TYPES, type ClientEvent } from '@shuzhi/governance-events';
import type { Role } from '@shuzhi/shared-kernel';

/** The gateway's own view of the clients: enough to check a key, nothing more. */
@Entity('clients')
export class GatewayClientRow {
  @PrimaryColumn({ type: 'text' }) clientId!: string;
  @Column({ type: 'text' }) departmentCode!: string;
  @Column({ type: 'jsonb' }) roles!: Role[];
  /** scrypt, as governance stored it; the key itself is never known here. */
  @Column({ type: 'text' }) keyHash!: string;
  @Column({ type: 'text' }) status!: 'ACTIVE' | 'REVOKED';
}

const STREAM_PREFIX = 'client-';

/** Projected from governance's published client events, not read from governance's tables. */
export const gatewayClientsProjection: Projection<GatewayClientRow> = {
  name: 'gateway.clients',
  version: 1,
  entity: GatewayClientRow,
  streamPrefix: STREAM_PREFIX,
  types: CLIENT_EVENT_TYPES,
  keysOf: (event) => (event.streamId.startsWith(STREAM_PREFIX) ? [event.streamId.slice(STREAM_PREFIX.length)] : []),
  evolve: (row, recorded) => {
    const event = recorded as unknown as ClientEvent;
    switch (event.type) {
      case 'ClientKeyIssued':
        return {
          clientId: event.data.clientId,
          departmentCode: event.data.departmentCode,
          roles: event.data.roles,
          keyHash: event.data.keyHash,
          status: 'ACTIVE',
        };
      case 'ClientKeyRevoked':
        return row && { ...row, status: 'REVOKED' };
      default: {
        const exhaustive: never = event;
        return exhaustive;
      }
    }
  },
};
