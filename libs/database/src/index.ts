export * from './database.js';
export * from './service-roles.js';
