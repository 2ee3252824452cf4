/**
 * Jest in native ESM mode (`--experimental-vm-modules`, see package.json): NestJS 12 ships ES
 * modules only, and jest on Node 20 cannot require them.
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', useESM: true }] },
  moduleNameMapper: {
    '^@shuzhi/([a-z-]+)$': '<rootDir>/libs/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  globalSetup: '<rootDir>/libs/testing/global-setup.js',
  globalTeardown: '<rootDir>/libs/testing/global-teardown.js',
  // Suites start real services (PostgreSQL, subgraph processes); on a busy 2-core machine that takes minutes.
  testTimeout: 180_000,
};
