/**
 * `npm start` as a new user runs it (issue 18, the one-machine path): the address printed is the one
 * bound, the demo movie renders on the first start only, and SIGTERM or SIGINT sent to the npm process
 * itself stops everything it started (npm, the script, node, esbuild), with nothing left in its session.
 * Uses the machine's Redis (127.0.0.1:6379) with a prefix of its own; the private-Redis path (no Redis
 * on the machine) runs inside a container in test/e2e/docker-stack.test.ts.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { freePort, REDIS_URL, ROOT } from './harness';

const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-npm-start-'));
const prefix = `reelay-test-npmstart-${process.pid}`;
let port = 0;

afterAll(async () => {
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<void>;
}

function npmStart(env: Record<string, string> = {}): Started {
  // detached: its own session, like a terminal's; the test then looks for anything left in it.
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, REELAY_DATA_DIR: path.join(dir, 'data'), PORT: String(port), REELAY_QUEUE_PREFIX: prefix, ...env },
  });
  let text = '';
  child.stdout!.on('data', (c: Buffer) => (text += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (text += c.toString()));
  return { child, output: () => text, exited: new Promise((resolve) => child.once('exit', () => resolve())) };
}

async function waitFor(started: Started, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(started.output())) {
    if (Date.now() > deadline) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${started.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Processes still in the session npm started (pid = session id). */
function leftIn(session: number): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '-s', String(session)]).toString().split('\n').filter(Boolean);
  } catch {
    return []; // ps exits 1 when it lists nothing
  }
}

async function stopsEverything(started: Started, signal: NodeJS.Signals): Promise<void> {
  const session = started.child.pid!;
  process.kill(session, signal);
  await started.exited;
  const deadline = Date.now() + 20_000;
  while (leftIn(session).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  expect(leftIn(session)).toEqual([]);
}

test('first start: the bound address, the demo movie; SIGTERM to npm stops all it started', async () => {
  port = await freePort();
  const first = npmStart();
  await waitFor(first, /demo movie ready/, 120_000);
  expect(first.output()).toContain(`reelay: bridge listening on http://127.0.0.1:${port} (store: sqlite`);
  await stopsEverything(first, 'SIGTERM');
}, 180_000);

test('a later start: no demo; REELAY_HOST=0.0.0.0 is printed as bound; SIGINT to npm stops all it started', async () => {
  const again = npmStart({ REELAY_HOST: '0.0.0.0', REELAY_PUBLIC_URL: `http://127.0.0.1:${port}` });
  await waitFor(again, /bridge listening on/, 60_000);
  expect(again.output()).toContain(`reelay: bridge listening on http://0.0.0.0:${port} (public URL http://127.0.0.1:${port})`);
  await new Promise((r) => setTimeout(r, 2000));
  expect(again.output()).not.toMatch(/demo movie/);
  expect(again.output()).not.toMatch(/rly_[0-9A-Za-z]{36}/); // the key was shown on the first start only
  await stopsEverything(again, 'SIGINT');
}, 120_000);
