import { randomUUID } from 'node:crypto';
import type { EventStore } from '@shuzhi/event-store';
import type { HouseholdRegistered, ResidentRegistered } from '@shuzhi/population-events';
import type { RecordedActor } from '@shuzhi/shared-kernel';

/**
 * Rows of the domain registers, appended to the log as their services publish them: what
 * governance knows a consent's subject by, without starting those services.
 */

const populationSteward: RecordedActor = { clientId: 'ps-steward', department: 'public-security', role: 'STEWARD' };
const at = '2026-11-01T00:00:00.000Z';

/** A resident as population's `ResidentRegistered` enters them; answers the resident id. */
export const registerResident = async (store: EventStore, residentId: string = randomUUID()): Promise<string> => {
  const data: ResidentRegistered['data'] = {
    residentId,
    idNumber: '11010519491231002X',
    name: '张三',
    gender: 'FEMALE',
    birthDate: '1949-12-31',
    householdId: null,
    by: populationSteward,
    at,
  };
  await store.appendToStream(`resident-${residentId}`, [{ type: 'ResidentRegistered', data }], { expectedVersion: 'no-stream' });
  return residentId;
};

/** A household as population's `HouseholdRegistered` enters it; answers the household id. */
export const registerHousehold = async (store: EventStore, householdId: string = randomUUID()): Promise<string> => {
  const data: HouseholdRegistered['data'] = {
    householdId,
    address: '西湖区文三路 1 号',
    grid: {
      district: { code: '330106', name: '西湖区' },
      street: { code: '330106001', name: '北山街道' },
      community: { code: '330106001001', name: '保俶社区' },
    },
    by: populationSteward,
    at,
  };
  await store.appendToStream(`household-${householdId}`, [{ type: 'HouseholdRegistered', data }], { expectedVersion: 'no-stream' });
  return householdId;
};

/** An enterprise as the enterprise register publishes `EnterpriseRegistered` (its documented data). */
export const registerEnterprise = async (store: EventStore, creditCode: string): Promise<string> => {
  const data = {
    creditCode,
    name: '杭州示例科技有限公司',
    legalRepresentativeId: null,
    industryCode: 'I6510',
    registeredCapital: 100,
    employees: 10,
    by: { clientId: 'mr-steward', department: 'market-regulation', role: 'STEWARD' } satisfies RecordedActor,
    at,
  };
  await store.appendToStream(`enterprise-${creditCode}`, [{ type: 'EnterpriseRegistered', data }], { expectedVersion: 'no-stream' });
  return creditCode;
};
