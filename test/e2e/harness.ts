/**
 * Real Reelay processes on loopback for the pipeline's end-to-end tests: `reelay start`, `reelay
 * bridge` and `reelay renderer` spawned as child processes sharing one data directory (SQLite,
 * storage), one Redis prefix of their own, and a bootstrap key. Nothing is mocked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { generateKey } from '../../bridge/src/keys/format';
import { randomBase62 } from '../../bridge/src/ids';
import { NODE_FLAGS } from './node-flags';

export const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bridge/bin/reelay.js');
export const REDIS_URL = process.env.REELAY_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const HIGH = '100000/100000';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface ReelayProcess {
  name: string;
  child: ChildProcess;
  output: string[];
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Lines of JSON logs whose msg matches. */
  logs(msg: string): Array<Record<string, unknown>>;
}

export interface Install {
  dir: string;
  prefix: string;
  port: number;
  url: string;
  key: string;
  env: Record<string, string>;
  processes: ReelayProcess[];
  spawn(command: 'start' | 'bridge' | 'renderer', extraEnv?: Record<string, string>): Promise<ReelayProcess>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers of many shapes
  api(method: string, p: string, opts?: { key?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the movie status object
  waitFor(project: string, status: string[], timeoutMs?: number, key?: string): Promise<any>;
  flushRedis(): Promise<number>;
  stop(): Promise<void>;
}

export function waitForLine(proc: ReelayProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${proc.name} did not print ${pattern} within ${timeoutMs} ms:\n${proc.output.join('').slice(-3000)}`)), timeoutMs);
    const check = () => {
      if (proc.output.join('').match(pattern)) {
        clearTimeout(timer);
        resolve();
        return true;
      }
      return false;
    };
    if (check()) return;
    const onData = () => {
      if (check()) {
        proc.child.stdout?.off('data', onData);
        proc.child.stderr?.off('data', onData);
      }
    };
    proc.child.stdout?.on('data', onData);
    proc.child.stderr?.on('data', onData);
    proc.exited.then((code) => {
      clearTimeout(timer);
      if (!check()) reject(new Error(`${proc.name} exited (${code}) before printing ${pattern}:\n${proc.output.join('').slice(-3000)}`));
    });
  });
}

export async function createInstall(envOverrides: Record<string, string> = {}): Promise<Install> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-e2e-'));
  mkdirSync(path.join(dir, 'tmp'));
  const prefix = `reelay-test-${randomBase62(10).toLowerCase()}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const key = generateKey();
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.tmpdir(),
    PORT: String(port),
    REELAY_HOST: '127.0.0.1',
    REELAY_PUBLIC_URL: url,
    REELAY_DATA_DIR: path.join(dir, 'data'),
    // Render work dirs of processes killed mid-render (tests do that) go with the install's directory.
    TMPDIR: path.join(dir, 'tmp'),
    REDIS_URL,
    REELAY_QUEUE_PREFIX: prefix,
    REELAY_BOOTSTRAP_KEY: key,
    REELAY_ALLOW_PRIVATE_URLS: 'true',
    // Never the real Google Fonts from a test (renderer/src/fonts/google.ts).
    REELAY_GOOGLE_FONTS: 'off',
    REELAY_LOG_LEVEL: 'info',
    // logs() parses the JSON lines (console lines are JSON too then, with their text in msg)
    REELAY_LOG_FORMAT: 'json',
    REELAY_RECONCILE_INTERVAL_SECONDS: '1',
    REELAY_WEBHOOK_RETRY_SCHEDULE: '1,1,1',
    REELAY_RATE_LIMIT_RENDER: HIGH,
    REELAY_RATE_LIMIT_BATCH: HIGH,
    REELAY_RATE_LIMIT_READ: HIGH,
    REELAY_RATE_LIMIT_KEYS: HIGH,
    REELAY_RATE_LIMIT_OTHER: HIGH,
    REELAY_AUTH_FAILURE_LIMIT: HIGH,
    ...envOverrides,
  };
  const processes: ReelayProcess[] = [];
  let counter = 0;

  const install: Install = {
    dir,
    prefix,
    port,
    url,
    key,
    env,
    processes,
    async spawn(command, extraEnv = {}) {
      const child = spawn(process.execPath, [...NODE_FLAGS, BIN, command], { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      const output: string[] = [];
      child.stdout!.on('data', (c: Buffer) => output.push(c.toString()));
      child.stderr!.on('data', (c: Buffer) => output.push(c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const proc: ReelayProcess = {
        name: `${command}#${++counter}`,
        child,
        output,
        exited,
        async kill(signal = 'SIGTERM') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
        logs(msg) {
          return output
            .join('')
            .split('\n')
            .filter((l) => l.startsWith('{'))
            .map((l) => {
              try {
                return JSON.parse(l) as Record<string, unknown>;
              } catch {
                return {};
              }
            })
            .filter((o) => o.msg === msg);
        },
      };
      processes.push(proc);
      await waitForLine(proc, command === 'renderer' ? /renderer consuming queue/ : /bridge listening on/, 30000);
      return proc;
    },
    async api(method, p, opts = {}) {
      const headers: Record<string, string> = { 'x-api-key': opts.key ?? key, ...(opts.headers ?? {}) };
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      const send = () => fetch(url + p, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
      // A kept-alive socket the server closed while idle fails before the request is sent: send again once.
      const res = await send().catch((err: { cause?: { code?: string } }) => {
        if (err.cause?.code === 'UND_ERR_SOCKET') return send();
        throw err;
      });
      const text = await res.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
      return { status: res.status, body };
    },
    async waitFor(project, statuses, timeoutMs = 60000, k = key) {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      while (Date.now() < deadline) {
        try {
          const r = await install.api('GET', `/v2/movies?project=${project}`, { key: k });
          last = r.body;
          if (r.status === 200 && statuses.includes(r.body.movie.status)) return r.body.movie;
        } catch (err) {
          last = err; // the bridge may be restarting
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`${project} did not reach ${statuses.join('|')} within ${timeoutMs} ms; last: ${JSON.stringify(last)}`);
    },
    async flushRedis() {
      const redis = new Redis(REDIS_URL);
      let deleted = 0;
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) deleted += await redis.del(...keys);
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
      return deleted;
    },
    async stop() {
      for (const p of processes.splice(0).reverse()) await p.kill('SIGKILL');
      await install.flushRedis();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return install;
}

/** Pid of the ffmpeg a process started for a project (its output path holds the project id). */
export function ffmpegOf(parent: number, project: string): number | undefined {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parent) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (path.basename(argv[0]) === 'ffmpeg' && argv.some((a) => a.includes(project))) return Number(name);
    } catch {
      // exited meanwhile
    }
  }
  return undefined;
}

/** A tiny movie (160×90) that renders in well under a second. */
export function tinyMovie(text: string, seconds = 1, extra: Record<string, unknown> = {}) {
  return {
    resolution: 'custom',
    width: 160,
    height: 90,
    quality: 'low',
    cache: false,
    scenes: [{ 'background-color': '#204080', duration: seconds, elements: [{ type: 'text', text, settings: { 'font-size': 20, color: '#ffffff' } }] }],
    ...extra,
  };
}
