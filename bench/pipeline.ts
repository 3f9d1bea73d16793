/**
 * `npm run bench:pipeline`: what the pipeline adds around the renderer, on real processes over
 * loopback (the same topology as production, on one machine).
 *
 * 1. Overhead: a 5 s 640×360 movie, from the client starting its POST to the bridge storing `done`
 *    (the row's update time, same machine clock; the client polls every 100 ms only to know when to
 *    stop, so polling neither adds latency nor steals CPU from ffmpeg), minus the renderer's own time
 *    for that render (its reported rendering time: job start → finished file).
 *    p50/p99 over BENCH_RUNS runs (default 50) on `reelay start` (bridge + in-process renderer).
 *    The renderer alone (renderMovie in this process, same movie) is measured too, for reference.
 * 2. Enqueue → start with an idle worker: Bull's `processedOn − timestamp` of each of those jobs.
 * 3. Throughput: 20 small movies (160×90, 1 s) on `reelay bridge` + 1, then 2 `reelay renderer`
 *    processes; wall time from the first POST to the last done.
 * 4. Frame preview (bench/preview-frame.ts): one 1080p frame as a PNG with warm caches, in this process
 *    and over HTTP from `reelay bridge` (what the dashboard's editor waits for).
 * Results are printed and written to bench/results/pipeline.json.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import Bull from 'bull';
import { renderMovie } from '../renderer/src/render/render-movie';
import { previewLatency, previewLatencyOverHttp } from './preview-frame';
import { createInstall, REDIS_URL, tinyMovie, type Install } from '../test/e2e/harness';

const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const THROUGHPUT_MOVIES = Number(process.env.BENCH_THROUGHPUT_MOVIES ?? 20);

const fiveSeconds = (i: number) => ({
  resolution: 'sd',
  quality: 'medium',
  cache: false,
  scenes: [
    { 'background-color': '#1e3a8a', duration: 2.5, elements: [{ type: 'text', text: `run ${i}`, settings: { 'font-size': 48, color: '#ffffff' } }] },
    { 'background-color': '#0f766e', duration: 2.5, transition: { style: 'fade', duration: 0.5 }, elements: [{ type: 'text', text: 'pipeline', settings: { 'font-size': 40 } }] },
  ],
});

function pct(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const ms = (v: number) => `${v.toFixed(1)} ms`;

async function postAndWait(install: Install, body: unknown, pollMs = 100): Promise<{ project: string; wallMs: number; movie: Record<string, unknown> }> {
  const t0 = Date.now();
  const res = await install.api('POST', '/v2/movies', { body });
  if (res.status !== 200) throw new Error(`POST failed: ${res.status} ${JSON.stringify(res.body)}`);
  const project: string = res.body.project;
  for (;;) {
    const st = await install.api('GET', `/v2/movies?project=${project}`);
    const movie = st.body.movie;
    if (movie.status === 'done') return { project, wallMs: doneAt(install, project) - t0, movie };
    if (movie.status === 'error') throw new Error(`render failed: ${movie.message}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** When the bridge stored `done` (its own clock, this machine's). */
function doneAt(install: Install, project: string): number {
  const db = new BetterSqlite3(path.join(install.dir, 'data', 'reelay.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('select updated_at from renders where project = ?').get(project) as { updated_at: string };
    return Date.parse(row.updated_at);
  } finally {
    db.close();
  }
}

async function rendererAlone(runs: number): Promise<number[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-bench-pipeline-'));
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const out = path.join(dir, `r${i}`);
      mkdirSync(out, { recursive: true });
      const t0 = performance.now();
      await renderMovie({ project: `alone${i}`, movie: fiveSeconds(i), outputDir: out, dataDir: dir, allowPrivateUrls: false });
      times.push(performance.now() - t0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

async function overheadAndLatency() {
  const install = await createInstall({ REELAY_LOG_LEVEL: 'warn', REELAY_RECONCILE_INTERVAL_SECONDS: '30' });
  const queue = new Bull('render', REDIS_URL, { prefix: install.prefix });
  try {
    await install.spawn('start');
    await postAndWait(install, fiveSeconds(-1)); // warm-up: fonts, ffmpeg, caches
    const overhead: number[] = [];
    const wall: number[] = [];
    const render: number[] = [];
    const enqueueToStart: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await postAndWait(install, fiveSeconds(i));
      const renderingMs = Number(r.movie.rendering_time) * 1000;
      wall.push(r.wallMs);
      render.push(renderingMs);
      overhead.push(r.wallMs - renderingMs);
      const job = await queue.getJob(r.project);
      if (job?.processedOn) enqueueToStart.push(job.processedOn - job.timestamp);
      await new Promise((res) => setTimeout(res, 50)); // the worker is idle again before the next enqueue
    }
    return { wall, render, overhead, enqueueToStart };
  } finally {
    await queue.close();
    await install.stop();
  }
}

async function throughput(renderers: number): Promise<number> {
  const install = await createInstall({ REELAY_LOG_LEVEL: 'warn', REELAY_RECONCILE_INTERVAL_SECONDS: '30' });
  try {
    await install.spawn('bridge');
    for (let i = 0; i < renderers; i++) await install.spawn('renderer');
    await postAndWait(install, tinyMovie('warm-up')); // each process loads its code before timing
    const t0 = Date.now();
    const projects: string[] = [];
    for (let i = 0; i < THROUGHPUT_MOVIES; i++) projects.push((await install.api('POST', '/v2/movies', { body: tinyMovie(`tp ${renderers} ${i}`) })).body.project);
    for (const p of projects) await install.waitFor(p, ['done'], 300000);
    return Math.max(...projects.map((p) => doneAt(install, p))) - t0;
  } finally {
    await install.stop();
  }
}

async function main() {
  console.log(`bench:pipeline — ${RUNS} runs of a 5 s 640×360 movie; throughput of ${THROUGHPUT_MOVIES} movies (160×90, 1 s); ${os.cpus().length} CPUs`);
  const alone = await rendererAlone(Math.min(5, RUNS));
  const { wall, render, overhead, enqueueToStart } = await overheadAndLatency();
  const one = await throughput(1);
  const two = await throughput(2);
  const preview = await previewLatency(Math.min(20, RUNS));
  const previewHttp = await previewLatencyOverHttp(Math.min(20, RUNS));
  const results = {
    runs: RUNS,
    rendererAloneMs: { p50: pct(alone, 50) },
    postToDoneMs: { p50: pct(wall, 50), p99: pct(wall, 99) },
    reportedRenderingMs: { p50: pct(render, 50), p99: pct(render, 99) },
    overheadMs: { p50: pct(overhead, 50), p99: pct(overhead, 99), p50VsRendererAlone: pct(wall, 50) - pct(alone, 50) },
    enqueueToStartMs: { p50: pct(enqueueToStart, 50), p99: pct(enqueueToStart, 99), samples: enqueueToStart.length },
    throughput: {
      movies: THROUGHPUT_MOVIES,
      oneRenderer: { wallMs: one, perMinute: (THROUGHPUT_MOVIES / one) * 60000 },
      twoRenderers: { wallMs: two, perMinute: (THROUGHPUT_MOVIES / two) * 60000 },
      speedup: one / two,
    },
    previewFrameMs: preview,
    previewOverHttpMs: previewHttp,
  };
  console.log(`renderer alone (renderMovie, same movie)  p50 ${ms(results.rendererAloneMs.p50)}`);
  console.log(`POST → done stored by the bridge          p50 ${ms(results.postToDoneMs.p50)}  p99 ${ms(results.postToDoneMs.p99)}`);
  console.log(`renderer's reported time in the pipeline  p50 ${ms(results.reportedRenderingMs.p50)}  p99 ${ms(results.reportedRenderingMs.p99)}`);
  console.log(`pipeline overhead (POST→done − render)    p50 ${ms(results.overheadMs.p50)}  p99 ${ms(results.overheadMs.p99)}   (goal ≤ 300 ms p50)`);
  console.log(`  vs the renderer alone: p50 POST→done − p50 renderMovie = ${ms(results.overheadMs.p50VsRendererAlone)}`);
  console.log(`enqueue → start, idle worker (Bull)       p50 ${ms(results.enqueueToStartMs.p50)}  p99 ${ms(results.enqueueToStartMs.p99)}   (goal ≤ 50 ms p50)`);
  console.log(`throughput, ${THROUGHPUT_MOVIES} small movies: 1 renderer ${(one / 1000).toFixed(2)} s (${results.throughput.oneRenderer.perMinute.toFixed(0)}/min), 2 renderers ${(two / 1000).toFixed(2)} s (${results.throughput.twoRenderers.perMinute.toFixed(0)}/min), ×${results.throughput.speedup.toFixed(2)}`);
  console.log(`frame preview, 1080p image + video + 2 texts, warm cache: p50 ${ms(preview.p50)}  p95 ${ms(preview.p95)}  CPU p50 ${ms(preview.cpuP50)}   (goal ≤ 400 ms p50)`);
  console.log(`  the same over HTTP (POST /v2/movies/preview on reelay bridge): p50 ${ms(previewHttp.p50)}  p90 ${ms(previewHttp.p90)}`);
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'pipeline.json'), JSON.stringify({ at: new Date().toISOString(), ...results }, null, 2));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
