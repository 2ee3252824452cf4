import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One client of `.data/demo-credentials.json`, as API.md lays it out. */
export interface DemoCredential {
  department: string;
  roles: string[];
  clientId: string;
  apiKey: string;
}

export const credentialsFileOf = (dataDir: string): string => join(dataDir, 'demo-credentials.json');

/** The file's clients; none when it does not exist yet. */
export const readDemoCredentials = async (dataDir: string): Promise<DemoCredential[]> => {
  const text = await readFile(credentialsFileOf(dataDir), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '[]';
    throw error;
  });
  return JSON.parse(text) as DemoCredential[];
};

/**
 * Rewritten whole after each key is issued: a key is shown once, so one lost between its issue
 * and the file would be lost for good. The rename keeps a reader from seeing half a file.
 */
export const writeDemoCredentials = async (dataDir: string, credentials: readonly DemoCredential[]): Promise<void> => {
  const file = credentialsFileOf(dataDir);
  await writeFile(`${file}.tmp`, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  await rename(`${file}.tmp`, file);
};

const sameRoles = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

/** The demo client of a department with exactly these roles (each demo client is the only one of its kind). */
export const findCredential = (credentials: readonly DemoCredential[], department: string, roles: readonly string[]): DemoCredential | undefined =>
  credentials.find((c) => c.department === department && sameRoles(c.roles, roles));

/** Like findCredential, for a client the caller cannot do without. */
export const credentialOf = (credentials: readonly DemoCredential[], department: string, roles: readonly string[]): DemoCredential => {
  const found = findCredential(credentials, department, roles);
  if (!found) throw new Error(`no ${department} client with roles ${roles.join('+')} in demo-credentials.json: start the platform with the demo (npm start) first`);
  return found;
};
