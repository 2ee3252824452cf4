import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/**
 * The deployment files against the code they deploy: every app has a Deployment and a Service
 * (and a compose service) on the port its entry point defaults to, probes on /health, resources,
 * and exactly the environment variables the app reads, found by reading its source, so this
 * fails when a variable is added, renamed or dropped on one side only.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const INFRA = join(ROOT, 'infra');

/** Manifests are read by path, as the answers of GraphQL in other tests. */
type Doc = any;

const filesUnder = (dir: string, pattern: RegExp): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesUnder(path, pattern);
    return pattern.test(name) ? [path] : [];
  });

const parse = (file: string): Doc[] => {
  // Compose's `<<` merge keys (YAML 1.1) are resolved as compose resolves them.
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { merge: true });
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${relative(ROOT, file)}: ${doc.errors[0].message}`);
  return docs.map((doc) => doc.toJS()).filter((doc) => doc !== null);
};

const ENV_READ = /(?:process\.)?\benv\.([A-Z][A-Z0-9_]+)/g;

/** Every variable the code under these folders reads (tests and one-off tools left out). */
const envReadBy = (...dirs: string[]): Set<string> =>
  new Set(
    dirs.flatMap((dir) =>
      filesUnder(join(ROOT, dir), /\.ts$/)
        .filter((file) => !/\.spec\.ts$|\/(test|cli|seed)\//.test(file))
        .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(ENV_READ)].map((match) => match[1])),
    ),
  );

/** For development on one machine only (embedded PostgreSQL, key files, test runners). */
const DEVELOPMENT_ONLY = new Set(['SHUZHI_DATA_DIR', 'SHUZHI_EMBEDDED_PG_PORT', 'NODE_ENV', 'HOST']);
/** Read, with a default that serves in a container; a manifest may set them or not. */
const OPTIONAL = new Set(['SHUZHI_SUPERGRAPH_FILE', 'SUBSIDY_PURPOSE', 'SHUZHI_AUDIT_SEAL_PUBLIC_KEY', 'SHUZHI_CONSOLE_DIR', 'SHUZHI_SCHEMAS_DIR', 'SHUZHI_DRAIN_MS']);

interface App {
  name: string;
  port: number;
  reads: Set<string>;
}

/** The subgraphs as their entry points declare them: `runSubgraph('<name>', <default port>, ...)`. */
const subgraphs = (): App[] =>
  readdirSync(join(ROOT, 'apps')).flatMap((dir) => {
    let main: string;
    try {
      main = readFileSync(join(ROOT, 'apps', dir, 'src', 'main.ts'), 'utf8');
    } catch {
      return [];
    }
    const declared = /runSubgraph\(\s*'([a-z-]+)',\s*(\d+)/.exec(main);
    if (!declared) return [];
    return [{ name: declared[1], port: Number(declared[2]), reads: envReadBy(`apps/${dir}/src`, 'libs/subgraph/src', 'libs/database/src', 'libs/observability/src') }];
  });

const gateway = (): App => {
  const main = readFileSync(join(ROOT, 'apps/gateway/src/main.ts'), 'utf8');
  const port = /process\.env\.PORT \?\? (\d+)/.exec(main);
  if (!port) throw new Error('apps/gateway/src/main.ts no longer says its default port as `process.env.PORT ?? <port>`');
  return { name: 'gateway', port: Number(port[1]), reads: envReadBy('apps/gateway/src', 'libs/database/src', 'libs/observability/src') };
};

const kubernetes = filesUnder(join(INFRA, 'kubernetes'), /\.ya?ml$/).flatMap(parse);
const ofKind = (kind: string) => kubernetes.filter((doc) => doc.kind === kind);
const configMap = ofKind('ConfigMap').find((doc) => doc.metadata.name === 'shuzhi-config');
const secret = ofKind('Secret').find((doc) => doc.metadata.name === 'shuzhi-secrets');
const compose = parse(join(INFRA, 'compose.yaml'))[0];
const apps = [gateway(), ...subgraphs()];

const containerOf = (app: App) => ofKind('Deployment').find((doc) => doc.metadata.name === app.name)?.spec.template.spec.containers[0];
const envNames = (entries: Array<{ name: string }>) => entries.map((entry) => entry.name);
const subgraphList = (value: string) =>
  Object.fromEntries(value.split(',').map((pair) => pair.split('=') as [string, string]));

describe('infra/', () => {
  it('every YAML file parses', () => {
    const files = filesUnder(INFRA, /\.ya?ml$/);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(() => parse(file)).not.toThrow();
  });

  it('knows the apps from their entry points', () => {
    expect(apps.map((app) => app.name).sort()).toEqual(expect.arrayContaining(['audit', 'enterprise', 'gateway', 'governance', 'population', 'subsidy']));
  });

  describe.each(apps.map((app) => [app.name, app] as const))('%s', (_, app) => {
    it('has a Deployment: its entry point, several replicas, its default port, probes on /health, resources', () => {
      const deployment = ofKind('Deployment').find((doc) => doc.metadata.name === app.name);
      expect(deployment).toBeDefined();
      expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2);
      const labels = deployment.spec.template.metadata.labels;
      expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
      const container = containerOf(app);
      expect(container.command).toEqual(['node', `dist/apps/${app.name}/src/main.js`]);
      expect(container.ports).toEqual([{ name: 'http', containerPort: app.port }]);
      expect(container.env.find((entry: Doc) => entry.name === 'PORT')).toEqual({ name: 'PORT', value: String(app.port) });
      for (const probe of ['readinessProbe', 'startupProbe']) expect(container[probe].httpGet).toEqual({ path: '/health', port: 'http' });
      expect(container.livenessProbe.httpGet.port).toBe('http');
      expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits.memory).toEqual(expect.any(String));
    });

    it('sets exactly the variables the app reads (and every production one of them)', () => {
      const set = new Set(envNames(containerOf(app).env));
      const unknown = [...set].filter((name) => !app.reads.has(name));
      expect(unknown).toEqual([]);
      const missing = [...app.reads].filter((name) => !DEVELOPMENT_ONLY.has(name) && !OPTIONAL.has(name) && !set.has(name));
      expect(missing).toEqual([]);
    });

    it('takes its settings from keys that the ConfigMap and the Secret define', () => {
      for (const entry of containerOf(app).env) {
        if (entry.value !== undefined) continue;
        const { configMapKeyRef, secretKeyRef } = entry.valueFrom;
        if (configMapKeyRef) expect([configMapKeyRef.name, Object.keys(configMap.data)]).toEqual(['shuzhi-config', expect.arrayContaining([configMapKeyRef.key])]);
        else expect([secretKeyRef.name, Object.keys(secret.stringData)]).toEqual(['shuzhi-secrets', expect.arrayContaining([secretKeyRef.key])]);
      }
    });

    it('drains within its grace period: SHUZHI_DRAIN_MS plus the preStop pause fit in it', () => {
      const deployment = ofKind('Deployment').find((doc) => doc.metadata.name === app.name);
      const pause = Number(containerOf(app).lifecycle.preStop.exec.command[1]);
      expect(Number(configMap.data.SHUZHI_DRAIN_MS) / 1000 + pause).toBeLessThan(deployment.spec.template.spec.terminationGracePeriodSeconds);
    });

    it('has a Service selecting its pods on its port', () => {
      const deployment = ofKind('Deployment').find((doc) => doc.metadata.name === app.name);
      const service = ofKind('Service').find((doc) => doc.metadata.name === app.name);
      expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
      expect(service.spec.ports).toEqual([{ name: 'http', port: app.port, targetPort: 'http' }]);
    });

    it('has a compose service: same entry point, same port, a health check, only variables the app reads', () => {
      const service = compose.services[app.name];
      expect(service).toBeDefined();
      expect(service.command).toEqual(['node', `dist/apps/${app.name}/src/main.js`]);
      expect(service.environment.PORT).toBe(String(app.port));
      expect(service.ports).toEqual([`${app.port}:${app.port}`]);
      expect(service.healthcheck.test.join(' ')).toContain('/health');
      expect(Object.keys(service.environment).filter((name) => !app.reads.has(name))).toEqual([]);
    });
  });

  it('points the gateway at every subgraph through its Service and port', () => {
    const listed = subgraphList(configMap.data.SUBGRAPHS);
    expect(Object.keys(listed).sort()).toEqual(subgraphs().map((app) => app.name).sort());
    for (const app of subgraphs()) expect(listed[app.name]).toBe(`http://${app.name}:${app.port}`);
    expect(configMap.data.SUBSIDY_GATEWAY_URL).toBe(`http://gateway:${gateway().port}`);
  });

  it('in compose too, every subgraph the gateway lists is a compose service on its port', () => {
    const listed = subgraphList(compose.services.gateway.environment.SUBGRAPHS);
    for (const [name, url] of Object.entries(listed)) {
      const app = subgraphs().find((candidate) => candidate.name === name);
      expect(url).toBe(`http://${name}:${app?.port}`);
      expect(compose.services[name]).toBeDefined();
    }
  });
});
