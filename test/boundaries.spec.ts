import { execFileSync } from 'node:child_process';

/** The boundary rules must fail the build; this proves they catch what they claim to. */
describe('dependency boundaries', () => {
  /** `rule: from -> to` for each violation, paths relative to the cruised folder. */
  const cruise = (...paths: string[]): string[] => {
    let output: string;
    try {
      output = execFileSync('npx', ['depcruise', ...paths, '--config', '.dependency-cruiser.cjs'], { encoding: 'utf8' });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    if (!/dependency violations/.test(output)) throw new Error(`depcruise did not report:\n${output}`);
    return [...output.matchAll(/error ([\w-]+): (\S+) → (\S+)/g)].map(
      ([, rule, from, to]) => `${rule}: ${from.replace(/^.*boundaries\//, '')} -> ${to}`,
    );
  };

  it('refuses framework and I/O imports in domain/, service-to-service and lib-to-app imports', () => {
    const violations = cruise('test/fixtures/boundaries');
    expect(violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^domain-is-pure: apps\/alpha\/src\/domain\/leaky\.decider\.ts -> .*@nestjs\/common/),
        'domain-no-node-io: apps/alpha/src/domain/leaky.decider.ts -> fs',
        expect.stringMatching(/^no-service-to-service: apps\/alpha\/src\/domain\/leaky\.decider\.ts -> .*apps\/beta/),
        expect.stringMatching(/^libs-do-not-import-apps: libs\/thing\/src\/thing\.ts -> .*apps\/beta/),
      ]),
    );
    expect(violations.filter((v) => v.includes('pure.decider'))).toEqual([]);
  });

  it('finds the real tree clean', () => {
    expect(cruise('apps', 'libs')).toEqual([]);
  });
});
