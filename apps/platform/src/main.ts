import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { openDatabase } from '@shuzhi/database';
import { PostgresEventStore } from '@shuzhi/event-store';
import { PlatformModule } from './platform.module.js';

/**
 * `npm start`: the embedded PostgreSQL in .data/ (or DATABASE_URL), the event log's
 * migrations, then the platform's HTTP server. Ctrl-C stops all of it.
 */
const main = async () => {
  const database = await openDatabase();
  console.log(database.embedded ? 'PostgreSQL: embedded, data in .data/postgres' : 'PostgreSQL: DATABASE_URL');
  const store = await PostgresEventStore.connect({ connectionString: database.url });
  const app = await NestFactory.create(PlatformModule.forStore(store), { logger: ['error', 'warn', 'log'] });
  const port = Number(process.env.PORT ?? 4000);
  await app.listen(port, '0.0.0.0');
  console.log(`Shuzhi is up: http://localhost:${port}/health`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await app.close();
    await store.close();
    await database.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
