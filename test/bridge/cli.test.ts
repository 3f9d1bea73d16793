/** The `reelay` CLI as users run it (a real process), and the first-start bootstrap. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { startBridge, testPrefix, type TestBridge } from '../helpers/bridge';
import { bootstrapDefaultAccount } from '../../bridge/src/bootstrap';
import { generateKey, hashKey } from '../../bridge/src/keys/format';
import { findKeyByHash } from '../../bridge/src/keys/repository';
import { openDb } from '../../bridge/src/store/db';

const BIN = path.resolve(__dirname, '../../bridge/bin/reelay.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-cli-'));
const prefix = testPrefix();
const env = { ...process.env, REELAY_DATA_DIR: dir, DATABASE_URL: '', REELAY_BOOTSTRAP_KEY: '', REELAY_QUEUE_PREFIX: prefix };

async function reelay(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [BIN, ...args], { env, timeout: 30000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`); // what `accounts credits` bumped
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

test('accounts create prints the id and the primary key once; credits --add/--set', async () => {
  const created = await reelay('accounts', 'create', '--name', 'acme', '--credits', '5');
  expect(created.code).toBe(0);
  const id = /account: (acct_\S+)/.exec(created.stdout)![1];
  const key = /(rly_[0-9A-Za-z]{36})/.exec(created.stdout)![1];
  const db = openDb({ kind: 'sqlite', file: path.join(dir, 'reelay.db') });
  try {
    expect(await findKeyByHash(db, hashKey(key))).toMatchObject({ account_id: id, is_primary: 1, account_credits: 5 });
  } finally {
    await db.destroy();
  }
  const added = await reelay('accounts', 'credits', id, '--add', '3');
  expect(added.stdout.trim()).toBe(`account ${id}: credits 5 → 8`);
  const set = await reelay('accounts', 'credits', id, '--set', 'unlimited');
  expect(set.stdout.trim()).toBe(`account ${id}: credits 8 → unlimited`);
  const both = await reelay('accounts', 'credits', id);
  expect(both.code).toBe(1);
  expect(both.stderr.trim()).toBe('reelay: give exactly one of --set N or --add N');
});

test('migrate applies the migrations and says so', async () => {
  const res = await reelay('migrate');
  expect(res).toMatchObject({ code: 0, stdout: 'reelay: store is up to date\n' });
  const key = await reelay('keys', 'generate');
  expect(key.stdout.trim()).toMatch(/^rly_[0-9A-Za-z]{36}$/);
});

test('a missing Redis is one line that says how to start one', async () => {
  const bad = await promisify(execFile)(process.execPath, [BIN, 'bridge'], { env: { ...env, REDIS_URL: 'redis://127.0.0.1:1' }, timeout: 30000 }).catch((e) => e);
  expect(bad.code).toBe(1);
  const lines = String(bad.stderr).trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^reelay: cannot reach Redis at redis:\/\/127\.0\.0\.1:1 .*redis-server/);
}, 40000);

test('a missing ffmpeg is one line that says how to get it, before anything starts', async () => {
  // a PATH with no ffmpeg or ffprobe on it (the CLI itself runs on process.execPath)
  const noTools = mkdtempSync(path.join(os.tmpdir(), 'reelay-no-ffmpeg-'));
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, [BIN, ...args], { env: { ...env, PATH: noTools, FFMPEG_PATH: '', FFPROBE_PATH: '' }, timeout: 30000 }).catch((e) => e);
  try {
    for (const [args, missing] of [[['start'], 'ffmpeg and ffprobe'], [['renderer'], 'ffmpeg and ffprobe'], [['bridge'], 'ffprobe'], [['render', '--local', 'movie.json'], 'ffmpeg and ffprobe']] as const) {
      const res = await run(...args);
      expect([args.join(' '), res.code]).toEqual([args.join(' '), 1]);
      expect(String(res.stdout)).toBe(''); // nothing started: no key printed, no listening line
      expect(String(res.stderr)).toBe(`reelay: ${missing} not found on PATH; install ffmpeg (Debian/Ubuntu: sudo apt-get install -y ffmpeg; macOS: brew install ffmpeg) or set ${missing === 'ffprobe' ? 'FFPROBE_PATH' : 'FFMPEG_PATH / FFPROBE_PATH'}\n`);
    }
  } finally {
    rmSync(noTools, { recursive: true, force: true });
  }
}, 60000);

test('accounts reset-primary replaces a lost primary; a running bridge refuses the old one at once', async () => {
  const bridge = await startBridge();
  try {
    expect((await bridge.request('GET', '/v2/account', { key: bridge.primaryKey })).status).toBe(200); // now cached
    const res = await promisify(execFile)(process.execPath, [BIN, 'accounts', 'reset-primary', bridge.account.id], {
      env: { ...env, REELAY_DATA_DIR: bridge.config.dataDir, REELAY_QUEUE_PREFIX: bridge.config.queuePrefix },
      timeout: 30000,
    });
    const key = /(rly_[0-9A-Za-z]{36})/.exec(res.stdout)![1];
    const old = await bridge.request('GET', '/v2/account', { key: bridge.primaryKey });
    expect([old.status, old.body.code]).toEqual([401, 'revoked_api_key']);
    const fresh = await bridge.request('GET', '/v2/auth/verify', { key });
    expect(fresh.body.key).toMatchObject({ isPrimary: true });
    const audit = await bridge.request('GET', '/v2/audit?event=key.primary_reset', { key });
    expect(audit.body.entries[0].details).toMatchObject({ via: 'cli', previousKeyIds: [bridge.primaryKeyId] });
  } finally {
    await bridge.stop();
  }
});

test('accounts credits on a running bridge: its next request shows the new balance (cached balances are invalidated)', async () => {
  const bridge = await startBridge();
  try {
    const account = async () => (await bridge.request('GET', '/v2/account', { key: bridge.primaryKey })).body.account.credits;
    expect(await account()).toBeNull(); // unlimited, and now cached
    const res = await promisify(execFile)(process.execPath, [BIN, 'accounts', 'credits', bridge.account.id, '--set', '7'], {
      env: { ...env, REELAY_DATA_DIR: bridge.config.dataDir, REELAY_QUEUE_PREFIX: bridge.config.queuePrefix },
      timeout: 30000,
    });
    expect(res.stdout.trim()).toBe(`account ${bridge.account.id}: credits unlimited → 7`);
    expect(await account()).toBe(7);
  } finally {
    await bridge.stop();
  }
});

describe('first start', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startBridge();
    // an empty store: remove the helper's account
    await bridge.services.db.deleteFrom('api_keys').execute();
    await bridge.services.db.deleteFrom('accounts').execute();
  });
  afterAll(() => bridge.stop());

  test('creates the default account once and prints its key; REELAY_BOOTSTRAP_KEY supplies it', async () => {
    const lines: string[] = [];
    const supplied = generateKey();
    await bootstrapDefaultAccount(bridge.services, { ...bridge.config, bootstrapKey: supplied }, (l) => lines.push(l));
    expect(lines.join('\n')).not.toContain(supplied);
    expect((await bridge.request('GET', '/v2/auth/verify', { key: supplied })).body.account.name).toBe('default');
    await bootstrapDefaultAccount(bridge.services, bridge.config, (l) => lines.push(l));
    expect(lines).toHaveLength(1); // second start: nothing created, nothing printed

    await bridge.services.db.deleteFrom('api_keys').execute();
    await bridge.services.db.deleteFrom('accounts').execute();
    const printed: string[] = [];
    await bootstrapDefaultAccount(bridge.services, { ...bridge.config, bootstrapKey: undefined }, (l) => printed.push(l));
    const key = printed.find((l) => l.startsWith('rly_'))!;
    expect((await bridge.request('GET', '/v2/auth/verify', { key })).status).toBe(200);
    // a non-empty store ignores the bootstrap key; an empty one refuses a malformed one
    await expect(bootstrapDefaultAccount(bridge.services, { ...bridge.config, bootstrapKey: 'rly_bad' }, () => undefined)).resolves.toBe(false);
    await bridge.services.db.deleteFrom('api_keys').execute();
    await bridge.services.db.deleteFrom('accounts').execute();
    await expect(bootstrapDefaultAccount(bridge.services, { ...bridge.config, bootstrapKey: 'rly_bad' }, () => undefined)).rejects.toThrow(/REELAY_BOOTSTRAP_KEY is not a valid Reelay key/);
  });
});
