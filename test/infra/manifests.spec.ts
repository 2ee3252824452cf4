import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientIdOfApiKey, keyPairFromPem, publicKeyFromPem } from '@shuzhi/signing';
import { parseAllDocuments } from 'yaml';

/**
 * The deployment files against the code they deploy: every app has a Deployment and a Service
 * (and a compose service) on the port its entry point defaults to, probes on /health, resources,
 * and exactly the environment variables the app reads, found by reading its source, so this
 * fails when a variable is added, renamed or dropped on one side only. And the deployment's
 * defences (security issue 18): each container holds only its own keys and database role, the
 * subgraphs are reachable from the gateway only, and no container runs with privileges it does
 * not use.
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
const DEVELOPMENT_ONLY = new Set(['SHUZHI_DATA_DIR', 'SHUZHI_EMBEDDED_PG_PORT', 'NODE_ENV']);
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
const named = (kind: string, name: string) => ofKind(kind).find((doc) => doc.metadata.name === name);
const configMap = named('ConfigMap', 'shuzhi-config');
const compose = parse(join(INFRA, 'compose.yaml'))[0];
const apps = [gateway(), ...subgraphs()];

const deploymentOf = (app: App) => named('Deployment', app.name);
const containerOf = (app: App) => deploymentOf(app)?.spec.template.spec.containers[0];
/** The one Secret an app's Deployment may read. */
const secretNameOf = (app: App) => `shuzhi-${app.name}`;
/** The PostgreSQL role an app logs in as. */
const roleOf = (app: App) => `shuzhi_${app.name}`;
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

    it('takes its settings from keys that the ConfigMap and its own Secret define', () => {
      const secret = named('Secret', secretNameOf(app));
      expect(secret).toBeDefined();
      for (const entry of containerOf(app).env) {
        if (entry.value !== undefined) continue;
        const { configMapKeyRef, secretKeyRef } = entry.valueFrom;
        if (configMapKeyRef) expect([configMapKeyRef.name, Object.keys(configMap.data)]).toEqual(['shuzhi-config', expect.arrayContaining([configMapKeyRef.key])]);
        else expect([secretKeyRef.name, Object.keys(secret.stringData)]).toEqual([secretNameOf(app), expect.arrayContaining([secretKeyRef.key])]);
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

/**
 * The variables that are secrets, and the one app each belongs to: whoever holds one can act as
 * its owner (sign caller contexts for any department, unmask hashed fields, sign consent
 * receipts or audit seals, administer the platform, read as the economic bureau).
 */
const SECRET_OWNERS: Record<string, string> = {
  SHUZHI_GATEWAY_PRIVATE_KEY: 'gateway',
  SHUZHI_FIELD_HASH_KEY: 'gateway',
  SHUZHI_RECEIPT_PRIVATE_KEY: 'governance',
  SHUZHI_ADMIN_KEY: 'governance',
  SHUZHI_AUDIT_SEAL_PRIVATE_KEY: 'audit',
  SUBSIDY_API_KEY: 'subsidy',
};
/** Named like secrets, but the public halves: anyone may have them. */
const PUBLIC_KEYS = new Set(['SHUZHI_GATEWAY_PUBLIC_KEY', 'SHUZHI_AUDIT_SEAL_PUBLIC_KEY']);
const LOOKS_SECRET = /KEY|SECRET|PASSWORD|TOKEN/;

const allReads = () => new Set(apps.flatMap((app) => [...app.reads]));
const secretKeyRefs = (deployment: Doc): Array<{ name: string; key: string }> =>
  deployment.spec.template.spec.containers.flatMap((container: Doc) =>
    (container.env ?? []).flatMap((entry: Doc) => (entry.valueFrom?.secretKeyRef ? [entry.valueFrom.secretKeyRef] : [])),
  );
const secretVolumes = (deployment: Doc): string[] =>
  (deployment.spec.template.spec.volumes ?? []).flatMap((volume: Doc) => (volume.secret ? [volume.secret.secretName] : []));
/** The `${NAME...}` compose substitutes into a value, or undefined for a literal. */
const interpolated = (value: unknown) => (typeof value === 'string' ? /^\$\{([A-Z0-9_]+)(?::?[?-][^}]*)?\}$/.exec(value)?.[1] : undefined);

describe('each container holds only its own keys and database role', () => {
  it('knows every secret the apps read and who owns it', () => {
    const unclassified = [...allReads()].filter((name) => LOOKS_SECRET.test(name) && !(name in SECRET_OWNERS) && !PUBLIC_KEYS.has(name));
    expect(unclassified).toEqual([]);
    for (const [name, owner] of Object.entries(SECRET_OWNERS)) expect([name, apps.find((app) => app.name === owner)?.reads.has(name)]).toEqual([name, true]);
  });

  describe('in Kubernetes', () => {
    it('takes no Secret or ConfigMap whole (envFrom), only the keys it names', () => {
      for (const deployment of ofKind('Deployment')) for (const container of deployment.spec.template.spec.containers) expect(container.envFrom).toBeUndefined();
    });

    it('gives every secret to its owner alone, from the owner\'s Secret', () => {
      for (const app of apps) {
        for (const entry of containerOf(app).env) {
          const owner = SECRET_OWNERS[entry.name];
          if (owner === undefined) continue;
          expect([entry.name, app.name]).toEqual([entry.name, owner]);
          expect(entry.valueFrom?.secretKeyRef?.name).toBe(secretNameOf(app));
        }
      }
    });

    it('lets no two Deployments read the same Secret, and each only its own', () => {
      const readers = new Map<string, string[]>();
      for (const deployment of ofKind('Deployment')) {
        const names = new Set([...secretKeyRefs(deployment).map((ref) => ref.name), ...secretVolumes(deployment)]);
        for (const name of names) readers.set(name, [...(readers.get(name) ?? []), deployment.metadata.name]);
        expect([deployment.metadata.name, [...names]]).toEqual([deployment.metadata.name, [`shuzhi-${deployment.metadata.name}`]]);
      }
      for (const [name, deployments] of readers) expect([name, deployments.length]).toEqual([name, 1]);
    });

    it('keeps in each Secret only what its Deployment reads: nothing to leak that no one needs', () => {
      for (const app of apps) {
        const referenced = secretKeyRefs(deploymentOf(app)).map((ref) => ref.key).sort();
        expect(Object.keys(named('Secret', secretNameOf(app)).stringData).sort()).toEqual(referenced);
      }
    });

    it('puts no private key in a ConfigMap', () => {
      for (const map of ofKind('ConfigMap')) for (const value of Object.values(map.data ?? {})) expect(String(value)).not.toMatch(/PRIVATE KEY/);
    });

    it('connects each app as a PostgreSQL role of its own, which the cluster declares with a password only the operator reads', () => {
      const cluster = ofKind('Cluster').find((doc) => doc.metadata.name === 'shuzhi-pg');
      const declared = new Map(cluster.spec.managed.roles.map((role: Doc) => [role.name, role]));
      const users = apps.map((app) => {
        const url = new URL(named('Secret', secretNameOf(app)).stringData['database-url']);
        expect(containerOf(app).env.find((entry: Doc) => entry.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({ name: secretNameOf(app), key: 'database-url' });
        const role: Doc = declared.get(roleOf(app));
        expect([app.name, url.username, role?.login]).toEqual([app.name, roleOf(app), true]);
        const password = named('Secret', role.passwordSecret.name);
        expect([password.type, password.stringData.username]).toEqual(['kubernetes.io/basic-auth', roleOf(app)]);
        for (const deployment of ofKind('Deployment')) expect(secretKeyRefs(deployment).map((ref) => ref.name)).not.toContain(role.passwordSecret.name);
        return url.username;
      });
      expect(new Set(users).size).toBe(apps.length);
    });

    it('makes each app\'s role a member of no role, the owner a member of each (what the preparation step needs of them)', () => {
      const cluster = ofKind('Cluster').find((doc) => doc.metadata.name === 'shuzhi-pg');
      const sql: string[] = cluster.spec.bootstrap.initdb.postInitApplicationSQL;
      for (const app of apps) {
        const role = roleOf(app);
        expect([role, cluster.spec.managed.roles.find((declared: Doc) => declared.name === role).inRoles]).toEqual([role, undefined]);
        expect(sql).toEqual(
          expect.arrayContaining([`create role ${role} login`, `grant ${role} to shuzhi`, `alter role ${role} in database shuzhi set search_path = public`]),
        );
      }
      // Nothing lets a service act as the owner (or as any other role).
      expect(sql.filter((statement) => /\bin role\b|\bset role\b|grant shuzhi to/.test(statement))).toEqual([]);
    });
  });

  describe('in compose', () => {
    const appServices = () => apps.map((app) => [app, compose.services[app.name]] as const);

    it('gives every secret to its owner alone, from the env file, never written in', () => {
      for (const [app, service] of appServices()) {
        for (const [name, value] of Object.entries(service.environment)) {
          const owner = SECRET_OWNERS[name];
          if (owner === undefined) continue;
          expect([name, app.name]).toEqual([name, owner]);
          expect([name, interpolated(value)]).toEqual([name, name]);
        }
      }
    });

    it('shares no env file and no volume between apps (the old shared key volume)', () => {
      for (const [app, service] of appServices()) expect([app.name, service.env_file, service.volumes]).toEqual([app.name, undefined, undefined]);
    });

    it('connects each app as a PostgreSQL role of its own, made with a password of its own', () => {
      const script = readFileSync(join(INFRA, 'postgres-roles.sh'), 'utf8');
      const users = appServices().map(([app, service]) => {
        const url = new URL(service.environment.DATABASE_URL.replace(/\$\{([A-Z0-9_]+)[^}]*\}/, '$1'));
        const variable = `SHUZHI_${app.name.toUpperCase()}_DB_PASSWORD`;
        expect([app.name, url.username, url.password, url.hostname]).toEqual([app.name, roleOf(app), variable, 'postgres']);
        expect(script).toMatch(new RegExp(`-v ${app.name}="\\$${variable}"`));
        expect(script).toContain(`create role ${roleOf(app)} login password :'${app.name}';`);
        expect(interpolated(compose.services.postgres.environment[variable])).toBe(variable);
        return url.username;
      });
      expect(new Set(users).size).toBe(apps.length);
      // A member of the owner could act as it: every grant would be moot.
      expect(script).not.toMatch(/\bin role\b|\bset role\b|^grant /m);
    });

    it('gets from compose-env.sh every variable it requires: well-formed keys, the gateway\'s pair matching', () => {
      const dir = mkdtempSync(join(tmpdir(), 'shuzhi-compose-env-'));
      try {
        const file = join(dir, 'compose.env');
        execFileSync('sh', [join(INFRA, 'compose-env.sh'), file], { stdio: 'pipe' });
        expect(statSync(file).mode & 0o077).toBe(0);
        // Compose's reading of an env file: a double-quoted value takes \n as a newline.
        const env = Object.fromEntries(
          readFileSync(file, 'utf8')
            .trim()
            .split('\n')
            .map((line) => {
              const [, name, value] = /^([A-Z0-9_]+)=(.*)$/.exec(line)!;
              return [name, value.startsWith('"') ? value.slice(1, -1).replaceAll('\\n', '\n') : value];
            }),
        );
        const required = [...readFileSync(join(INFRA, 'compose.yaml'), 'utf8').matchAll(/\$\{([A-Z0-9_]+):\?/g)].map((match) => match[1]);
        expect(required.filter((name) => !env[name])).toEqual([]);
        const gatewayKeys = keyPairFromPem(env.SHUZHI_GATEWAY_PRIVATE_KEY);
        expect(publicKeyFromPem(env.SHUZHI_GATEWAY_PUBLIC_KEY).export({ type: 'spki', format: 'pem' })).toBe(gatewayKeys.publicKeyPem);
        for (const name of ['SHUZHI_RECEIPT_PRIVATE_KEY', 'SHUZHI_AUDIT_SEAL_PRIVATE_KEY']) expect(() => keyPairFromPem(env[name])).not.toThrow();
        expect(clientIdOfApiKey(env.SHUZHI_ADMIN_KEY)).toBe('platform-admin');
        // A second run would replace the keys the stored data was signed with: it refuses.
        expect(() => execFileSync('sh', [join(INFRA, 'compose-env.sh'), file], { stdio: 'pipe' })).toThrow(/exists/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

/** Where a connection comes from: a pod (its namespace and labels), or outside the cluster. */
type Source = { namespace: string; labels: Record<string, string> } | 'outside the cluster';
/** Where it goes: a pod of the namespace, with its named ports. */
interface Target {
  labels: Record<string, string>;
  ports: Record<string, number>;
}

const NAMESPACE = 'shuzhi';
const policies = ofKind('NetworkPolicy');

/** matchLabels only: anything else is left to a test that understands it, not guessed at. */
const selects = (selector: Doc, labels: Record<string, string>): boolean => {
  if (selector.matchExpressions) throw new Error('matchExpressions: teach this test to read them');
  return Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
};

const peerAdmits = (peer: Doc, source: Source): boolean => {
  if (peer.ipBlock) throw new Error('ipBlock: teach this test to read it');
  if (source === 'outside the cluster') return false;
  const namespaceLabels = { 'kubernetes.io/metadata.name': source.namespace };
  const inNamespace = peer.namespaceSelector ? selects(peer.namespaceSelector, namespaceLabels) : source.namespace === NAMESPACE;
  return inNamespace && (peer.podSelector ? selects(peer.podSelector, source.labels) : true);
};

/** NetworkPolicy's meaning for ingress: open until a policy selects the pod, then only what one admits. */
const admits = (source: Source, target: Target, port: number): boolean => {
  const applying = policies.filter((policy) => (policy.spec.policyTypes ?? ['Ingress']).includes('Ingress') && selects(policy.spec.podSelector, target.labels));
  if (applying.length === 0) return true;
  return applying.some((policy) =>
    (policy.spec.ingress ?? []).some(
      (rule: Doc) =>
        (rule.from === undefined || rule.from.some((peer: Doc) => peerAdmits(peer, source))) &&
        (rule.ports === undefined || rule.ports.some((entry: Doc) => (entry.protocol ?? 'TCP') === 'TCP' && (entry.port === port || target.ports[entry.port] === port))),
    ),
  );
};

const podOf = (name: string): Target & { source: Source } => {
  const template = named('Deployment', name).spec.template;
  const labels = template.metadata.labels;
  const ports = Object.fromEntries(template.spec.containers.flatMap((container: Doc) => container.ports.map((port: Doc) => [port.name, port.containerPort])));
  return { labels, ports, source: { namespace: NAMESPACE, labels } };
};
const POSTGRES: Target = { labels: { 'cnpg.io/cluster': 'shuzhi-pg' }, ports: { postgresql: 5432, metrics: 9187, status: 8000 } };
/** The scraper network-policies.yaml admits to the apps' ports. */
const PROMETHEUS: Source = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
/** Whoever is not meant to get in: the internet, a pod of another namespace, a stray pod of this one. */
const STRANGERS: Source[] = ['outside the cluster', { namespace: 'default', labels: {} }, { namespace: NAMESPACE, labels: { app: 'debug' } }];
/** Who calls whom, as the configuration says: the gateway each subgraph of SUBGRAPHS, the subsidy service the gateway. */
const callsByConfiguration = () => [
  ...Object.entries(subgraphList(configMap.data.SUBGRAPHS)).map(([service, url]) => ({ from: 'gateway', to: service, port: Number(new URL(url).port) })),
  { from: 'subsidy', to: new URL(configMap.data.SUBSIDY_GATEWAY_URL).hostname, port: Number(new URL(configMap.data.SUBSIDY_GATEWAY_URL).port) },
];

describe('the subgraphs are reachable from the gateway only', () => {
  describe('in Kubernetes', () => {
    it('denies all ingress in the namespace unless a policy admits it', () => {
      const denyAll = policies.find((policy) => policy.metadata.namespace === NAMESPACE && Object.keys(policy.spec.podSelector).length === 0);
      expect(denyAll?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
    });

    it('admits every call the configuration makes, to the Service\'s pods on its port', () => {
      for (const call of callsByConfiguration()) {
        const service = named('Service', call.to);
        expect(service.spec.ports.map((port: Doc) => port.port)).toContain(call.port);
        expect([call, admits(podOf(call.from).source, podOf(call.to), call.port)]).toEqual([call, true]);
      }
    });

    it('opens the gateway to anyone: it is the door, and it checks every caller', () => {
      for (const source of STRANGERS) expect(admits(source, podOf('gateway'), gateway().port)).toBe(true);
    });

    it('closes every subgraph to everyone but the gateway: strangers, the other subgraphs, the subsidy service', () => {
      for (const subgraph of subgraphs()) {
        const callers = [...STRANGERS, ...apps.filter((app) => app.name !== 'gateway').map((app) => podOf(app.name).source)];
        for (const source of callers) expect([subgraph.name, source, admits(source, podOf(subgraph.name), subgraph.port)]).toEqual([subgraph.name, source, false]);
        expect(admits(podOf('gateway').source, podOf(subgraph.name), subgraph.port)).toBe(true);
      }
    });

    it('lets Prometheus scrape each app and nothing else of the namespace', () => {
      for (const app of apps) expect([app.name, admits(PROMETHEUS, podOf(app.name), app.port)]).toEqual([app.name, true]);
      expect(admits(PROMETHEUS, POSTGRES, 5432)).toBe(false);
    });

    it('opens PostgreSQL to the apps, its own instances and its operator, and to no one else', () => {
      for (const app of apps) expect([app.name, admits(podOf(app.name).source, POSTGRES, 5432)]).toEqual([app.name, true]);
      for (const source of STRANGERS) expect(admits(source, POSTGRES, 5432)).toBe(false);
      const instance: Source = { namespace: NAMESPACE, labels: POSTGRES.labels };
      expect([admits(instance, POSTGRES, 5432), admits(instance, POSTGRES, 8000)]).toEqual([true, true]);
      const operator: Source = { namespace: 'cnpg-system', labels: { 'app.kubernetes.io/name': 'cloudnative-pg' } };
      expect(admits(operator, POSTGRES, 8000)).toBe(true);
    });
  });

  describe('in compose', () => {
    const networksOf = (name: string): string[] => {
      const networks = compose.services[name].networks;
      return Array.isArray(networks) ? networks : Object.keys(networks ?? { default: null });
    };
    const internal = (network: string) => compose.networks?.[network]?.internal === true;

    it('publishes the gateway\'s port and no other', () => {
      for (const [name, service] of Object.entries<Doc>(compose.services)) expect([name, service.ports]).toEqual([name, name === 'gateway' ? [`${gateway().port}:${gateway().port}`] : undefined]);
    });

    it('keeps the subgraphs and PostgreSQL on internal networks only, the gateway on one of them and on the edge', () => {
      for (const name of [...subgraphs().map((app) => app.name), 'postgres']) expect([name, networksOf(name).every(internal)]).toEqual([name, true]);
      expect(networksOf('gateway').some((network) => !internal(network))).toBe(true);
    });

    it('puts every caller on a network with what it calls', () => {
      const calls = [
        ...Object.entries(subgraphList(compose.services.gateway.environment.SUBGRAPHS)).map(([, url]) => ({ from: 'gateway', to: new URL(url).hostname })),
        ...apps.map((app) => ({ from: app.name, to: new URL(`postgres://${compose.services[app.name].environment.DATABASE_URL.split('@')[1]}`).hostname })),
        { from: 'subsidy', to: new URL(compose.services.subsidy.environment.SUBSIDY_GATEWAY_URL).hostname },
      ];
      for (const call of calls) expect([call, networksOf(call.from).some((network) => networksOf(call.to).includes(network))]).toEqual([call, true]);
    });
  });
});

/** The user the image runs as: the last USER of its last stage, as `uid[:gid]`. */
const imageUser = (): { uid: number; gid?: number } => {
  const dockerfile = readFileSync(join(INFRA, 'Dockerfile'), 'utf8');
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const users = [...finalStage.matchAll(/^USER\s+(\S+)\s*$/gm)].map((match) => match[1]);
  const [uid, gid] = (users.at(-1) ?? 'root').split(':');
  if (!/^\d+$/.test(uid) || (gid !== undefined && !/^\d+$/.test(gid))) throw new Error(`the image's USER ${users.at(-1)} is not numeric: runAsNonRoot cannot check a name`);
  return { uid: Number(uid), gid: gid === undefined ? undefined : Number(gid) };
};

/** Apps whose own start writes into SHUZHI_DATA_DIR even when every key is given (governance's first-start credentials). */
const writesIntoDataDir = (app: App) => /writeFile\(join\(dataDir/.test(readFileSync(join(ROOT, 'apps', app.name, 'src', 'main.ts'), 'utf8'));

/** What every pod of the namespace must say: not root, the runtime's seccomp profile, no service account token, no host network. */
const expectRestrictedPod = (pod: Doc) => {
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: imageUser().uid, seccompProfile: { type: 'RuntimeDefault' } });
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.hostNetwork ?? false).toBe(false);
};

/** And each of its containers: no privilege to gain, no capability, a read-only root filesystem. */
const expectRestrictedContainers = (pod: Doc) => {
  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.securityContext.privileged ?? false).toBe(false);
    expect(container.securityContext.capabilities.add).toBeUndefined();
  }
};

/** A compose service of the image, as restricted as a pod. */
const expectRestrictedService = (service: Doc) => {
  expect(String(service.user).split(':')[0]).toBe(String(imageUser().uid));
  expect(service.read_only).toBe(true);
  expect(service.cap_drop).toEqual(['ALL']);
  expect(service.cap_add).toBeUndefined();
  expect(service.security_opt).toContain('no-new-privileges:true');
  expect(service.privileged ?? false).toBe(false);
};

describe('containers drop privileges', () => {
  it('builds an image that runs as a numeric user other than root', () => {
    expect(imageUser().uid).toBeGreaterThan(0);
    expect(imageUser().gid).toBeGreaterThan(0);
  });

  describe.each(apps.map((app) => [app.name, app] as const))('%s in Kubernetes', (_, app) => {
    it('runs as that user, under the runtime\'s seccomp profile, with no service account token', () => {
      expectRestrictedPod(deploymentOf(app).spec.template.spec);
    });

    it('cannot gain privileges, holds no capability and cannot write its root filesystem', () => {
      expectRestrictedContainers(deploymentOf(app).spec.template.spec);
    });

    it('has a writable volume of its own wherever it writes', () => {
      const pod = deploymentOf(app).spec.template.spec;
      const dataDir = containerOf(app).env.find((entry: Doc) => entry.name === 'SHUZHI_DATA_DIR')?.value;
      if (writesIntoDataDir(app)) expect(dataDir).toEqual(expect.any(String));
      if (dataDir === undefined) return;
      const mount = containerOf(app).volumeMounts?.find((candidate: Doc) => candidate.mountPath === dataDir);
      expect(mount?.readOnly ?? false).toBe(false);
      expect(pod.volumes.find((volume: Doc) => volume.name === mount.name).emptyDir).toBeDefined();
    });
  });

  describe.each(apps.map((app) => [app.name, app] as const))('%s in compose', (_, app) => {
    it('runs as the image\'s user, read-only, with no capability and no way to gain privileges', () => {
      expectRestrictedService(compose.services[app.name]);
    });

    it('has a writable tmpfs of its own wherever it writes', () => {
      const service = compose.services[app.name];
      const dataDir = service.environment.SHUZHI_DATA_DIR;
      if (writesIntoDataDir(app)) expect(dataDir).toEqual(expect.any(String));
      if (dataDir !== undefined) expect(service.tmpfs).toContain(dataDir);
    });
  });
});

describe('subgraphs listen on loopback unless told otherwise', () => {
  it('defaults HOST to 127.0.0.1 in runSubgraph; the gateway, the door, listens on every address', () => {
    expect(readFileSync(join(ROOT, 'libs/subgraph/src/run-subgraph.ts'), 'utf8')).toMatch(/\.listen\([^;]*process\.env\.HOST \?\? '127\.0\.0\.1'\)/);
    expect(readFileSync(join(ROOT, 'apps/gateway/src/main.ts'), 'utf8')).toMatch(/\.listen\([^;]*, '0\.0\.0\.0'\)/);
  });

  it.each(subgraphs().map((app) => [app.name, app] as const))('%s is told to listen on its pod\'s or container\'s address, for the gateway', (_, app) => {
    expect(containerOf(app).env.find((entry: Doc) => entry.name === 'HOST')).toEqual({ name: 'HOST', value: '0.0.0.0' });
    expect(compose.services[app.name].environment.HOST).toBe('0.0.0.0');
  });
});

/**
 * The database's preparation step (scripts/prepare-database.ts): every migration, then each
 * service's role its schema and grants, as the database's owner. The apps' roles may do neither,
 * and refuse to start on a database that lacks a migration: each deployment runs the step first,
 * and it alone holds the owner's credentials.
 */
const PREPARE = 'prepare-database';
const PREPARE_COMMAND = ['node', 'dist/scripts/prepare-database.js'];
const prepareReads = () => new Set([...readFileSync(join(ROOT, 'scripts/prepare-database.ts'), 'utf8').matchAll(ENV_READ)].map((match) => match[1]));
const composeEnvironmentValues = (service: Doc): string[] =>
  Array.isArray(service.environment) ? service.environment : Object.values<string>(service.environment ?? {});

describe('the database is prepared, as its owner, before any app starts', () => {
  it('has the step the deployments run: the script, built where they call it, reading the owner\'s URL only', () => {
    const build = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8'));
    expect(build.include).toContain('scripts/**/*.ts');
    expect([...prepareReads()]).toEqual(['DATABASE_URL']);
    const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts['db:prepare']).toMatch(new RegExp(`npm run build\\b.*&& ${PREPARE_COMMAND.join(' ')}$`));
  });

  describe('in compose', () => {
    const prepare = () => compose.services[PREPARE];

    it('runs the step once, as the superuser postgres-roles.sh says, after PostgreSQL is healthy', () => {
      const service = prepare();
      expect(service.command).toEqual(PREPARE_COMMAND);
      expect(service.restart ?? 'no').toBe('no');
      expect(service.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
      expect(Object.keys(service.environment)).toEqual([...prepareReads()]);
      const url = new URL(service.environment.DATABASE_URL.replace(/\$\{([A-Z0-9_]+)[^}]*\}/, '$1'));
      const postgres = compose.services.postgres.environment;
      expect([url.username, url.password, url.hostname, url.pathname]).toEqual([postgres.POSTGRES_USER ?? 'postgres', 'POSTGRES_PASSWORD', 'postgres', `/${postgres.POSTGRES_DB}`]);
      expect(interpolated(postgres.POSTGRES_PASSWORD)).toBe('POSTGRES_PASSWORD');
      expect(readFileSync(join(INFRA, 'postgres-roles.sh'), 'utf8')).toContain('--username "$POSTGRES_USER" --dbname "$POSTGRES_DB"');
    });

    it('gives the superuser\'s password to it alone, of every container but PostgreSQL\'s', () => {
      const holders = Object.entries<Doc>(compose.services)
        .filter(([, service]) => composeEnvironmentValues(service).some((value) => String(value).includes('${POSTGRES_PASSWORD')))
        .map(([name]) => name);
      expect(holders.sort()).toEqual(['postgres', PREPARE].sort());
    });

    it('makes every app wait for it to have exited 0, and for PostgreSQL to be healthy', () => {
      for (const app of apps) {
        expect([app.name, compose.services[app.name].depends_on]).toEqual([
          app.name,
          expect.objectContaining({ postgres: { condition: 'service_healthy' }, [PREPARE]: { condition: 'service_completed_successfully' } }),
        ]);
      }
    });

    it('runs restricted, as the apps do, on an internal network with PostgreSQL and no port published', () => {
      const service = prepare();
      expectRestrictedService(service);
      expect(service.ports).toBeUndefined();
      expect(service.networks).toEqual(['internal']);
      expect(compose.networks.internal.internal).toBe(true);
      expect(compose.services.postgres.networks).toContain('internal');
    });
  });

  describe('in Kubernetes', () => {
    const cluster = () => ofKind('Cluster').find((doc) => doc.metadata.name === 'shuzhi-pg');
    /** The Secret the operator keeps for the database's owner: `<cluster>-app`, unless initdb names one. */
    const ownerSecret = () => cluster().spec.bootstrap.initdb.secret?.name ?? `${cluster().metadata.name}-app`;
    const job = () => named('Job', PREPARE);
    const pod = () => job().spec.template.spec;
    const jobPod = (): Target & { source: Source } => {
      const labels = job().spec.template.metadata.labels;
      const ports = Object.fromEntries(pod().containers.flatMap((container: Doc) => (container.ports ?? []).map((port: Doc) => [port.name, port.containerPort])));
      return { labels, ports, source: { namespace: NAMESPACE, labels } };
    };

    it('has a Job that runs the step, once to completion, from the apps\' image', () => {
      expect(job()?.metadata.namespace).toBe(NAMESPACE);
      expect(pod().containers).toHaveLength(1);
      const [container] = pod().containers;
      expect(container.command).toEqual(PREPARE_COMMAND);
      for (const app of apps) expect([app.name, container.image]).toEqual([app.name, containerOf(app).image]);
      expect(['Never', 'OnFailure']).toContain(pod().restartPolicy);
      expect(job().spec.backoffLimit).toBeGreaterThanOrEqual(1);
      expect(job().spec.completions ?? 1).toBe(1);
      expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources.limits.memory).toEqual(expect.any(String));
    });

    it('gets the owner\'s URL from the operator\'s Secret, and nothing else', () => {
      expect(cluster().spec.bootstrap.initdb.owner).toEqual(expect.any(String));
      expect(apps.map(roleOf)).not.toContain(cluster().spec.bootstrap.initdb.owner);
      const [container] = pod().containers;
      expect(container.env).toEqual([{ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: ownerSecret(), key: 'uri' } } }]);
      expect(container.envFrom).toBeUndefined();
      expect(pod().initContainers).toBeUndefined();
      expect(pod().volumes).toBeUndefined();
    });

    it('is the only workload given the owner\'s Secret', () => {
      for (const deployment of ofKind('Deployment')) {
        const envFrom = deployment.spec.template.spec.containers.flatMap((container: Doc) => (container.envFrom ?? []).map((source: Doc) => source.secretRef?.name));
        const read = [...secretKeyRefs(deployment).map((ref) => ref.name), ...secretVolumes(deployment), ...envFrom];
        expect([deployment.metadata.name, read]).toEqual([deployment.metadata.name, expect.not.arrayContaining([ownerSecret()])]);
      }
      expect(ofKind('Job').filter((other) => JSON.stringify(other).includes(ownerSecret())).map((other) => other.metadata.name)).toEqual([PREPARE]);
    });

    it('runs as the apps do: the image\'s user, restricted, no token', () => {
      expectRestrictedPod(pod());
      expectRestrictedContainers(pod());
    });

    it('may reach PostgreSQL, and nothing may reach it', () => {
      expect(admits(jobPod().source, POSTGRES, 5432)).toBe(true);
      const callers = [...STRANGERS, PROMETHEUS, ...apps.map((app) => podOf(app.name).source), { namespace: NAMESPACE, labels: POSTGRES.labels }];
      const ports = [...apps.map((app) => app.port), 5432, 8000, 9229];
      for (const source of callers) for (const port of ports) expect([source, port, admits(source, jobPod(), port)]).toEqual([source, port, false]);
    });
  });
});
