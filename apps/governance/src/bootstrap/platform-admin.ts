import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandActor } from '@shuzhi/shared-kernel';
import { generateApiKey } from '@shuzhi/signing';
import { IssueClientKey, RegisterDepartment } from '../commands/registry.commands.js';
import { clientStreamId, departmentStreamId } from '../domain/registry/registry.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';

export const DATA_BUREAU = { code: 'data-bureau', name: '大数据局' } as const;
export const PLATFORM_ADMIN_CLIENT_ID = 'platform-admin';

/** The platform acting on its own first start, before any key exists. */
const FIRST_START: CommandActor = { clientId: 'system', department: DATA_BUREAU.code, roles: ['PLATFORM'] };

/**
 * At the first start: the data bureau's department and its platform key, from
 * SHUZHI_ADMIN_KEY or generated. Later starts find both and change nothing, so the key is
 * only ever shown (by the caller) when `created` is true.
 */
export const ensurePlatformAdmin = async (
  app: INestApplicationContext,
  adminKey: string | undefined,
): Promise<{ created: boolean; apiKey?: string }> => {
  const { store } = app.get<GovernanceConfig>(GOVERNANCE_CONFIG);
  const commands = app.get(CommandBus);
  const origin = { actor: FIRST_START, correlationId: 'platform-first-start' };
  if ((await store.readStream(clientStreamId(PLATFORM_ADMIN_CLIENT_ID), { untilVersion: 0 })).length > 0) return { created: false };
  if ((await store.readStream(departmentStreamId(DATA_BUREAU.code), { untilVersion: 0 })).length === 0) {
    await commands.execute(new RegisterDepartment(origin, DATA_BUREAU.code, DATA_BUREAU.name));
  }
  const apiKey = adminKey ?? generateApiKey(PLATFORM_ADMIN_CLIENT_ID).apiKey;
  await commands.execute(
    new IssueClientKey(origin, DATA_BUREAU.code, 'platform administrator', ['PLATFORM'], { clientId: PLATFORM_ADMIN_CLIENT_ID, apiKey }),
  );
  return { created: true, apiKey };
};
