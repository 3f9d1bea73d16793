/**
 * Hardening of the renderer's runtime against movies an attacker with a render key can send, each
 * replayed on real ffmpeg:
 *   1. a filter graph over Linux's 128 KiB per-argument cap (400 iterated scenes) renders: the graph
 *      goes in a file; a spawn that fails anyway (E2BIG) rejects the render, never the process;
 *   3. ffmpeg that stops making progress is killed after the stall limit: code `stalled`;
 *  11. ffmpeg over the memory budget is killed: code `memory_limit`, not retried; a huge JPEG is
 *      decoded at (about) the size it is shown;
 *   and work directories a crashed process left are swept, live ones kept.
 */
import Queue from 'bull';
import Redis from 'ioredis';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRenderWorker, RENDER_EVENTS_QUEUE, RENDER_QUEUE, renderCrashedMessage, renderJobOptions, type RenderEvent, type RenderJobData } from '../../renderer/src';
import type { FfmpegCommand } from '../../renderer/src/compile/command';
import { RenderError } from '../../renderer/src/errors';
import { renderMovie } from '../../renderer/src/render/render-movie';
import { residentBytes, runFfmpeg } from '../../renderer/src/run/ffmpeg';
import { sweepDeadChromiumProfiles, sweepStaleWorkDirs } from '../../renderer/src/run/workdirs';
import { serveDir, tmpDir, type AssetServer } from '../renderer/helpers';

jest.setTimeout(90_000);

const REDIS = 'redis://127.0.0.1:6379';
const dir = tmpDir('hardening-runtime');
const tmp = path.join(dir, 'tmp');
const media = path.join(dir, 'media');
let server: AssetServer;

const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
/** The directory of the filter graph file a running ffmpeg was given: the render's work directory. */
const graphFileOf = (pid: number) => {
  const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  return argv[argv.indexOf('-filter_complex_script') + 1];
};
const gone = (pid: number) => !existsSync(`/proc/${pid}`) || /State:\s+Z/.test(readProcStatus(pid));
function readProcStatus(pid: number): string {
  try {
    return execFileSync('cat', [`/proc/${pid}/status`], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

beforeAll(async () => {
  mkdirSync(tmp, { recursive: true });
  mkdirSync(media, { recursive: true });
  // 6000×6000 PNG: 108 MB decoded as rgb24. 8000×8000 JPEG: 96 MB decoded as yuv420p.
  ff(['-f', 'lavfi', '-i', 'testsrc2=s=6000x6000', '-frames:v', '1', path.join(media, 'big.png')]);
  ff(['-f', 'lavfi', '-i', 'testsrc2=s=8000x8000', '-frames:v', '1', '-q:v', '4', path.join(media, 'big.jpg')]);
  server = await serveDir(media);
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('1. a graph too long for one argument', () => {
  test('400 scenes (two scenes iterating over 200 items, a text {{item}} each) render, and no work directory is left', async () => {
    const items = Array.from({ length: 200 }, (_, i) => `item number ${i}`);
    const scene = (list: string) => ({ iterate: list, duration: 0.1, 'background-color': '#204080', elements: [{ type: 'text', text: '{{item}}', settings: { 'font-size': 8, color: '#ffffff' } }] });
    const movie = { resolution: 'custom', width: 96, height: 54, fps: 10, quality: 'low', cache: false, variables: { a: items, b: items }, scenes: [scene('a'), scene('b')] };
    let workDir = '';
    let graphBytes = 0;
    const r = await renderMovie({
      project: 'many-scenes', movie, outputDir: path.join(dir, 'out'), dataDir: path.join(dir, 'data'), allowPrivateUrls: true,
      onFfmpegStart: (pid) => {
        const file = graphFileOf(pid);
        workDir = path.dirname(file);
        graphBytes = statSync(file).size;
      },
    });
    expect(Math.abs(r.duration - 40)).toBeLessThanOrEqual(0.5);
    // Over the 128 KiB one argument may hold: as `-filter_complex GRAPH` this spawn failed with E2BIG.
    expect(graphBytes).toBeGreaterThan(128 * 1024);
    expect(path.basename(workDir)).toMatch(/^reelay-render-/);
    expect(existsSync(workDir)).toBe(false);
  });

  test('a command ffmpeg cannot even be started with (an argument over 128 KiB: E2BIG) rejects the render with ffmpeg_failed', async () => {
    const cmd: FfmpegCommand = {
      inputs: [],
      filterGraph: ['color=c=red:s=32x32:r=5:d=0.2[vout]'],
      outputOptions: ['-map', '[vout]', '-metadata', `comment=${'x'.repeat(200 * 1024)}`, '-f', 'mp4'],
      output: path.join(dir, 'e2big.mp4'),
      duration: 0.2,
    };
    const err = await runFfmpeg(cmd).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderError);
    expect(err).toMatchObject({ code: 'ffmpeg_failed', retryable: false, message: expect.stringContaining('command line is longer than the system allows') });
  });
});

describe('3. ffmpeg that makes no progress', () => {
  test('is killed after the stall limit and fails with code stalled', async () => {
    // An input that never delivers a byte: ffmpeg waits for ever, its output time never moves.
    const fifo = path.join(dir, 'never.fifo');
    execFileSync('mkfifo', [fifo]);
    let pid = 0;
    const started = Date.now();
    const err = await runFfmpeg(
      {
        inputs: [{ file: fifo, options: ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '16x16', '-r', '10'] }],
        filterGraph: ['[0:v]null[vout]'],
        outputOptions: ['-map', '[vout]', '-f', 'mp4'],
        output: path.join(dir, 'stalled.mp4'),
        duration: 10,
      },
      { stallSeconds: 1, onSpawn: (p) => (pid = p) },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'stalled', retryable: false, message: expect.stringContaining('no progress for 1 s') });
    expect(Date.now() - started).toBeLessThan(6000);
    expect(pid).toBeGreaterThan(0);
    expect(gone(pid)).toBe(true);
  });
});

describe('11. memory', () => {
  test('ffmpeg over the memory budget is killed and fails with code memory_limit', async () => {
    let pid = 0;
    const err = await runFfmpeg(
      {
        inputs: [{ file: path.join(media, 'big.png'), options: [] }],
        filterGraph: ['[0:v]scale=64:64,loop=loop=50:size=1:start=0[vout]'],
        outputOptions: ['-map', '[vout]', '-f', 'mp4'],
        output: path.join(dir, 'memory.mp4'),
        duration: 2,
      },
      { memoryMb: 64, onSpawn: (p) => (pid = p) },
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'memory_limit', retryable: false, message: expect.stringContaining('memory budget of 64 MB') });
    expect(gone(pid)).toBe(true);
  });

  test('a worker reports memory_limit once, without retrying the job', async () => {
    const prefix = `reelay-test-${randomBytes(4).toString('hex')}`;
    const worker = createRenderWorker({ redis: REDIS, prefix, dataDir: path.join(dir, 'data'), allowPrivateUrls: true, memoryMb: 64 });
    await worker.ready;
    const jobs = new Queue<RenderJobData>(RENDER_QUEUE, REDIS, { prefix });
    const events = new Queue<RenderEvent>(RENDER_EVENTS_QUEUE, REDIS, { prefix });
    const seen: RenderEvent[] = [];
    void events.process(async (job) => {
      seen.push(job.data);
    });
    try {
      const movie = { resolution: 'custom', width: 160, height: 90, fps: 10, quality: 'low', scenes: [{ duration: 1, elements: [{ type: 'image', src: `${server.url}/big.png` }] }] };
      await jobs.add({ project: 'p-memory', movie, output: { dir: path.join(dir, 'out-memory') } }, renderJobOptions('p-memory'));
      const deadline = Date.now() + 30_000;
      while (!seen.some((e) => e.type === 'error') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(seen.filter((e) => e.type === 'error')).toEqual([expect.objectContaining({ code: 'memory_limit', retryable: false })]);
      const job = (await jobs.getJob('p-memory'))!;
      expect(await job.getState()).toBe('failed');
      expect(job.attemptsMade).toBe(1);
    } finally {
      await worker.close();
      await jobs.close();
      await events.close();
      const redis = new Redis(REDIS);
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });

  test('an 8000×8000 JPEG shown at 320×180 is decoded at a fraction of its size (peak RSS well under a full decode)', async () => {
    let peak = 0;
    let timer: NodeJS.Timeout | undefined;
    const movie = { resolution: 'custom', width: 320, height: 180, fps: 10, quality: 'low', cache: false, scenes: [{ duration: 1, elements: [{ type: 'image', src: 'big.jpg', zoom: 3 }] }] };
    const r = await renderMovie({
      project: 'big-jpeg', movie, outputDir: path.join(dir, 'out'), dataDir: path.join(dir, 'data'), allowPrivateUrls: true, localBaseDir: media,
      onFfmpegStart: (pid) => {
        timer = setInterval(() => (peak = Math.max(peak, residentBytes(pid) ?? 0)), 20);
      },
    }).finally(() => clearInterval(timer));
    expect(r).toMatchObject({ width: 320, height: 180 });
    // A full decode holds 96 MB of picture alone (170 MB peak measured); at 1/8 it is 1.5 MB.
    expect(peak).toBeGreaterThan(0);
    expect(peak / 1024 / 1024).toBeLessThan(100);
  });
});

describe('1. a job whose workers keep dying', () => {
  test('failed by Bull as stalled too often (its earlier starts predate the start counter) is reported as render_crashed', async () => {
    const prefix = `reelay-test-${randomBytes(4).toString('hex')}`;
    const jobs = new Queue<RenderJobData>(RENDER_QUEUE, REDIS, { prefix, settings: { lockDuration: 300 } });
    const events = new Queue<RenderEvent>(RENDER_EVENTS_QUEUE, REDIS, { prefix });
    const redis = new Redis(REDIS);
    const seen: RenderEvent[] = [];
    void events.process(async (job) => {
      seen.push(job.data);
    });
    let worker: ReturnType<typeof createRenderWorker> | undefined;
    try {
      await jobs.add({ project: 'p-stalled', movie: {}, output: { dir: path.join(dir, 'out-stalled') } }, renderJobOptions('p-stalled'));
      // A renderer takes it and dies holding it (its lock lapses); three such deaths came before.
      expect((await jobs.getNextJob())?.id).toBe('p-stalled');
      await redis.hset(`${prefix}:render:p-stalled`, 'stalledCounter', '3');
      worker = createRenderWorker({ redis: REDIS, prefix, dataDir: path.join(dir, 'data'), allowPrivateUrls: true });
      await worker.ready;
      const deadline = Date.now() + 20_000;
      while (!seen.some((e) => e.type === 'error') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(seen).toEqual([expect.objectContaining({ type: 'error', code: 'render_crashed', retryable: false, message: renderCrashedMessage(4) })]);
      expect((await jobs.getJob('p-stalled'))?.failedReason).toBe('job stalled more than allowable limit');
    } finally {
      await worker?.close();
      await jobs.close();
      await events.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });
});

describe('work directories', () => {
  test('those of a dead process, older than the limit, are swept; live or recent ones stay', async () => {
    const make = (name: string, owner: string | undefined, ageMs: number) => {
      const d = path.join(tmp, `reelay-render-${name}`);
      mkdirSync(d);
      if (owner !== undefined) writeFileSync(path.join(d, '.owner'), owner);
      const t = (Date.now() - ageMs) / 1000;
      utimesSync(d, t, t);
      return d;
    };
    // A pid that is surely not running: a child that has exited.
    const dead = Number(execFileSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).trim());
    const host = os.hostname();
    const stale = make('stale', `${dead} ${host}`, 7200_000);
    const noOwner = make('no-owner', undefined, 7200_000);
    const live = make('live', `${process.pid} ${host}`, 7200_000);
    const recent = make('recent', `${dead} ${host}`, 1000);
    const removed = await sweepStaleWorkDirs(3600_000, Date.now(), tmp);
    expect(removed.sort()).toEqual([noOwner, stale].sort());
    expect(existsSync(live) && existsSync(recent)).toBe(true);
    rmSync(live, { recursive: true });
    rmSync(recent, { recursive: true });
  });

  test("Chromium profiles: unlocked or locked by a dead browser and older than a launch are swept, with dead singleton sockets; live or new ones stay", async () => {
    const dead = Number(execFileSync('sh', ['-c', 'echo $$'], { encoding: 'utf8' }).trim());
    const host = os.hostname();
    const profile = (name: string, lock: string | undefined, ageMs: number) => {
      const d = path.join(tmp, `playwright_chromiumdev_profile-${name}`);
      mkdirSync(d);
      if (lock !== undefined) symlinkSync(lock, path.join(d, 'SingletonLock'));
      const t = (Date.now() - ageMs) / 1000;
      utimesSync(d, t, t);
      return d;
    };
    const crashed = profile('crashed', `${host}-${dead}`, 120_000); // its lock outlived it
    const exited = profile('exited', undefined, 120_000); // Chromium removed its lock, Playwright never saw
    const live = profile('live', `${host}-${process.pid}`, 120_000);
    const elsewhere = profile('elsewhere', `another-host-${dead}`, 120_000);
    const launching = profile('launching', undefined, 1000); // made, its browser not yet started
    // Singleton socket folders: a killed Chromium's socket no one listens on (here a plain file, which
    // refuses connections the same way) goes; one a live process listens on stays.
    const socketDir = (name: string) => {
      const d = path.join(tmp, `org.chromium.Chromium.${name}`);
      mkdirSync(d);
      return d;
    };
    const killedSocket = socketDir('killed');
    writeFileSync(path.join(killedSocket, 'SingletonSocket'), '');
    const liveSocket = socketDir('live');
    const server = net.createServer((c) => c.destroy());
    await new Promise<void>((r) => server.listen(path.join(liveSocket, 'SingletonSocket'), r));
    for (const d of [killedSocket, liveSocket]) utimesSync(d, (Date.now() - 120_000) / 1000, (Date.now() - 120_000) / 1000);
    try {
      expect((await sweepDeadChromiumProfiles(tmp)).sort()).toEqual([crashed, exited, killedSocket].sort());
      expect([live, elsewhere, launching, liveSocket].every((d) => existsSync(d))).toBe(true);
    } finally {
      await new Promise((r) => server.close(r));
    }
    for (const d of [live, elsewhere, launching, liveSocket]) rmSync(d, { recursive: true, force: true });
  });
});
