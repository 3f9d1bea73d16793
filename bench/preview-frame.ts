/**
 * Frame preview latency (part of `npm run bench:pipeline`; alone: `bash scripts/run.sh tsx bench/preview-frame.ts`):
 * previewFrame (validate → normalise → compile → one PNG) of a 1080p scene with an image, a video
 * frame and two texts, assets served over loopback and already in the cache (warm), at times spread
 * over the movie. Goal (dashboard issue): p50 ≤ 400 ms. Alone it also measures the first way of drawing
 * the preview, alternately in the same run (BENCH_COMPARE=0: only today's). Both also measure the
 * frames as the dashboard's editor gets them, over HTTP from a real bridge (previewLatencyOverHttp).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { previewFrame } from '../renderer/src/render/preview';
import { createInstall } from '../test/e2e/harness';

export function previewMovie(base: string) {
  return {
    resolution: 'full-hd',
    scenes: [
      { duration: 2, 'background-color': '#202040', elements: [{ type: 'text', text: 'Opening', settings: { 'font-size': 64 } }] },
      {
        duration: 6,
        transition: { style: 'fade', duration: 0.5 },
        elements: [
          { type: 'image', src: `${base}/photo.jpg`, x: 0, y: 0, width: 1920, height: 1080 },
          { type: 'video', src: `${base}/clip.mp4`, x: 1100, y: 80, width: 720, height: 405, muted: true },
          // A text's box is the canvas height unless given: without one, y: 700 centres it off the frame.
          { type: 'text', text: 'Frame preview', y: 700, height: 120, settings: { 'font-size': 72, color: '#ffffff' } },
          { type: 'text', text: 'fast enough to edit by', y: 820, height: 80, settings: { 'font-size': 48, color: '#ffee88' } },
        ],
      },
    ],
  };
}

/** The scene's image and video, made by ffmpeg and served on loopback, and the movie naming them. */
async function previewAssets(): Promise<{ dir: string; server: http.Server; movie: ReturnType<typeof previewMovie> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-bench-preview-'));
  const assets = path.join(dir, 'assets');
  execFileSync('mkdir', ['-p', assets]);
  const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
  ff(['-f', 'lavfi', '-i', 'testsrc2=size=1920x1080', '-frames:v', '1', path.join(assets, 'photo.jpg')]);
  ff(['-f', 'lavfi', '-i', 'testsrc=size=1280x720:rate=30:duration=10', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', path.join(assets, 'clip.mp4')]);
  const server = http.createServer((req, res) => {
    const file = path.join(assets, path.basename(req.url ?? ''));
    createReadStream(file).on('error', () => res.writeHead(404).end()).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { dir, server, movie: previewMovie(`http://127.0.0.1:${(server.address() as AddressInfo).port}`) };
}

/**
 * The same frames as the editor asks for them: `POST /v2/movies/preview` on a real bridge (`reelay
 * bridge`, its own process, as a user runs it), timed by the client from request to the last byte of
 * the PNG: what a user waits for, key check, validation and HTTP included. Wall time only (the work
 * is in another process).
 */
export async function previewLatencyOverHttp(runs: number): Promise<{ p50: number; p90: number; coldMs: number; runs: number }> {
  const { dir, server, movie } = await previewAssets();
  const install = await createInstall({ REELAY_LOG_LEVEL: 'warn' });
  try {
    await install.spawn('bridge');
    const ask = async (time: number) => {
      const t0 = performance.now();
      const res = await fetch(`${install.url}/v2/movies/preview`, { method: 'POST', headers: { 'x-api-key': install.key, 'content-type': 'application/json' }, body: JSON.stringify({ movie, time }) });
      const png = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 || png.readUInt32BE(0) !== 0x89504e47) throw new Error(`preview failed: ${res.status} ${png.toString().slice(0, 300)}`);
      return performance.now() - t0;
    };
    const coldMs = await ask(4);
    const times: number[] = [];
    for (let i = 0; i < runs; i++) times.push(await ask((i * 0.37) % 8));
    return { p50: pct(times, 50), p90: pct(times, 90), coldMs, runs };
  } finally {
    await install.stop();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU milliseconds of this process and of its children that ended (ffmpeg): /proc/self/stat utime+stime, cutime+cstime. */
function cpuMs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}

const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

/** What one way of drawing the preview measured. */
export interface PreviewStats { p50: number; p90: number; p95: number; cpuP50: number; cpuP90: number }

function stats(times: number[], cpu: number[]): PreviewStats {
  return { p50: pct(times, 50), p90: pct(times, 90), p95: pct(times, 95), cpuP50: pct(cpu, 50), cpuP90: pct(cpu, 90) };
}

/** The preview as first built: the graph from the scene's start, PNG at zlib's default level. */
const BEFORE = { seek: false, compressionLevel: 6 };

/**
 * Wall times depend on what else the machine runs; the CPU time (this process plus ffmpeg) does not,
 * so both are reported: on an idle machine the wall time is about the CPU time over the cores ffmpeg uses.
 * With `compare`, the first way of drawing (BEFORE) runs alternately with today's at the same times,
 * so both see the same load.
 */
export async function previewLatency(runs: number, compare = false): Promise<PreviewStats & { coldMs: number; runs: number; before?: PreviewStats }> {
  const { dir, server, movie } = await previewAssets();
  try {
    const opts = { movie, dataDir: dir, allowPrivateUrls: true };
    const c0 = performance.now();
    await previewFrame({ ...opts, time: 4 });
    const coldMs = performance.now() - c0;
    const now = { times: [] as number[], cpu: [] as number[] };
    const before = { times: [] as number[], cpu: [] as number[] };
    const measure = async (into: typeof now, time: number, extra: object) => {
      const t0 = performance.now();
      const c0 = cpuMs();
      await previewFrame({ ...opts, ...extra, time });
      into.times.push(performance.now() - t0);
      into.cpu.push(cpuMs() - c0);
    };
    for (let i = 0; i < runs; i++) {
      const time = (i * 0.37) % 8;
      // Alternate which goes first, so neither always follows the other's warm-up.
      const order: [typeof now, object][] = i % 2 === 0 ? [[now, {}], [before, BEFORE]] : [[before, BEFORE], [now, {}]];
      for (const [into, extra] of order) if (compare || into === now) await measure(into, time, extra);
    }
    return { ...stats(now.times, now.cpu), coldMs, runs, ...(compare ? { before: stats(before.times, before.cpu) } : {}) };
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const line = (r: PreviewStats) => `p50 ${r.p50.toFixed(0)} ms  p90 ${r.p90.toFixed(0)} ms  CPU p50 ${r.cpuP50.toFixed(0)} ms  CPU p90 ${r.cpuP90.toFixed(0)} ms`;

if (require.main === module) {
  previewLatency(Number(process.env.BENCH_RUNS ?? 20), process.env.BENCH_COMPARE !== '0').then(async (r) => {
    console.log(`frame preview, 1080p image + video + 2 texts, warm cache, ${r.runs} frames (cold ${r.coldMs.toFixed(0)} ms; goal ≤ 400 ms p50)`);
    console.log(`  now:                               ${line(r)}`);
    if (r.before) console.log(`  before (scene from its start, zlib 6): ${line(r.before)}`);
    const h = await previewLatencyOverHttp(Number(process.env.BENCH_RUNS ?? 20));
    console.log(`  over HTTP (POST /v2/movies/preview on reelay bridge): p50 ${h.p50.toFixed(0)} ms  p90 ${h.p90.toFixed(0)} ms (cold ${h.coldMs.toFixed(0)} ms)`);
  }, (err) => {
    console.error(err);
    process.exit(1);
  });
}
