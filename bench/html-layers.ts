/**
 * Movie (d) of `npm run bench:render`: what the HTML engine costs.
 *   10 s at 1080p30: a video, two animated components, one static html card, three CSS texts.
 * Reelay renders it with a cold layer cache (the browser starts, every layer is drawn), against the
 * floor for compositing those layers: the same movie with each layer supplied as a ready-made
 * transparent video (qtrle) or PNG at the same place — what any engine must still decode and overlay.
 * Pairs alternate A/B (the machine's speed drifts); wall and CPU time (of every process, counted in a cgroup:
 * bench/tree-cpu.ts, the browser's included) are medians of the pair ratios. Goal: Reelay ≤ 1.5× the floor.
 * Then capture speed: frames per second per CPU core of the engine's capture of one animated layer (its
 * box only, Reelay's own document so frames outside the animation repeat) vs a naive full-page
 * screenshot per frame.
 *
 * `tsx bench/html-layers.ts` (BENCH_RUNS pairs, default 3), or from bench/render.ts with BENCH_CASES=d.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { browserMemoryMb, chromiumPath, closeBrowser } from '../renderer/src/html/browser';
import { capture } from '../renderer/src/html/capture';
import { BrowserSession } from '../renderer/src/html/session';
import { normalise } from '../renderer/src/normalise/normalise';
import { renderMovie } from '../renderer/src/render/render-movie';
import { validateMovie } from '../renderer/src/schema/validate';
import { NODE_FLAGS } from '../test/e2e/node-flags';
import { cpuSoFarS, runMeasured, type Measured } from './tree-cpu';

const WORK = path.join(os.tmpdir(), 'reelay-bench-html');
const MEDIA = path.join(WORK, 'media');
const DATA = path.join(WORK, 'data');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

/** The two animated components of movie (d). */
const COMPONENTS = [
  { type: 'component', component: 'basic/052', start: 0.5, duration: 8 },
  { type: 'component', component: 'advanced/001', start: 2, duration: 6 },
];

function movieD(): Record<string, unknown> {
  return {
    resolution: 'full-hd', fps: 30, quality: 'high',
    scenes: [{
      duration: 10,
      elements: [
        { type: 'video', src: 'clip.mp4', muted: true },
        ...COMPONENTS,
        { type: 'html', position: 'top-right', x: 0, y: 0, html: '<div style="margin:40px;padding:28px 36px;border-radius:20px;background:rgba(255,255,255,.92);font:600 40px/1.2 Inter,sans-serif;color:#111">Static card<br><small style="font-weight:400;font-size:28px">an html element</small></div>' },
        { type: 'text', text: 'Letter spacing', settings: { 'vertical-position': 'top', 'margin-top': '60px', 'font-size': '5vw', 'letter-spacing': '6px', 'text-shadow': '3px 3px 0 #000' } },
        { type: 'text', text: 'an uppercase caption', settings: { 'vertical-position': 'center', 'font-size': '64px', 'text-transform': 'uppercase', 'font-style': 'italic' } },
        { type: 'text', text: 'Jumping in', style: '005', settings: { 'vertical-position': 'bottom', 'margin-bottom': '240px', 'font-size': '80px', color: '#ffdd00' } },
      ],
    }],
  };
}

// ---------------------------------------------------------------- child: one render, measured by tree-cpu.ts
async function child(movieFile: string, out: string): Promise<void> {
  const started = performance.now();
  let browserPeakMb = 0;
  const sampler = setInterval(() => (browserPeakMb = Math.max(browserPeakMb, browserMemoryMb())), 100);
  await renderMovie({ project: path.basename(out, '.mp4'), movie: JSON.parse(readFileSync(movieFile, 'utf8')), outputDir: path.dirname(out), dataDir: DATA, allowPrivateUrls: false, localBaseDir: MEDIA });
  clearInterval(sampler);
  await closeBrowser();
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, nodeMaxRssKb: process.resourceUsage().maxRSS, browserPeakMb }) + '\n');
}

interface Sample {
  wallMs: number;
  /** Every process of the render, Chromium's included (tree-cpu.ts). */
  cpuS: number;
  cpuSource: Measured['cpuSource'];
  /** GNU time's largest process of those it waited for (ffmpeg or Node; not Chromium's helpers). */
  treeRssKb: number;
  nodeRssKb: number;
  /** The browser's private memory at its largest (RssAnon + RssShmem of its processes, sampled every 100 ms). */
  browserPeakMb: number;
}

function timedRender(movie: object, name: string): Sample {
  const file = path.join(WORK, `${name}.json`);
  writeFileSync(file, JSON.stringify(movie));
  const res = runMeasured('/usr/bin/time', ['-f', 'RSSKB=%M', process.execPath, ...NODE_FLAGS, '--require', 'tsx/cjs', __filename, '--child', file, path.join(WORK, 'out', `${name}.mp4`)]);
  if (res.status !== 0) throw new Error(`render ${name} failed: ${res.stderr.slice(-2000)}`);
  const m = /RSSKB=(\d+)/.exec(res.stderr);
  const line = JSON.parse(res.stdout.trim().split('\n').pop()!) as { nodeMaxRssKb: number; browserPeakMb: number };
  return { wallMs: res.wallMs, cpuS: res.cpuS, cpuSource: res.cpuSource, treeRssKb: Number(m?.[1] ?? 0), nodeRssKb: line.nodeMaxRssKb, browserPeakMb: line.browserPeakMb };
}

function ff(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/**
 * The floor: movie (d) with every browser-drawn element replaced by what the engine made of it, as a
 * transparent video (qtrle .mov) or a PNG, at the same place and time.
 */
async function floorMovie(): Promise<Record<string, unknown>> {
  const checked = validateMovie(movieD());
  if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
  const plan = await normalise(checked.movie, { workDir: path.join(WORK, 'work'), cacheDir: path.join(DATA, 'cache'), allowPrivateUrls: false, localBaseDir: MEDIA, connections: {}, signal: new AbortController().signal, output: path.join(WORK, 'unused.mp4') });
  await closeBrowser();
  const elements: object[] = [{ type: 'video', src: 'clip.mp4', muted: true }];
  for (const [i, layer] of plan.scenes[0].layers.entries()) {
    const input = plan.inputs[(layer.source as { input: number }).input];
    if (!input || input.file.endsWith('clip.mp4')) continue;
    const g = layer.geometry;
    const place = { x: g.x, y: g.y, width: g.width, height: g.height, resize: 'fill', start: layer.start, duration: layer.duration };
    if (input.pngFrames) {
      const mov = path.join(MEDIA, `layer${i}.mov`);
      ff(['-f', 'concat', '-safe', '0', '-i', input.file, '-vf', 'fps=30', '-c:v', 'qtrle', '-pix_fmt', 'argb', mov]);
      elements.push({ type: 'video', src: path.basename(mov), muted: true, ...place });
    } else {
      const png = path.join(MEDIA, `layer${i}.png`);
      ff(['-i', input.file, png]);
      elements.push({ type: 'image', src: path.basename(png), ...place });
    }
  }
  return { resolution: 'full-hd', fps: 30, quality: 'high', scenes: [{ duration: 10, elements }] };
}

/**
 * Frames per CPU-second: the engine's capture of one animated component vs a naive full-page
 * screenshot per frame. Run in a child of its own cgroup (tree-cpu.ts), which reads its cgroup's CPU
 * time around each: a page's renderer process ends when the page closes, and its CPU time with it
 * for anything reading live processes.
 */
function captureSpeed(): { engine: number; naive: number; frames: number } {
  const res = runMeasured(process.execPath, ['--require', 'tsx/cjs', __filename, '--capture-speed']);
  if (res.status !== 0) throw new Error(`capture speed failed: ${res.stderr.slice(-2000)}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as { engine: number; naive: number; frames: number };
}

async function captureSpeedChild(): Promise<void> {
  const cpu = cpuSoFarS;
  const doc = `<!doctype html><html><head><style>html,body{margin:0;background:transparent;width:1920px;height:1080px;overflow:hidden}
    .bar{position:absolute;left:80px;bottom:120px;width:900px;height:140px;background:#0e7c66;color:#fff;font:700 56px/140px Inter,sans-serif;padding-left:40px;animation:in 1s ease-out both,out 1s ease-in 9s both}
    @keyframes in{from{transform:translateX(-1000px)}to{transform:none}}@keyframes out{to{opacity:0}}</style></head><body><div class="bar">Lower third</div></body></html>`;
  const frames = 300;
  const session = new BrowserSession({ cacheDir: path.join(DATA, 'cache'), allowPrivateUrls: false });
  const req = { width: 1920, height: 1080, fps: 30, duration: 10, clip: 'content' as const, animated: true, onlyAnimationsMove: true, where: 'bench', path: 'bench' };
  // The browser is started (and warmed by one layer) before either is measured.
  await capture(session, { ...req, url: session.addDocument('warm', doc), out: path.join(WORK, 'speed-warm') });
  const e0 = cpu();
  await capture(session, { ...req, url: session.addDocument('speed', doc), out: path.join(WORK, 'speed') });
  const engineCpu = cpu() - e0;
  await session.close();
  await closeBrowser();
  // Naive: a fresh browser, the page's animations left to run in real time, one full-page PNG per frame.
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--headless', '--disable-gpu'], chromiumSandbox: false });
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.setContent(doc);
  const n0 = cpu();
  for (let i = 0; i < frames; i++) await page.screenshot({ type: 'png', omitBackground: true, fullPage: true });
  const naiveCpu = cpu() - n0;
  await browser.close();
  process.stdout.write(JSON.stringify({ engine: frames / engineCpu, naive: frames / naiveCpu, frames }) + '\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Microseconds this machine takes to give a process a fresh 4 KiB page (first write to new memory,
 * less a second write to it). Chromium's compositor reads every picture back into new buffers, so the
 * engine's CPU per picture grows with this, ffmpeg's (which pools its buffers) much less: the ratio to
 * the floor depends on the machine through it. Measured in a PVM guest: 11–15 µs; perf put a third
 * of the GPU process's samples in the kernel's fault path and another third in the copies that fault;
 * transparent huge pages made a full-page picture 1.6× cheaper there, movie (d) about 1.1×.
 */
function freshPageMicros(): number {
  const bytes = 64 << 20;
  const samples = Array.from({ length: 5 }, () => {
    const a = new Uint8Array(bytes);
    let t = performance.now();
    a.fill(1);
    const fresh = performance.now() - t;
    t = performance.now();
    a.fill(2);
    return ((fresh - (performance.now() - t)) * 1000) / (bytes / 4096);
  });
  return median(samples);
}

export async function benchHtmlLayers(): Promise<{ lines: string[]; results: Record<string, unknown> }> {
  mkdirSync(MEDIA, { recursive: true });
  mkdirSync(path.join(WORK, 'out'), { recursive: true });
  if (!existsSync(path.join(MEDIA, 'clip.mp4'))) ff(['-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=30', '-t', '10', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', path.join(MEDIA, 'clip.mp4')]);
  const floor = await floorMovie();
  const reelay: Sample[] = [];
  const base: Sample[] = [];
  const coldLayers = () => rmSync(path.join(DATA, 'cache', 'layers'), { recursive: true, force: true });
  timedRender(floor, 'floor-warmup');
  for (let i = 0; i < RUNS; i++) {
    const pair = [() => { coldLayers(); reelay.push(timedRender(movieD(), `reelay-${i}`)); }, () => base.push(timedRender(floor, `floor-${i}`))];
    if (i % 2 === 1) pair.reverse();
    for (const run of pair) run();
  }
  const wallRatio = median(reelay.map((r, i) => r.wallMs / base[i].wallMs));
  const cpuRatio = median(reelay.map((r, i) => r.cpuS / base[i].cpuS));
  const speed = captureSpeed();
  const pageMicros = freshPageMicros();
  const results = {
    reelayWallS: median(reelay.map((r) => r.wallMs)) / 1000, floorWallS: median(base.map((r) => r.wallMs)) / 1000, wallRatio, cpuRatio,
    reelayCpuS: median(reelay.map((r) => r.cpuS)), floorCpuS: median(base.map((r) => r.cpuS)),
    reelayNodeRssMb: Math.max(...reelay.map((r) => r.nodeRssKb)) / 1024, reelayTreeRssMb: Math.max(...reelay.map((r) => r.treeRssKb)) / 1024,
    browserPeakMb: Math.max(...reelay.map((r) => r.browserPeakMb)), cpuSource: reelay[0].cpuSource,
    captureFpsPerCore: speed.engine, naiveFpsPerCore: speed.naive, freshPageMicros: pageMicros,
  };
  const lines = [
    `(d) 10 s 1080p30, video + 2 animated components + html card + 3 CSS texts, cold layer cache, ${RUNS} pairs:`,
    `    Reelay ${results.reelayWallS.toFixed(2)} s wall, ${results.reelayCpuS.toFixed(1)} CPU s; floor (layers as ready-made transparent videos) ${results.floorWallS.toFixed(2)} s, ${results.floorCpuS.toFixed(1)} CPU s`,
    `    ratio wall ${wallRatio.toFixed(2)}×, CPU ${cpuRatio.toFixed(2)}× (goal ≤ 1.5×; CPU of every process, ${results.cpuSource === 'cgroup' ? 'counted in a cgroup' : 'the whole machine\'s: no cgroup could be made, right only on an idle machine'})`,
    `    Node peak RSS ${results.reelayNodeRssMb.toFixed(0)} MB (goal < 200); browser private memory at its peak ${results.browserPeakMb} MB; largest other process (ffmpeg) ${results.reelayTreeRssMb.toFixed(0)} MB`,
    `    capture of an animated 1080p layer: ${speed.engine.toFixed(1)} frames per CPU second vs ${speed.naive.toFixed(1)} for a full-page screenshot per frame (${(speed.engine / speed.naive).toFixed(1)}×)`,
    `    this machine gives a process fresh memory at ${pageMicros.toFixed(2)} µs per 4 KiB page: Chromium reads every picture back into new buffers, so the ratio above grows with it`,
  ];
  return { lines, results };
}

if (require.main === module) {
  if (process.argv[2] === '--capture-speed') {
    captureSpeedChild().catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  } else if (process.argv[2] === '--child') {
    child(process.argv[3], process.argv[4]).catch((err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  } else {
    benchHtmlLayers().then(({ lines }) => console.log(lines.join('\n')), (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  }
}
