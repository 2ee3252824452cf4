import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makePrivateDir } from '@shuzhi/signing';

/**
 * The secret of the HASH mask: SHUZHI_FIELD_HASH_KEY as deployed (every replica must share it,
 * or consumers could not join on hashes), otherwise (embedded) 32 random bytes kept in
 * `.data/keys/field-hash.key`, made at first start and never printed.
 */
export const loadFieldHashKey = async (env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array | string> => {
  if (env.SHUZHI_FIELD_HASH_KEY) return env.SHUZHI_FIELD_HASH_KEY;
  const dir = join(env.SHUZHI_DATA_DIR ?? '.data', 'keys');
  const file = join(dir, 'field-hash.key');
  await makePrivateDir(dir);
  try {
    // 'wx': of two processes starting together, one writes and the other reads what it wrote.
    await writeFile(file, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const key = Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  if (key.length < 16) throw new Error(`${file} holds no usable key (expected 32 base64 bytes)`);
  return key;
};
