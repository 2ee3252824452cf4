import 'reflect-metadata';
import { exitOnFailure, runSubgraph } from '@shuzhi/subgraph';
import { createEnterpriseApp } from './enterprise.app.js';

runSubgraph('enterprise', 4003, (dependencies) => createEnterpriseApp(dependencies)).catch(exitOnFailure);
