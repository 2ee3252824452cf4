import { graphql } from '../api/graphql-client.js';
import { WHO_AM_I } from '../api/operations.js';
import type { Role } from '../api/models.js';

/** Who the signed-in key is, as governance states it: what the page offers follows from it. */
export interface Identity {
  clientId: string;
  department: string;
  roles: readonly Role[];
}

export interface Session {
  apiKey: string;
  identity: Identity;
}

const SESSION_KEY = 'shuzhi.console.apiKey';

/** The key lives in this tab's session storage only: closing the tab or signing out forgets it. */
export const storedApiKey = (): string | null => sessionStorage.getItem(SESSION_KEY);
export const storeApiKey = (apiKey: string): void => sessionStorage.setItem(SESSION_KEY, apiKey);
export const forgetApiKey = (): void => sessionStorage.removeItem(SESSION_KEY);

/** Asks the API who the key is; a key the gateway does not know is refused as UNAUTHENTICATED. */
export const identify = async (apiKey: string): Promise<Identity> => (await graphql<{ whoAmI: Identity }>(apiKey, WHO_AM_I)).whoAmI;
