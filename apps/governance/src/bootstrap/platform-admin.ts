import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandActor } from '@shuzhi/shared-kernel';
import { BOOTSTRAP_KEY_LENGTH, clientIdOfApiKey, generateApiKey, isKeyShaped } from '@shuzhi/signing';
import { IssueClientKey, RegisterDepartment } from '../commands/registry.commands.js';
import { clientStreamId, departmentStreamId } from '../domain/registry/registry.decider.js';
import { GOVERNANCE_CONFIG, type GovernanceConfig } from '../governance.config.js';

export const DATA_BUREAU = { code: 'data-bureau', name: '大数据局' } as const;
export const PLATFORM_ADMIN_CLIENT_ID = 'platform-admin';

/** The platform acting on its own first start, before any key exists. */
const FIRST_START: CommandActor = { clientId: 'system', department: DATA_BUREAU.code, roles: ['PLATFORM'] };

/**
 * Why `adminKey` (SHUZHI_ADMIN_KEY) cannot be the platform key, in one sentence; undefined when
 * it can. The key opens everything, and the gateway refuses without a hash anything shorter
 * than 32 characters or with a space, so a key must be long, of visible ASCII, and look random:
 * not one character over and over, not digits only, not a short string repeated, not a run of
 * neighbouring characters (`abcdef…`, `123456…`).
 */
export const adminKeyWeakness = (adminKey: string): string | undefined => {
  const { min, max } = BOOTSTRAP_KEY_LENGTH;
  const advice = 'unset it to have one generated, or make one with `openssl rand -base64 32`';
  if (adminKey.length < min) return `SHUZHI_ADMIN_KEY has ${adminKey.length} characters, fewer than the ${min} random ones it needs: ${advice}.`;
  if (adminKey.length > max) return `SHUZHI_ADMIN_KEY has ${adminKey.length} characters, more than the ${max} an API key may have: ${advice}.`;
  if (!isKeyShaped(adminKey)) return `SHUZHI_ADMIN_KEY may hold only visible ASCII characters, no spaces, as it travels in an Authorization header: ${advice}.`;
  const named = clientIdOfApiKey(adminKey);
  if (named !== undefined && named !== PLATFORM_ADMIN_CLIENT_ID) {
    return `SHUZHI_ADMIN_KEY is a key of the client ${named}, not of ${PLATFORM_ADMIN_CLIENT_ID}: ${advice}.`;
  }
  if (looksPatterned(adminKey)) return `SHUZHI_ADMIN_KEY looks far from random (few distinct characters, digits only, a repeated or running pattern): ${advice}.`;
  return undefined;
};

const looksPatterned = (key: string): boolean => {
  if (/^[0-9]+$/.test(key) || new Set(key).size < 8) return true;
  // A string made of one shorter string over and over is found again inside itself doubled.
  if ((key + key).indexOf(key, 1) < key.length) return true;
  let neighbours = 0;
  for (let i = 1; i < key.length; i++) if (Math.abs(key.charCodeAt(i) - key.charCodeAt(i - 1)) <= 1) neighbours++;
  // Random keys have few such pairs (about one in six even in hex); a run has nearly only them.
  return neighbours >= (3 * (key.length - 1)) / 4;
};

/**
 * At the first start: the data bureau's department and its platform key, from
 * SHUZHI_ADMIN_KEY or generated. Later starts find both and change nothing, so the key is
 * only ever shown (by the caller) when `created` is true. A SHUZHI_ADMIN_KEY too weak to be the
 * platform key stops the start, at the first start and after it alike (the one in use might be it).
 */
export const ensurePlatformAdmin = async (
  app: INestApplicationContext,
  adminKey: string | undefined,
): Promise<{ created: boolean; apiKey?: string }> => {
  const weakness = adminKey === undefined ? undefined : adminKeyWeakness(adminKey);
  if (weakness) throw new Error(weakness);
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
