import type { EventStore } from '@shuzhi/event-store';
import { seedDemo } from './demo-seed.js';
import { demoWelcome } from './example-queries.js';
import { PlatformApi } from './platform-api.js';

/**
 * `npm start`'s demo, once the gateway listens: seeded through it at the first start, reused
 * after; then the keys and the queries to paste. SHUZHI_DEMO=off skips it (production, or a
 * platform of one's own data). A failed seed is reported and leaves the platform running.
 */
export const startDemo = async (options: { gatewayPort: number; dataDir: string; store: EventStore }): Promise<void> => {
  if (process.env.SHUZHI_DEMO === 'off') return;
  try {
    const api = new PlatformApi(`http://127.0.0.1:${options.gatewayPort}`);
    const { credentials } = await seedDemo({ api, dataDir: options.dataDir, store: options.store });
    console.log(demoWelcome(`http://localhost:${options.gatewayPort}`, credentials));
  } catch (error) {
    console.error('Demo: the seed failed; the platform keeps running (SHUZHI_DEMO=off skips the demo):', error);
  }
};
