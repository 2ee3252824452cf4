export * from './errors.js';
export * from './actor.js';
