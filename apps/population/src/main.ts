import 'reflect-metadata';
import { exitOnFailure, runSubgraph } from '@shuzhi/subgraph';
import { createPopulationApp } from './population.app.js';

runSubgraph('population', 4002, (dependencies) => createPopulationApp(dependencies)).catch(exitOnFailure);
