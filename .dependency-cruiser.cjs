/**
 * The boundaries of STYLE.md, checked on every build: `domain/` folders stay pure, services do
 * not reach into one another, libraries do not depend on applications.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment: 'domain/ holds deciders and events: no framework, no I/O; only other domain code and the pure libs.',
      severity: 'error',
      from: { path: '(^|/)domain/' },
      to: {
        pathNot: ['(^|/)domain/', '(^|/)libs/(shared-kernel|schema-registry|signing|governance-events|population-events)/src/'],
        dependencyTypesNot: ['type-only', 'core'],
      },
    },
    {
      name: 'domain-no-node-io',
      comment: 'domain/ may use node:crypto for pure hashing, nothing that touches the outside.',
      severity: 'error',
      from: { path: '(^|/)domain/' },
      to: { dependencyTypes: ['core'], pathNot: ['^crypto$'] },
    },
    {
      name: 'no-service-to-service',
      comment:
        'A service never imports another service: it projects its events or queries the gateway. ' +
        'apps/platform is the one-machine composition root that starts them all.',
      severity: 'error',
      from: { path: '(^|/)apps/([^/]+)/', pathNot: '(^|/)apps/(platform|audit)/' },
      to: { path: '(^|/)apps/', pathNot: ['(^|/)apps/$2/'] },
    },
    {
      name: 'audit-reads-only-domains',
      comment:
        'The one exception to no-service-to-service: the audit folds a stream as of a time with exactly the ' +
        'decider that decided it, so apps/audit may import other services\' pure domain/ folders, and nothing else of them.',
      severity: 'error',
      from: { path: '(^|/)apps/audit/' },
      to: { path: '(^|/)apps/', pathNot: ['(^|/)apps/audit/', '(^|/)apps/[^/]+/src/domain/'] },
    },
    {
      name: 'libs-do-not-import-apps',
      severity: 'error',
      from: { path: '(^|/)libs/' },
      to: { path: '(^|/)apps/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    // Tests may start several services together; the rules are about the services themselves.
    exclude: { path: '(^dist/|\\.spec\\.ts$|^apps/[^/]+/test/)' },
  },
};
