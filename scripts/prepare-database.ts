import { provisionServiceRoles } from '@shuzhi/database';
import { migrateDatabase } from '../apps/platform/src/migrate-database.js';

/**
 * `node dist/scripts/prepare-database.js`, with DATABASE_URL naming a role that owns the database
 * and may create roles (or a superuser): production's step before the services start, and after
 * every deploy (it is idempotent). It applies every migration, then gives each service's role
 * (made by infra/postgres-roles.sh, or the cluster's managed roles, with their passwords) its
 * schema and grants; a role that is missing is created without a password, to be given one.
 * `npm start` does the same by itself.
 */
const main = async () => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set: the database owner\'s URL');
  const store = await migrateDatabase(url);
  await store.close();
  const roles = await provisionServiceRoles(url);
  console.log(`migrated; roles granted: ${[...roles].map(([service, role]) => `${service}=${role}`).join(', ')}`);
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
