export * from './errors.js';
export * from './decider.js';
export * from './actor.js';
export * from './wait-until.js';
export * from './input-bounds.js';
export * from './division-codes.js';
