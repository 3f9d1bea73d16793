/**
 * Finding 14: two installations on one Redis. Each installation (its own store) claims its Redis
 * prefix with an id kept in its store; a bridge, `reelay start` or renderer of another installation
 * refuses the prefix with one line that says to set REELAY_QUEUE_PREFIX, and never touches the
 * other's jobs. Processes of one installation share the id and all start. Real processes, real Redis,
 * SQLite and PostgreSQL.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import Redis from 'ioredis';
import { Client } from 'pg';
import { createInstall, freePort, REDIS_URL, ROOT, tinyMovie, type Install, type ReelayProcess } from '../e2e/harness';
import { PG_URL, testPrefix } from '../helpers/bridge';
import { claimKey, claimPrefix, conflictMessage, watchClaim } from '../../bridge/src/system/installation';

jest.setTimeout(120_000);

const BIN = path.join(ROOT, 'bridge/bin/reelay.js');
const REFUSAL = /^reelay: Redis prefix "([^"]+)" is claimed by another Reelay installation \((inst_\w+); this one is (inst_\w+)\): set REELAY_QUEUE_PREFIX to a prefix of this installation's own \(or, if that installation is gone for good, run `reelay installation release`\)$/m;

let redis: Redis;
const installs: Install[] = [];

beforeAll(() => {
  redis = new Redis(REDIS_URL);
});

afterAll(async () => {
  // Reverse order: the first install of a shared prefix flushes last.
  for (const i of installs.splice(0).reverse()) await i.stop();
  await redis.quit();
});

async function install(env: Record<string, string> = {}): Promise<Install> {
  const i = await createInstall(env);
  installs.push(i);
  return i;
}

/** Runs a short `reelay` command to its end. */
function run(i: Install, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...i.env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Spawns a process expected to refuse: returns it once it has exited. */
async function refused(i: Install, command: 'start' | 'bridge' | 'renderer'): Promise<{ proc: ReelayProcess; code: number | null; text: string }> {
  await expect(i.spawn(command)).rejects.toThrow(/exited \(1\) before printing/);
  const proc = i.processes[i.processes.length - 1];
  const code = await proc.exited;
  return { proc, code, text: proc.output.join('') };
}

function storeId(i: Install): string {
  const db = new BetterSqlite3(path.join(i.dir, 'data', 'reelay.db'), { readonly: true });
  try {
    return (db.prepare('select id from installation').get() as { id: string }).id;
  } finally {
    db.close();
  }
}

async function renderToDone(i: Install, text: string): Promise<void> {
  const res = await i.api('POST', '/v2/movies', { body: tinyMovie(text) });
  expect(res.status).toBe(200);
  const movie = await i.waitFor(res.body.project, ['done', 'error'], 60_000);
  expect(movie.status).toBe('done');
}

describe('two installations on one Redis prefix', () => {
  let first: Install;

  beforeAll(async () => {
    first = await install();
    await first.spawn('start');
  });

  test('a second `reelay start` with its own data dir refuses the prefix in one line; the first keeps rendering', async () => {
    const second = await install({ REELAY_QUEUE_PREFIX: first.prefix });
    const { code, text } = await refused(second, 'start');
    expect(code).toBe(1);
    const m = text.match(REFUSAL);
    expect(m).not.toBeNull();
    expect(m![1]).toBe(first.prefix);
    expect(m![2]).toBe(storeId(first));
    expect(m![3]).toBe(storeId(second));
    // one line, no stack trace
    expect(text.split('\n').filter((l) => l.startsWith('reelay:') || /^\s+at /.test(l))).toEqual([m![0]]);
    expect(await redis.get(claimKey(first.prefix))).toBe(storeId(first));
    await renderToDone(first, 'still mine');
  });

  test('a `reelay renderer` of another installation refuses the prefix and leaves its jobs alone', async () => {
    const other = await install({ REELAY_QUEUE_PREFIX: first.prefix });
    expect((await run(other, ['migrate'])).code).toBe(0); // its store exists: it knows its own id
    const { code, text } = await refused(other, 'renderer');
    expect(code).toBe(1);
    expect(text).toMatch(REFUSAL);
    expect(text).not.toMatch(/renderer consuming queue/);
    expect(await redis.get(claimKey(first.prefix))).toBe(storeId(first));
    await renderToDone(first, 'not yours');
  });

  test('a renderer with no store learns the installation from the claim; `installation show` and `release`', async () => {
    const storeless = mkdtempSync(path.join(os.tmpdir(), 'reelay-storeless-'));
    try {
      const env = { REELAY_DATA_DIR: storeless, REELAY_STORAGE_DIR: path.join(first.dir, 'data', 'storage') };
      const renderer = await first.spawn('renderer', env);
      expect(renderer.output.join('')).not.toMatch(/waiting for a bridge/);
      expect(renderer.output.join('')).toContain(`reelay: renderer of installation ${storeId(first)} (from the claim on the prefix: no store at ${path.join(storeless, 'reelay.db')})`);
      await renderer.kill();

      const shown = await run(first, ['installation', 'show']);
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain(`installation: ${storeId(first)}`);
      expect(shown.stdout).toContain(`claimed by: ${storeId(first)} (this installation)`);

      // Release hands the prefix over only once its holder stops: here the running bridge claims it
      // again on its next check, so take it right after releasing.
      const released = await run(first, ['installation', 'release']);
      expect(released.stdout.trim()).toBe(`reelay: released Redis prefix "${first.prefix}" (was claimed by ${storeId(first)})`);
      expect(await redis.get(claimKey(first.prefix))).toBeNull();
    } finally {
      await redis.set(claimKey(first.prefix), storeId(first));
      rmSync(storeless, { recursive: true, force: true });
    }
  });
});

test('three bridges of one installation (one new SQLite data dir) started together all start, with one claim', async () => {
  const one = await install();
  const ports = [await freePort(), await freePort()];
  // a new store: they race to create it (the losers' migrations roll back and are tried again)
  await Promise.all([one.spawn('bridge'), ...ports.map((p) => one.spawn('bridge', { PORT: String(p), REELAY_PUBLIC_URL: `http://127.0.0.1:${p}` }))]);
  expect(await redis.get(claimKey(one.prefix))).toBe(storeId(one));
  expect(storeId(one)).toMatch(/^inst_\w+$/);
  for (const p of ports) expect((await fetch(`http://127.0.0.1:${p}/healthz`)).status).toBe(200);
  // one default account, made once, its key the bootstrap key
  expect((await one.api('GET', '/v2/account')).status).toBe(200);
  const db = new BetterSqlite3(path.join(one.dir, 'data', 'reelay.db'), { readonly: true });
  try {
    expect(db.prepare('select count(*) as n from accounts').get()).toEqual({ n: 1 });
  } finally {
    db.close();
  }
});

test('bridges of one installation on PostgreSQL started together all start; another schema is refused', async () => {
  const schemaA = testPrefix().replace(/-/g, '_');
  const schemaB = testPrefix().replace(/-/g, '_');
  const pg = new Client({ connectionString: PG_URL });
  await pg.connect();
  const mine: Install[] = [];
  try {
    const a = await createInstall({ DATABASE_URL: PG_URL, REELAY_DATABASE_SCHEMA: schemaA });
    mine.push(a);
    const port2 = await freePort();
    await Promise.all([a.spawn('bridge'), a.spawn('bridge', { PORT: String(port2), REELAY_PUBLIC_URL: `http://127.0.0.1:${port2}` })]);
    const { rows } = await pg.query(`select id from "${schemaA}".installation`);
    expect(rows).toHaveLength(1);
    expect(await redis.get(claimKey(a.prefix))).toBe(rows[0].id);
    expect((await pg.query(`select count(*)::int as n from "${schemaA}".accounts`)).rows).toEqual([{ n: 1 }]);

    const b = await createInstall({ DATABASE_URL: PG_URL, REELAY_DATABASE_SCHEMA: schemaB, REELAY_QUEUE_PREFIX: a.prefix });
    mine.push(b);
    const { code, text } = await refused(b, 'bridge');
    expect(code).toBe(1);
    expect(text.match(REFUSAL)?.[2]).toBe(rows[0].id);
  } finally {
    // processes first: a schema is dropped once nothing uses it
    for (const i of mine.reverse()) await i.stop();
    for (const s of [schemaA, schemaB]) await pg.query(`drop schema if exists "${s}" cascade`);
    await pg.end();
  }
});

test('a running `reelay start` claims its prefix again after a flush, and stops with the refusal line once another installation holds it', async () => {
  const i = await install();
  const proc = await i.spawn('start');
  const id = storeId(i);
  await i.flushRedis(); // the claim and everything else gone
  await waitUntilAsync(async () => (await redis.get(claimKey(i.prefix))) === id, 10_000); // checked every 5 s
  await redis.set(claimKey(i.prefix), 'inst_someoneelse');
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([proc.exited, new Promise((r) => (timer = setTimeout(() => r('still running'), 10_000)))]);
  clearTimeout(timer);
  expect(code).toBe(1);
  const text = proc.output.join('');
  expect(text).toContain(`reelay: stopping: ${conflictMessage(i.prefix, id, 'inst_someoneelse')}\n`);
  expect(proc.logs('installation claim of the Redis prefix was gone (Redis flushed?): claimed it again')).toHaveLength(1);
});

describe('the periodic claim check', () => {
  const prefix = testPrefix();
  afterEach(() => redis.del(claimKey(prefix)));

  test('after a flush the first process to check claims the prefix again; a process that finds it taken is told once', async () => {
    expect(await claimPrefix(redis, prefix, 'inst_a')).toEqual({ holder: 'inst_a', claimedNow: true });
    expect(await claimPrefix(redis, prefix, 'inst_a')).toEqual({ holder: 'inst_a', claimedNow: false });
    expect(await claimPrefix(redis, prefix, 'inst_b')).toEqual({ holder: 'inst_a', claimedNow: false });

    const events: string[] = [];
    const stopA = watchClaim(redis, prefix, 'inst_a', { intervalMs: 20, onLost: (h) => events.push(`a lost to ${h}`), onReclaimed: () => events.push('a reclaimed') });
    try {
      await redis.del(claimKey(prefix)); // Redis flushed
      await waitUntil(() => events.includes('a reclaimed'));
      expect(await redis.get(claimKey(prefix))).toBe('inst_a');

      await redis.set(claimKey(prefix), 'inst_b'); // released, then taken by another installation
      await waitUntil(() => events.includes('a lost to inst_b'));
      await new Promise((r) => setTimeout(r, 100));
      expect(events).toEqual(['a reclaimed', 'a lost to inst_b']); // told once, then it stops watching
      expect(await redis.get(claimKey(prefix))).toBe('inst_b');
    } finally {
      stopA();
    }
    expect(conflictMessage(prefix, 'inst_a', 'inst_b')).toMatch(/set REELAY_QUEUE_PREFIX/);
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function waitUntilAsync(cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
