import { resolve } from 'node:path';
import { readDemoCredentials } from '../apps/platform/src/demo/demo-credentials.js';
import { runTour } from '../apps/platform/src/demo/demo-tour.js';
import { PlatformApi } from '../apps/platform/src/demo/platform-api.js';

/**
 * `npm run demo`: the scripted tour against the platform `npm start` runs (on PORT, default
 * 4000), as the demo clients of SHUZHI_DATA_DIR/demo-credentials.json. Prints each step and its
 * outcome; exits non-zero when one does not hold.
 */
const main = async () => {
  const dataDir = resolve(process.env.SHUZHI_DATA_DIR ?? '.data');
  const credentials = await readDemoCredentials(dataDir);
  const api = new PlatformApi(`http://127.0.0.1:${process.env.PORT ?? 4000}`);
  const outcomes = await runTour({ api, credentials });
  const failed = outcomes.filter((o) => !o.ok);
  console.log(failed.length === 0 ? `All ${outcomes.length} steps held.` : `${failed.length} of ${outcomes.length} steps did not hold.`);
  // Explicitly: a module the governance constants bring in resets process.exitCode on the way out.
  process.exit(failed.length === 0 ? 0 : 1);
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
