import 'reflect-metadata';
import { exitOnFailure, runSubgraph } from '@shuzhi/subgraph';
import { GatewayClient } from './gateway-client/gateway-client.js';
import { createSubsidyApp } from './subsidy.app.js';

// Read first: without the gateway's URL and the bureau's key the service cannot check anyone.
const gateway = GatewayClient.configFromEnvironment();

runSubgraph('subsidy', 4004, (dependencies) => createSubsidyApp({ ...dependencies, gatewayClient: gateway })).catch(exitOnFailure);
