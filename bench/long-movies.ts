/**
 * Movie (e) of `npm run bench:render` (BENCH_CASES=e; `--quick` for a short version): long 720p30
 * slideshows (image scenes of 5.5 s with 0.5 s fades, a caption each, music) rendered in segments.
 *
 * 1. Peak memory at 2, 5 and 10 minutes (24, 60, 120 scenes; --quick: 1 and 2 minutes), rendered in
 *    one process as `reelay render --local` does: the resident memory of the whole process tree
 *    (Node + every ffmpeg at that instant, summed), sampled every 100 ms from /proc, and its largest
 *    single process. Goal: under 700 MB whatever the length.
 * 2. Wall time of the longest movie on the queue with 1 and with 2 renderer processes, each pinned to
 *    a core of its own with `taskset` (two one-core machines): from enqueue to the `done` event.
 *    Goal: 2 renderers ≤ 0.6× the time of 1.
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379); uses a prefix of its own and removes it.
 * BENCH_E_MINUTES=2,10 picks the lengths (the last one goes on the queue); BENCH_E_RENDERERS=0 skips the queue runs;
 * BENCH_E_LOG=1 prints the renderers' logs.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Bull from 'bull';
import Redis from 'ioredis';
import { RENDER_EVENTS_QUEUE, RENDER_QUEUE, renderJobOptions, type RenderEvent, type RenderJobData } from '../renderer/src/jobs/contract';
import { renderMovie } from '../renderer/src/render/render-movie';
import { createRenderWorker } from '../renderer/src/worker/render-worker';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** `minutes` of 720p30 slideshow: 5.5 s scenes overlapping by their 0.5 s fade, over the bench's 12 pictures. */
export function slideshow(minutes: number, baseUrl: string): object {
  const scenes = Math.round((minutes * 60) / 5);
  return {
    resolution: 'hd', fps: 30, quality: 'high',
    scenes: Array.from({ length: scenes }, (_, i) => ({
      duration: 5.5,
      ...(i > 0 ? { transition: { style: 'fade', duration: 0.5 } } : {}),
      elements: [
        { type: 'image', src: `${baseUrl}/img${String((i % 12) + 1).padStart(2, '0')}.jpg` },
        { type: 'text', text: `Slide number ${i + 1}`, position: 'bottom-center', height: 120, settings: { 'font-size': 48 } },
      ],
    })),
    elements: [{ type: 'audio', src: `${baseUrl}/music-long.m4a`, volume: 0.8, 'fade-out': 2, duration: -2 }],
  };
}

/** Resident bytes of a process and all its descendants, from /proc (Linux). */
function treeRss(root: number): { sum: number; largest: number } {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone
    }
  }
  const inTree = (pid: number): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parent.get(p) ?? 0, hops++) if (p === root) return true;
    return false;
  };
  let sum = 0;
  let largest = 0;
  for (const pid of parent.keys()) {
    if (!inTree(pid)) continue;
    try {
      const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      const rss = m ? Number(m[1]) * 1024 : 0;
      sum += rss;
      largest = Math.max(largest, rss);
    } catch {
      // gone
    }
  }
  return { sum, largest };
}

/** Samples the tree under `pid` every 100 ms until stopped; returns the peaks in MB. */
function sampler(pids: () => number[]): { stop(): { sumMb: number; largestMb: number } } {
  let sum = 0;
  let largest = 0;
  const t = setInterval(() => {
    let s = 0;
    for (const pid of pids()) {
      const r = treeRss(pid);
      s += r.sum;
      largest = Math.max(largest, r.largest);
    }
    sum = Math.max(sum, s);
  }, 100);
  return { stop: () => (clearInterval(t), { sumMb: Math.round(sum / 2 ** 20), largestMb: Math.round(largest / 2 ** 20) }) };
}

function waitExit(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

/** This file run again as a child (from the repository root, where tsx resolves), pinned to `cpu` when given. */
const tsx = (args: string[], env: NodeJS.ProcessEnv = process.env, cpu?: number) => {
  const argv = [process.execPath, '--require', 'tsx/cjs', __filename, ...args];
  const [cmd, ...rest] = cpu === undefined ? argv : ['taskset', '-c', String(cpu), ...argv];
  return spawn(cmd, rest, { env, cwd: path.resolve(__dirname, '..'), stdio: ['ignore', 'pipe', 'inherit'] });
};

/** Child: one local render (as `reelay render --local`), prints its timings. */
async function localChild(movieFile: string, outDir: string, dataDir: string): Promise<void> {
  const started = performance.now();
  let segments = 0;
  const r = await renderMovie({
    project: path.basename(movieFile, '.json'), movie: JSON.parse(readFileSync(movieFile, 'utf8')), outputDir: outDir, dataDir, allowPrivateUrls: true,
    logger: { info: (o: object) => void (segments = (o as { segments?: number }).segments ?? segments), warn: () => undefined, error: () => undefined, debug: () => undefined },
  });
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, duration: r.duration, segments }) + '\n');
}

/** Child: a renderer worker on the bench's prefix until SIGTERM. */
function rendererChild(prefix: string, dataDir: string): void {
  // BENCH_E_LOG=1: the renderers' log lines on stderr, with seconds since their start (who took which segment when).
  const t0 = performance.now();
  const line = (obj: object | string, msg?: string) => process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)}s pid ${process.pid} ${msg ?? ''} ${JSON.stringify(obj)}\n`);
  const logger = process.env.BENCH_E_LOG ? { info: line, warn: line, error: line, debug: () => undefined } : undefined;
  const worker = createRenderWorker({ redis: REDIS, prefix, dataDir, allowPrivateUrls: true, logger, segments: { maxScenes: Number(process.env.REELAY_RENDER_SEGMENT_SCENES) || undefined } });
  void worker.ready.then(() => process.stdout.write('ready\n'));
  process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
}

export interface LongMovieResults {
  memory: { minutes: number; scenes: number; segments: number; wallS: number; treePeakMb: number; largestProcessMb: number }[];
  renderers?: { minutes: number; one: number; two: number; ratio: number };
}

/** Renders with `count` renderer processes on cores 0..count-1; seconds from enqueue to done. */
async function onQueue(movie: object, count: number, work: string, outDir: string): Promise<{ seconds: number; peak: { sumMb: number; largestMb: number } }> {
  const prefix = `reelay-bench-${randomBytes(4).toString('hex')}`;
  const children = Array.from({ length: count }, (_, cpu) => tsx(['--renderer', prefix, path.join(work, 'data')], process.env, cpu));
  await Promise.all(children.map((c) => new Promise<void>((resolve) => c.stdout!.once('data', () => resolve()))));
  const jobs = new Bull<RenderJobData>(RENDER_QUEUE, REDIS, { prefix });
  const events = new Bull<RenderEvent>(RENDER_EVENTS_QUEUE, REDIS, { prefix });
  const project = `e-${count}`;
  const peak = sampler(() => children.map((c) => c.pid!));
  const started = performance.now();
  const done = new Promise<RenderEvent>((resolve, reject) => {
    void events.process(async (job) => {
      if (job.data.project !== project) return;
      if (job.data.type === 'done') resolve(job.data);
      if (job.data.type === 'error') reject(new Error(job.data.message));
    });
  });
  await jobs.add({ project, movie, output: { dir: outDir } }, renderJobOptions(project, 1));
  try {
    await done;
    return { seconds: (performance.now() - started) / 1000, peak: peak.stop() };
  } finally {
    peak.stop();
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map(waitExit));
    await jobs.close();
    await events.close();
    const redis = new Redis(REDIS);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
}

export async function benchLongMovies(work: string, mediaDir: string, quick: boolean, log: (line: string) => void): Promise<LongMovieResults> {
  const music = path.join(mediaDir, 'music-long.m4a');
  if (!existsSync(music)) spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=220:d=610', '-f', 'lavfi', '-i', 'sine=f=330:d=610', '-filter_complex', 'amix=inputs=2', '-c:a', 'aac', '-b:a', '128k', music]);
  // The renderers read assets over HTTP (only `reelay render --local` reads files): served on loopback.
  const server = http.createServer((req, res) => {
    const file = path.join(mediaDir, path.basename(new URL(req.url ?? '/', 'http://x').pathname));
    if (!existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    return await measure(work, baseUrl, quick, log);
  } finally {
    server.close();
  }
}

async function measure(work: string, baseUrl: string, quick: boolean, log: (line: string) => void): Promise<LongMovieResults> {
  // BENCH_E_MINUTES=2,10 picks the lengths; BENCH_E_RENDERERS=0 skips the queue runs.
  const lengths = process.env.BENCH_E_MINUTES ? process.env.BENCH_E_MINUTES.split(',').map(Number) : quick ? [1, 2] : [2, 5, 10];
  const outDir = path.join(work, 'out-e');
  const memory: LongMovieResults['memory'] = [];
  log(`(e) long 720p30 slideshows in segments${quick ? ' (--quick)' : ''}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at start`);
  for (const minutes of lengths) {
    const movie = slideshow(minutes, baseUrl);
    const file = path.join(work, `e-${minutes}min.json`);
    writeFileSync(file, JSON.stringify(movie));
    const child = tsx(['--local-render', file, outDir, path.join(work, 'data')]);
    const peak = sampler(() => [child.pid!]);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    if ((await waitExit(child)) !== 0) throw new Error(`the ${minutes}-minute render failed`);
    const p = peak.stop();
    const r = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; segments: number };
    const scenes = (movie as { scenes: unknown[] }).scenes.length;
    memory.push({ minutes, scenes, segments: r.segments || 1, wallS: r.ms / 1000, treePeakMb: p.sumMb, largestProcessMb: p.largestMb });
    log(`  ${minutes} min (${scenes} scenes, ${r.segments || 1} segment${r.segments > 1 ? 's' : ''}): peak RSS ${p.sumMb} MB for Node + ffmpeg together (largest process ${p.largestMb} MB), ${(r.ms / 1000).toFixed(1)} s`);
  }
  const longest = lengths[lengths.length - 1];
  if (process.env.BENCH_E_RENDERERS === '0') return { memory };
  const movie = slideshow(longest, baseUrl);
  // --quick: 2 minutes is only 2 segments by the memory budget; 6 scenes a segment gives the two renderers work to share.
  if (quick) process.env.REELAY_RENDER_SEGMENT_SCENES = '6';
  const one = await onQueue(movie, 1, work, outDir);
  log(`  ${longest} min on the queue, 1 renderer process (taskset core 0): ${one.seconds.toFixed(1)} s, peak RSS ${one.peak.sumMb} MB`);
  const two = await onQueue(movie, 2, work, outDir);
  log(`  ${longest} min on the queue, 2 renderer processes (cores 0 and 1): ${two.seconds.toFixed(1)} s, peak RSS ${two.peak.sumMb} MB (both) → ${(two.seconds / one.seconds).toFixed(2)}× the time of 1 (goal ≤ 0.6×)`);
  rmSync(outDir, { recursive: true, force: true });
  return { memory, renderers: { minutes: longest, one: one.seconds, two: two.seconds, ratio: two.seconds / one.seconds } };
}

if (process.argv[2] === '--local-render') {
  localChild(process.argv[3], process.argv[4], process.argv[5]).catch((err) => {
    process.stderr.write(String(err?.stack ?? err) + '\n');
    process.exit(1);
  });
} else if (process.argv[2] === '--renderer') {
  rendererChild(process.argv[3], process.argv[4]);
}
