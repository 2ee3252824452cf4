import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT_IN_SUBGRAPHS } from '@shuzhi/governance-events';
import { forkTypeScript, waitUntil } from '@shuzhi/testing';
import { GatewayHarness } from '../../../gateway/test/gateway-harness.js';
import { bootstrapCatalog, readBuiltInCatalog } from '../../../governance/src/bootstrap/built-in-datasets.js';

const PURPOSE = 'HOUSING_ALLOWANCE';
const REGISTER_RESIDENT = 'mutation ($input: RegisterResidentInput!) { registerResident(input: $input) { id } }';

// GB 11643: weights 2^(17-i) mod 11 of the first 17 digits, the sum mod 11 picks the check character.
const withCheck = (first17: string) => {
  const sum = [...first17].reduce((total, digit, i) => total + Number(digit) * (2 ** (17 - i) % 11), 0);
  return first17 + '10X98765432'[sum % 11];
};

interface PrintedChange {
  cursor: string;
  kind: string;
  occurredAt: string;
  resident: { id: string; name: string };
}

/** `npm run feed` as a process of its own (scripts/feed.ts, as the build runs it), its output kept. */
class FeedProcess {
  out = '';
  err = '';
  private readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout!.on('data', (chunk: Buffer) => (this.out += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.err += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(args: string[], env: Record<string, string>): FeedProcess {
    return new FeedProcess(forkTypeScript('scripts/feed.ts', args, env, 'pipe'));
  }

  get printed(): PrintedChange[] {
    return this.out.split('\n').filter(Boolean).map((line) => JSON.parse(line) as PrintedChange);
  }

  /** Once the gateway answered with the stream: changes from here on are the feed's. */
  following(): Promise<void> {
    return waitUntil(
      () => {
        if (this.child.exitCode !== null) throw new Error(`the feed exited with ${this.child.exitCode}: ${this.err}`);
        return /feed: following residentChanges/.test(this.err);
      },
      { timeoutMs: 60_000, what: `the feed to follow; it said: ${this.err}` },
    );
  }

  printedAtLeast(count: number): Promise<void> {
    return waitUntil(() => this.printed.length >= count, { timeoutMs: 30_000, what: `${count} changes printed` }).catch((error: Error) => {
      throw new Error(`${error.message}; the feed said:\n${this.err}`);
    });
  }

  /** SIGTERM, as a service manager stops it; its exit status. */
  stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }

  ended(): Promise<number | null> {
    return this.exited;
  }
}

/**
 * `npm run feed` against the real gateway, population subgraph and governance on PostgreSQL: a
 * department's consumer prints the changes its contract allows (masked), keeps its cursor, and a
 * restart after a stop resumes after it, every change of the log once.
 */
describe('npm run feed against the real gateway', () => {
  let harness: GatewayHarness;
  let folder: string;
  let hrKey: string;
  let stewardKey: string;
  let sequence = 201;

  const register = async (name: string): Promise<{ id: string; cursor: string }> => {
    sequence += 2;
    const input = { idNumber: withCheck(`33010619850512${String(sequence).padStart(3, '0')}`), name, gender: 'MALE', birthDate: '1985-05-12' };
    const { registerResident } = await harness.ok<{ registerResident: { id: string } }>(stewardKey, REGISTER_RESIDENT, { input });
    const events = await harness.store.readStream(`resident-${registerResident.id}`);
    return { id: registerResident.id, cursor: events[events.length - 1].checkpoint };
  };
  const feed = (args: string[]) =>
    FeedProcess.start(['residentChanges', '--purpose', PURPOSE, '--fields', 'id,name', ...args], { SHUZHI_API_KEY: hrKey, SHUZHI_URL: `${harness.gatewayUrl}/graphql` });

  beforeAll(async () => {
    harness = await GatewayHarness.start('platform_feed_cli', { population: true });
    await bootstrapCatalog(harness.governance, await readBuiltInCatalog('schemas', BUILT_IN_SUBGRAPHS));
    await harness.ok(harness.adminKey, 'mutation { registerDepartment(input: { code: "human-resources", name: "人社局" }) { code } }');
    await harness.ok(harness.adminKey, 'mutation ($code: String!) { registerPurpose(input: { code: $code, name: "住房补贴" }) { code } }', { code: PURPOSE });
    hrKey = (await harness.issueKey('human-resources', ['CONSUMER'])).apiKey;
    stewardKey = (await harness.issueKey('public-security', ['STEWARD'])).apiKey;
    const now = Date.now();
    const { submitSharingContract } = await harness.ok(hrKey, 'mutation ($input: SubmitSharingContractInput!) { submitSharingContract(input: $input) { id } }', {
      input: {
        datasetCode: 'population.resident',
        fields: ['id', 'name'],
        purpose: PURPOSE,
        legalBasis: '《住房保障条例》',
        validFrom: new Date(now - 3_600_000).toISOString(),
        validTo: new Date(now + 86_400_000).toISOString(),
        masking: [{ field: 'name', rule: 'MASK' }],
      },
    });
    await harness.ok(harness.adminKey, 'mutation ($id: ID!) { completeComplianceReview(id: $id, approved: true) { status } }', { id: submitSharingContract.id });
    await harness.ok(stewardKey, 'mutation ($id: ID!) { approveSharingContract(id: $id) { status } }', { id: submitSharingContract.id });
    const probe = await register('探针');
    await waitUntil(async () => !(await harness.call(hrKey, 'query ($id: ID!) { resident(id: $id) { name } }', { id: probe.id }, { 'x-purpose': PURPOSE })).errors, {
      what: 'the contract to apply',
    });
    folder = await mkdtemp(join(tmpdir(), 'feed-cli-'));
  });

  afterAll(async () => {
    await harness?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('prints each change masked, keeps its cursor, and after a stop resumes with no change lost or repeated', async () => {
    const cursorFile = join(folder, 'residents.cursor');
    const savedCursor = async () => (JSON.parse(await readFile(cursorFile, 'utf8')) as { subscription: string; purpose: string; cursor: string });

    const first = feed(['--cursor-file', cursorFile]);
    let written!: Array<{ id: string; cursor: string }>;
    try {
      await first.following();
      written = [await register('王小明'), await register('李小红')];
      await first.printedAtLeast(2);
    } finally {
      await first.stop();
    }
    expect(await first.ended()).toBe(0);
    expect(first.err).toMatch(/feed: stopped/);
    expect(first.printed).toEqual(
      written.map(({ id, cursor }) => ({ cursor, kind: 'CREATED', occurredAt: expect.any(String), resident: { id, name: expect.stringMatching(/^.\*+$/) } })),
    );
    expect(first.out).not.toMatch(/王小明|李小红/);
    expect(await savedCursor()).toEqual({ subscription: 'residentChanges', purpose: PURPOSE, cursor: written[1].cursor });

    // Changes while it is away, then one after it is back.
    const whileAway = [await register('张三'), await register('李四')];
    const second = feed(['--cursor-file', cursorFile]);
    let live!: { id: string; cursor: string };
    try {
      await second.following();
      expect(second.err).toContain(`after ${written[1].cursor}`);
      live = await register('赵五');
      await second.printedAtLeast(3);
    } finally {
      await second.stop();
    }
    expect(await second.ended()).toBe(0);
    expect(second.printed.map((c) => c.cursor)).toEqual([...whileAway, live].map((c) => c.cursor));
    expect(await savedCursor()).toMatchObject({ cursor: live.cursor });

    // Together, the log's changes after the first one printed: each once, in order.
    const printed = [...first.printed, ...second.printed];
    const log = (await harness.store.readAll({ after: printed[0].cursor as never, limit: 1_000, streamPrefix: 'resident-' })).events;
    expect(printed.slice(1).map((c) => c.cursor)).toEqual(log.map((e) => e.checkpoint));
    expect(new Set(printed.map((c) => c.cursor)).size).toBe(printed.length);
  });

  it('exits 1 naming the gateway\'s refusal for a purpose its department holds no contract for, and keeps no cursor', async () => {
    await harness.ok(harness.adminKey, 'mutation { registerPurpose(input: { code: "PENSION", name: "养老金" }) { code } }');
    const cursorFile = join(folder, 'refused.cursor');
    const refused = FeedProcess.start(['residentChanges', '--purpose', 'PENSION', '--cursor-file', cursorFile], { SHUZHI_API_KEY: hrKey, SHUZHI_URL: `${harness.gatewayUrl}/graphql` });
    expect(await refused.ended()).toBe(1);
    expect(refused.err).toMatch(/refused by the gateway: CONTRACT_REQUIRED/);
    expect(refused.out).toBe('');
    await expect(stat(cursorFile)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
