import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PostgresEventStore } from '@shuzhi/event-store';
import { keyPairFromPem } from '@shuzhi/signing';
import { createTestDatabase, TestClock, waitUntil, type TestDatabase } from '@shuzhi/testing';
import {
  AUDIT_BLOCK_SEALED,
  AUDIT_SEALS_STREAM,
  checkInclusionProof,
  leafHash,
  merkleRoot,
  sealHashOf,
  sealHeaderText,
  type AuditBlockSealedData,
} from '../src/domain/audit-chain/index.js';
import { checkProofCommand } from '../src/cli/check-proof.command.js';
import { createCliProgress, type CliOutput } from '../src/cli/progress.js';
import { proveCommand } from '../src/cli/prove.command.js';
import { publicKeyCommand } from '../src/cli/public-key.command.js';
import { verifyCommand } from '../src/cli/verify.command.js';
import { readLeafText } from '../src/sealing/leaf-reader.js';
import { AuditSealer, auditChainStatus, buildInclusionProof, EventNoLongerSealed, verifyAuditChain } from '../src/sealing/index.js';

const newKey = () => keyPairFromPem(generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
const sealKey = newKey();

const actor = { department: 'human-resources', client: 'hr-subsidy-system', role: 'CONSUMER' };

/** A small history through real appends: contracts with a few events each, one transaction per append. */
const appendHistory = async (store: PostgresEventStore, streams: number, eventsPerStream: number, prefix = 'contract') => {
  for (let version = 0; version < eventsPerStream; version++) {
    for (let s = 0; s < streams; s++) {
      await store.appendToStream(
        `${prefix}-${s}`,
        [{ type: version === 0 ? 'ContractSubmitted' : 'ContractReviewed', data: { contractId: `${prefix}-${s}`, step: version, fields: ['name', '姓名'] } }],
        { expectedVersion: version === 0 ? 'no-stream' : version - 1, metadata: { actor, correlationId: `c-${s}-${version}` } },
      );
    }
  }
};

/** Seals everything readable, in blocks of `blockSize`, the rest on time (the test clock runs ahead). */
const sealAll = async (store: PostgresEventStore, blockSize: number) => {
  const clock = new TestClock();
  const sealer = new AuditSealer(store, sealKey, { blockSize, intervalMs: 1000, clock });
  while ((await sealer.sealDue()) !== undefined);
  clock.set('2026-11-27T03:00:00.000Z');
  while ((await sealer.sealDue()) !== undefined);
};

interface Ledger {
  database: TestDatabase;
  store: PostgresEventStore;
  /** Global positions of the (non-seal) events, in read order. */
  positions: string[];
  sql: (text: string, values?: unknown[]) => Promise<Array<Record<string, unknown>>>;
  verify: () => ReturnType<typeof verifyAuditChain>;
}

const open: Ledger[] = [];

/** A fresh database with 24 events (6 streams × 4) sealed in blocks of 5. */
const sealedLedger = async (): Promise<Ledger> => {
  const database = await createTestDatabase('audit_chain');
  const store = await PostgresEventStore.connect({ connectionString: database.url, pool: { max: 4 } });
  await appendHistory(store, 6, 4);
  await sealAll(store, 5);
  const sql = async (text: string, values: unknown[] = []) => (await store.pool.query(text, values)).rows as Array<Record<string, unknown>>;
  const positions = (
    await sql(`select global_position::text as p from event_store.events where stream_id <> $1 order by transaction_id, global_position`, [AUDIT_SEALS_STREAM])
  ).map((row) => row.p as string);
  const ledger = { database, store, positions, sql, verify: () => verifyAuditChain(store.pool, sealKey.publicKey, { pageSize: 7 }) };
  open.push(ledger);
  return ledger;
};

afterAll(async () => {
  for (const { store, database } of open) {
    await store.close();
    await database.drop();
  }
});

describe('the audit chain over an untouched log', () => {
  it('verifies clean, and counts what is sealed and what is not', async () => {
    const { store } = await sealedLedger();
    const progress: Array<[number, number]> = [];
    const result = await verifyAuditChain(store.pool, sealKey.publicKey, { pageSize: 7, onProgress: (done, total) => progress.push([done, total]) });
    // Blocks of 5: the 24 events and the first seal; the four later seals hold only seals, so
    // they wait for the next event rather than being sealed on time.
    expect(result).toEqual({ ok: true, checkedEvents: 25, seals: 5, sealedThrough: expect.stringMatching(/^\d+$/), firstBadPosition: null, reason: null, unsealedEvents: 4 });
    expect(await auditChainStatus(store.pool)).toMatchObject({ seals: 5, sealedThrough: result.sealedThrough, unsealedEvents: 4 });
    expect(progress[0]).toEqual([0, 25]);
    expect(progress.at(-1)).toEqual([25, 25]);
    expect(progress.length).toBe(6);
  });

  it('reports a log never sealed as clean, with everything unsealed', async () => {
    const database = await createTestDatabase('audit_chain_empty');
    const store = await PostgresEventStore.connect({ connectionString: database.url, pool: { max: 2 } });
    open.push({ database, store } as Ledger);
    await appendHistory(store, 1, 3);
    expect(await verifyAuditChain(store.pool, sealKey.publicKey)).toEqual({
      ok: true, checkedEvents: 0, seals: 0, sealedThrough: null, firstBadPosition: null, reason: null, unsealedEvents: 3,
    });
    expect(await auditChainStatus(store.pool)).toEqual({ seals: 0, sealedThrough: null, lastSealedAt: null, unsealedEvents: 3 });
  });

  it('refuses to vouch for a chain signed with another key', async () => {
    const { store } = await sealedLedger();
    const result = await verifyAuditChain(store.pool, newKey().publicKey);
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/^seal 0: its signature does not verify/) });
  });
});

describe('tampering found by verifyAuditChain, naming the first bad position', () => {
  it.each<[string, string]>([
    ['data', `update event_store.events set data = jsonb_set(data, '{step}', '99') where global_position = $1`],
    ['metadata', `update event_store.events set metadata = jsonb_set(metadata, '{actor,client}', '"someone-else"') where global_position = $1`],
    ['type', `update event_store.events set type = 'ContractApproved' where global_position = $1`],
    ['recorded time, by a microsecond', `update event_store.events set recorded_at = recorded_at + interval '1 microsecond' where global_position = $1`],
    ['data, to an equal JSON value spelled differently', `update event_store.events set data = jsonb_set(data, '{step}', '1.0') where global_position = $1 and data->>'step' = '1'`],
  ])('a row whose %s was edited', async (_what, update) => {
    const { positions, sql, verify } = await sealedLedger();
    // Position 7 in read order is a ContractReviewed with step 1.
    const target = positions[7];
    await sql(update, [target]);
    expect(await verify()).toMatchObject({ ok: false, firstBadPosition: target, reason: expect.stringContaining('edited') });
  });

  it('a row deleted', async () => {
    const { positions, sql, verify } = await sealedLedger();
    await sql(`delete from event_store.events where global_position = $1`, [positions[11]]);
    expect(await verify()).toMatchObject({ ok: false, firstBadPosition: positions[11], reason: expect.stringContaining('missing') });
  });

  it('the last row of a block deleted', async () => {
    const { positions, sql, verify } = await sealedLedger();
    await sql(`delete from event_store.events where global_position = $1`, [positions[4]]);
    expect(await verify()).toMatchObject({ ok: false, firstBadPosition: positions[4] });
  });

  it('a row replaced: deleted and written again, altered, in a new transaction', async () => {
    const { positions, sql, verify } = await sealedLedger();
    const [row] = await sql(`delete from event_store.events where global_position = $1 returning *`, [positions[9]]);
    await sql(
      `insert into event_store.events (global_position, stream_id, stream_version, event_id, type, data, metadata, recorded_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [row.global_position, row.stream_id, row.stream_version, row.event_id, row.type, { ...(row.data as object), step: 42 }, row.metadata, row.recorded_at],
    );
    expect(await verify()).toMatchObject({ ok: false, firstBadPosition: positions[9], reason: expect.stringContaining('missing') });
  });

  it('a row inserted into sealed history with an old transaction id', async () => {
    const { positions, sql, verify } = await sealedLedger();
    const [inserted] = await sql(
      `insert into event_store.events (transaction_id, stream_id, stream_version, event_id, type, data, metadata, recorded_at)
       select transaction_id, 'contract-forged', 0, gen_random_uuid(), 'ContractApproved', '{"contractId":"contract-forged"}', metadata, recorded_at
       from event_store.events where global_position = $1
       returning global_position::text as p`,
      [positions[13]],
    );
    expect(await verify()).toMatchObject({ ok: false, firstBadPosition: inserted.p, reason: expect.stringContaining('inserted') });
  });

  it('a row inserted at the head of the log is an unsealed event, not sealed history', async () => {
    const { sql, verify } = await sealedLedger();
    await sql(
      `insert into event_store.events (stream_id, stream_version, event_id, type, data, metadata, recorded_at)
       values ('contract-late', 0, gen_random_uuid(), 'ContractSubmitted', '{}', '{}', now())`,
    );
    expect(await verify()).toMatchObject({ ok: true, unsealedEvents: 5 });
  });

  it('two rows that swapped their content', async () => {
    const { positions, sql, verify } = await sealedLedger();
    const [a, b] = [positions[15], positions[16]];
    await sql(
      `update event_store.events e set data = o.data, metadata = o.metadata, type = o.type
       from event_store.events o where (e.global_position, o.global_position) in (($1::bigint, $2::bigint), ($2::bigint, $1::bigint))`,
      [a, b],
    );
    expect(await verify()).toMatchObject({ ok: false, firstBadPosition: a });
  });

  it('two rows that swapped their positions', async () => {
    const { positions, sql, verify } = await sealedLedger();
    const [a, b] = [positions[2], positions[3]];
    await sql(
      `update event_store.events set global_position = case global_position when $1::bigint then $2::bigint else $1::bigint end
       where global_position in ($1::bigint, $2::bigint)`,
      [a, b],
    );
    expect(await verify()).toMatchObject({ ok: false, firstBadPosition: a, reason: expect.stringContaining('reordered') });
  });

  it('two rows that swapped their places in the read order (transaction ids)', async () => {
    const { positions, sql, verify } = await sealedLedger();
    const [a, b] = [positions[5], positions[6]];
    await sql(
      `update event_store.events e set transaction_id = o.transaction_id
       from event_store.events o where (e.global_position, o.global_position) in (($1::bigint, $2::bigint), ($2::bigint, $1::bigint))`,
      [a, b],
    );
    expect(await verify()).toMatchObject({ ok: false, firstBadPosition: a, reason: expect.stringContaining('reordered') });
  });

  it.each<[string, string]>([
    ['a leaf hash', `jsonb_set(data, '{leaves,2}', to_jsonb(repeat('ab', 32)))`],
    ['its Merkle root', `jsonb_set(data, '{merkleRoot}', to_jsonb(repeat('cd', 32)))`],
    ['its time', `jsonb_set(data, '{sealedAt}', '"2020-01-01T00:00:00.000Z"')`],
    ['its link to the previous seal', `jsonb_set(data, '{previousSealHash}', to_jsonb(repeat('0', 63) || '1'))`],
  ])('a seal whose %s was edited', async (_what, change) => {
    const { sql, verify } = await sealedLedger();
    const [seal] = await sql(
      `update event_store.events set data = ${change} where stream_id = $1 and stream_version = 1 returning global_position::text as p`,
      [AUDIT_SEALS_STREAM],
    );
    expect(await verify()).toMatchObject({ ok: false, firstBadPosition: seal.p, reason: expect.stringMatching(/^seal 1: /) });
  });

  it('the newest seal made unreadable', async () => {
    const { sql, verify } = await sealedLedger();
    const [seal] = await sql(
      `update event_store.events set data = jsonb_set(data, '{checkpoint}', '"nowhere"') where stream_id = $1 and stream_version = 4
       returning global_position::text as p`,
      [AUDIT_SEALS_STREAM],
    );
    expect(await verify()).toMatchObject({ ok: false, firstBadPosition: seal.p, reason: 'seal 4: the seal event is not a well-formed seal' });
  });

  it('a seal deleted', async () => {
    const { sql, verify } = await sealedLedger();
    await sql(`delete from event_store.events where stream_id = $1 and stream_version = 1`, [AUDIT_SEALS_STREAM]);
    expect(await verify()).toMatchObject({ ok: false, reason: 'seal 1 is missing' });
  });

  it('an edited row under a chain recomputed and signed again with a key other than the audit key', async () => {
    const { store, positions, sql, verify } = await sealedLedger();
    await sql(`update event_store.events set data = jsonb_set(data, '{step}', '7') where global_position = $1`, [positions[1]]);
    // What someone with write access to the database can do: recompute the first seal over the
    // edited row, link it, and sign it with a key of their own.
    const [seal] = await sql(`select data from event_store.events where stream_id = $1 and stream_version = 0`, [AUDIT_SEALS_STREAM]);
    const data = seal.data as AuditBlockSealedData;
    const edited = await readLeafText(store.pool, positions[1]);
    const leaves = [...data.leaves];
    leaves[1] = leafHash(edited!.leafText).toString('hex');
    const forged = { ...data, leaves, merkleRoot: merkleRoot(leaves.map((l) => Buffer.from(l, 'hex'))).toString('hex') };
    const sealHash = sealHashOf(forged);
    const signature = sign(null, Buffer.from(sealHash, 'hex'), newKey().privateKey).toString('base64');
    await sql(`update event_store.events set data = $2 where stream_id = $1 and stream_version = 0`, [AUDIT_SEALS_STREAM, { ...forged, sealHash, signature }]);
    expect(await verify()).toMatchObject({ ok: false, reason: 'seal 0: its signature does not verify with the audit sealing key' });
  });
});

describe('the audit sealer', () => {
  const freshStore = async (label: string) => {
    const database = await createTestDatabase(label);
    const store = await PostgresEventStore.connect({ connectionString: database.url, pool: { max: 4 } });
    open.push({ database, store } as Ledger);
    return store;
  };

  it('seals a block as soon as it holds blockSize events, and keeps the rest for later', async () => {
    const store = await freshStore('audit_sealer_count');
    await appendHistory(store, 3, 4);
    const sealer = new AuditSealer(store, sealKey, { blockSize: 5, intervalMs: 60_000, clock: new TestClock() });
    const first = await sealer.sealDue();
    const second = await sealer.sealDue();
    expect(await sealer.sealDue()).toBeUndefined();
    expect(first).toMatchObject({ sequence: 0, count: 5, previousSealHash: '0'.repeat(64) });
    expect(second).toMatchObject({ sequence: 1, count: 5, previousSealHash: first!.sealHash });
    const [stored] = await store.readStream(AUDIT_SEALS_STREAM, { untilVersion: 0 });
    expect(stored).toMatchObject({ type: AUDIT_BLOCK_SEALED, data: first, metadata: { actor: { client: 'audit-sealer' } } });
    // 12 events; two blocks of 5, then the first seal event waits with the last two.
    expect(await auditChainStatus(store.pool)).toMatchObject({ seals: 2, sealedThrough: second!.lastPosition, unsealedEvents: 4 });
  });

  it('seals what has waited the interval, running in the background', async () => {
    const store = await freshStore('audit_sealer_time');
    const sealer = new AuditSealer(store, sealKey, { blockSize: 1000, intervalMs: 150 });
    sealer.start();
    try {
      await appendHistory(store, 1, 3);
      await waitUntil(async () => (await auditChainStatus(store.pool)).seals === 1, { what: 'a seal on time' });
      await appendHistory(store, 1, 2, 'consent');
      await waitUntil(async () => (await auditChainStatus(store.pool)).seals === 2, { what: 'a second seal on time' });
    } finally {
      await sealer.stop();
    }
    const result = await verifyAuditChain(store.pool, sealKey.publicKey);
    // The second block holds the first seal and the two consent events; the second seal waits.
    expect(result).toMatchObject({ ok: true, seals: 2, checkedEvents: 6, unsealedEvents: 1 });
  });

  it('never forks the chain when two sealers run at once', async () => {
    const store = await freshStore('audit_sealer_race');
    const other = await PostgresEventStore.connect({ connectionString: open.at(-1)!.database.url, pool: { max: 4 } });
    const sealers = [store, other].map((s) => new AuditSealer(s, sealKey, { blockSize: 4, intervalMs: 100 }));
    for (const sealer of sealers) sealer.start();
    try {
      await Promise.all([appendHistory(store, 4, 5, 'left'), appendHistory(other, 4, 5, 'right')]);
      await waitUntil(async () => (await auditChainStatus(store.pool)).unsealedEvents <= 1, { what: 'everything sealed', timeoutMs: 30_000 });
    } finally {
      await Promise.all(sealers.map((sealer) => sealer.stop()));
      await other.close();
    }
    const result = await verifyAuditChain(store.pool, sealKey.publicKey);
    expect(result).toMatchObject({ ok: true, unsealedEvents: 1 });
    expect(result.checkedEvents).toBe(40 + result.seals - 1);
  });
});

describe('inclusion proofs', () => {
  it('prove any sealed event offline, seal events included', async () => {
    const { store, positions, sql } = await sealedLedger();
    const [firstSeal] = await sql(`select global_position::text as p from event_store.events where stream_id = $1 and stream_version = 0`, [AUDIT_SEALS_STREAM]);
    for (const position of [positions[0], positions[12], positions[23], firstSeal.p as string]) {
      const proof = await buildInclusionProof(store.pool, sealKey.publicKeyPem, position);
      const check = checkInclusionProof(JSON.parse(JSON.stringify(proof)), sealKey.publicKeyPem);
      expect(check).toMatchObject({ valid: true, event: { globalPosition: position } });
    }
    const proof = await buildInclusionProof(store.pool, sealKey.publicKeyPem, positions[12]);
    expect(checkInclusionProof(proof, sealKey.publicKeyPem).event).toMatchObject({
      streamId: 'contract-0',
      streamVersion: 2,
      type: 'ContractReviewed',
      data: { contractId: 'contract-0', step: 2, fields: ['name', '姓名'] },
      metadata: { actor, correlationId: 'c-0-2' },
      recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
    });
  });

  it('refuse an unknown, unsealed, malformed or tampered position', async () => {
    const { store, positions, sql } = await sealedLedger();
    await expect(buildInclusionProof(store.pool, sealKey.publicKeyPem, '999999')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(buildInclusionProof(store.pool, sealKey.publicKeyPem, 'abc')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const [newest] = await sql(`select global_position::text as p from event_store.events order by transaction_id desc, global_position desc limit 1`);
    await expect(buildInclusionProof(store.pool, sealKey.publicKeyPem, newest.p as string)).rejects.toThrow(/not sealed yet/);
    await sql(`update event_store.events set data = '{}' where global_position = $1`, [positions[3]]);
    await expect(buildInclusionProof(store.pool, sealKey.publicKeyPem, positions[3])).rejects.toThrow(EventNoLongerSealed);
  });
});

describe('the audit commands', () => {
  const capture = () => {
    const sink = { text: '', write: (chunk: string) => ((sink.text += chunk), true) };
    return sink as typeof sink & CliOutput;
  };
  const env = { SHUZHI_AUDIT_SEAL_PUBLIC_KEY: sealKey.publicKeyPem };

  it('verify exits 0 on a clean log and 1 naming the position once a row is edited', async () => {
    const { store, positions, sql } = await sealedLedger();
    const out = capture();
    const progressOut = capture();
    expect(await verifyCommand([], { store }, createCliProgress(progressOut), { env, out })).toBe(0);
    expect(out.text).toBe('25 events checked under 5 seals, sealed through position ' + (await auditChainStatus(store.pool)).sealedThrough + '; 4 events not sealed yet\nthe audit chain holds\n');
    expect(progressOut.text).toMatch(/^verifying the audit chain: 0\/25 \(0%\), \d+\/s, ETA \?\n(.*\n)*verifying the audit chain: 25\/25 \(100%\)/);

    await sql(`update event_store.events set data = '{}' where global_position = $1`, [positions[20]]);
    const after = capture();
    expect(await verifyCommand(['--json'], { store }, createCliProgress(capture()), { env, out: after })).toBe(1);
    expect(JSON.parse(after.text)).toMatchObject({ ok: false, firstBadPosition: positions[20] });
  });

  it('prove writes a proof that check-proof accepts offline against the published key, and check-proof refuses it altered', async () => {
    const { store, positions } = await sealedLedger();
    const dir = await mkdtemp(join(tmpdir(), 'audit-proof-'));
    try {
      const file = join(dir, 'proof.json');
      const keyFile = join(dir, 'audit-seal.pub.pem');
      const out = capture();
      expect(await proveCommand([positions[6], '--out', file], { store }, { env, out })).toBe(0);
      expect(out.text).toBe(`proof of the event at position ${positions[6]} written to ${file}\n`);
      expect(await publicKeyCommand(['--out', keyFile], { env, out: capture() })).toBe(0);
      expect(await readFile(keyFile, 'utf8')).toBe(sealKey.publicKeyPem);

      const checked = capture();
      expect(await checkProofCommand([file, '--public-key', keyFile], { out: checked })).toBe(0);
      expect(checked.text).toMatch(
        new RegExp(`^event ${positions[6]}: ContractReviewed on contract-0 version 1, recorded .*\\nseal 1, sealed .*\\ntrusted key: sha256:[0-9a-f]{64} .*\\nthe proof holds\\n$`),
      );

      await writeFile(file, (await readFile(file, 'utf8')).replace('\\"step\\": 1', '\\"step\\": 2'));
      const refused = capture();
      expect(await checkProofCommand([file, '--public-key', keyFile], { out: refused })).toBe(1);
      expect(refused.text).toContain('INVALID: the leaf hash is not the hash of the leaf text');

      const err = capture();
      expect(await proveCommand(['999999'], { store }, { env, out: capture(), err })).toBe(1);
      expect(err.text).toBe('no proof: there is no event at position 999999\n');
      expect(await checkProofCommand([join(dir, 'missing.json'), '--public-key', keyFile], { out: capture(), err: capture() })).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('check-proof refuses a proof re-signed with an attacker’s key that carries the attacker’s key, and a check without a trusted key', async () => {
    const { store, positions } = await sealedLedger();
    const dir = await mkdtemp(join(tmpdir(), 'audit-forged-proof-'));
    try {
      const proof = await buildInclusionProof(store.pool, sealKey.publicKeyPem, positions[6]);
      // The forger edits the event, rebuilds the one-leaf block around it, and signs that with a key of their own.
      const attacker = newKey();
      const leafText = proof.leafText.replace('"step": 1', '"step": 100');
      expect(leafText).not.toBe(proof.leafText);
      const leaf = leafHash(leafText);
      const header = { ...JSON.parse(proof.seal.headerText), positionRuns: [[positions[6], 1]], count: 1, merkleRoot: merkleRoot([leaf]).toString('hex') };
      const sealHash = sealHashOf(header);
      const forged = {
        ...proof,
        leafText,
        leafHash: leaf.toString('hex'),
        leafIndex: 0,
        treeSize: 1,
        path: [],
        seal: { ...proof.seal, headerText: sealHeaderText(header), sealHash, signature: sign(null, Buffer.from(sealHash, 'hex'), attacker.privateKey).toString('base64') },
        publicKeyPem: attacker.publicKeyPem,
      };
      const file = join(dir, 'forged.json');
      const trusted = join(dir, 'audit-seal.pub.pem');
      const attackers = join(dir, 'attacker.pub.pem');
      await writeFile(file, JSON.stringify(forged));
      await writeFile(trusted, sealKey.publicKeyPem);
      await writeFile(attackers, attacker.publicKeyPem);
      // Sound in itself: only the trusted key tells it apart.
      expect(await checkProofCommand([file, '--public-key', attackers], { out: capture() })).toBe(0);

      const refused = capture();
      expect(await checkProofCommand([file, '--public-key', trusted], { out: refused })).toBe(1);
      expect(refused.text).toContain('INVALID: the seal’s signature does not verify with the trusted public key\n');
      expect(refused.text).toContain('INVALID: the proof names a signing key other than the trusted one\n');
      expect(refused.text).not.toContain('the proof holds');

      const noKey = capture();
      expect(await checkProofCommand([file], { out: capture(), err: noKey })).toBe(2);
      expect(noKey.text).toMatch(/^--public-key is required: a proof is checked against the key you trust/);
      const privateKeyFile = join(dir, 'private.pem');
      await writeFile(privateKeyFile, attacker.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
      const privateKey = capture();
      expect(await checkProofCommand([file, '--public-key', privateKeyFile], { out: capture(), err: privateKey })).toBe(2);
      expect(privateKey.text).toContain('is not a public key PEM');
      expect(await checkProofCommand([file, '--public-key', join(dir, 'missing.pem')], { out: capture(), err: capture() })).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
