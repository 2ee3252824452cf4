import { nameService } from './logger.js';
import { metrics } from './metrics.js';

/**
 * Names the service a process runs, on its log lines (`service`) and its metrics (the `service`
 * label). Entry points call it first; an app built in a process of several (tests, the platform's
 * gateway) leaves it unnamed.
 */
export const nameProcess = (service: string): void => {
  nameService(service);
  metrics().nameService(service);
};
