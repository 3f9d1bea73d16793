/**
 * Movie (d) of `npm run bench:render`: what the HTML engine costs.
 *   10 s at 1080p30: a video, two animated components, one static html card, three CSS texts.
 * Reelay renders it with a cold layer cache (the browser starts, every layer is drawn), against the
 * floor for compositing those layers: the same movie with each layer supplied as a ready-made
 * transparent video (qtrle) or PNG at the same place — what any engine must still decode and overlay.
 * Pairs alternate A/B (the machine's speed drifts); wall and CPU time (user+sys of the process tree,
 * browser included) are medians of the pair ratios. Goal: Reelay ≤ 1.5× the floor.
 * Then capture speed: frames per second per CPU core of the engine's capture of one animated layer (its
 * box only, Reelay's own document so frames outside the animation repeat) vs a naive full-page
 * screenshot per frame.
 *
 * `tsx bench/html-layers.ts` (BENCH_RUNS pairs, default 3), or from bench/render.ts with BENCH_CASES=d.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { browserPids, chromiumPath, closeBrowser } from '../renderer/src/html/browser';
import { capture } from '../renderer/src/html/capture';
import { BrowserSession } from '../renderer/src/html/session';
import { normalise } from '../renderer/src/normalise/normalise';
import { renderMovie } from '../renderer/src/render/render-movie';
import { validateMovie } from '../renderer/src/schema/validate';

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

// ---------------------------------------------------------------- child: one render, timed by /usr/bin/time
async function child(movieFile: string, out: string): Promise<void> {
  const started = performance.now();
  await renderMovie({ project: path.basename(out, '.mp4'), movie: JSON.parse(readFileSync(movieFile, 'utf8')), outputDir: path.dirname(out), dataDir: DATA, allowPrivateUrls: false, localBaseDir: MEDIA });
  await closeBrowser();
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, nodeMaxRssKb: process.resourceUsage().maxRSS }) + '\n');
}

interface Sample { wallMs: number; cpuS: number; treeRssKb: number; nodeRssKb: number }

function timedRender(movie: object, name: string): Sample {
  const file = path.join(WORK, `${name}.json`);
  writeFileSync(file, JSON.stringify(movie));
  const started = performance.now();
  const res = spawnSync('/usr/bin/time', ['-f', 'RSSKB=%M CPU=%U+%S', process.execPath, '--require', 'tsx/cjs', __filename, '--child', file, path.join(WORK, 'out', `${name}.mp4`)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  if (res.status !== 0) throw new Error(`render ${name} failed: ${res.stderr.slice(-2000)}`);
  const m = /RSSKB=(\d+) CPU=([\d.]+)\+([\d.]+)/.exec(res.stderr);
  const line = JSON.parse(res.stdout.trim().split('\n').pop()!) as { nodeMaxRssKb: number };
  return { wallMs, cpuS: Number(m?.[2] ?? 0) + Number(m?.[3] ?? 0), treeRssKb: Number(m?.[1] ?? 0), nodeRssKb: line.nodeMaxRssKb };
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
      ff(['-f', 'concat', '-i', input.file, '-vf', 'fps=30', '-c:v', 'qtrle', '-pix_fmt', 'argb', mov]);
      elements.push({ type: 'video', src: path.basename(mov), muted: true, ...place });
    } else {
      const png = path.join(MEDIA, `layer${i}.png`);
      ff(['-i', input.file, png]);
      elements.push({ type: 'image', src: path.basename(png), ...place });
    }
  }
  return { resolution: 'full-hd', fps: 30, quality: 'high', scenes: [{ duration: 10, elements }] };
}

function cpuOfBrowser(): number {
  let ticks = 0;
  for (const pid of browserPids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone
    }
  }
  return ticks / 100;
}

/** Frames per CPU-second: the engine's capture of one animated component vs a naive full-page screenshot per frame. */
async function captureSpeed(): Promise<{ engine: number; naive: number; frames: number }> {
  const doc = `<!doctype html><html><head><style>html,body{margin:0;background:transparent;width:1920px;height:1080px;overflow:hidden}
    .bar{position:absolute;left:80px;bottom:120px;width:900px;height:140px;background:#0e7c66;color:#fff;font:700 56px/140px Inter,sans-serif;padding-left:40px;animation:in 1s ease-out both,out 1s ease-in 9s both}
    @keyframes in{from{transform:translateX(-1000px)}to{transform:none}}@keyframes out{to{opacity:0}}</style></head><body><div class="bar">Lower third</div></body></html>`;
  const frames = 300;
  const session = new BrowserSession({ cacheDir: path.join(DATA, 'cache'), allowPrivateUrls: false });
  const cpu0 = process.cpuUsage();
  const b0 = cpuOfBrowser();
  await capture(session, { url: session.addDocument('speed', doc), width: 1920, height: 1080, fps: 30, duration: 10, clip: 'content', animated: true, onlyAnimationsMove: true, where: 'bench', path: 'bench', out: path.join(WORK, 'speed') });
  const engineCpu = (process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6 + (cpuOfBrowser() - b0);
  await session.close();
  await closeBrowser();
  // Naive: a fresh browser, the page's animations left to run in real time, one full-page PNG per frame.
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--headless', '--disable-gpu'], chromiumSandbox: false });
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.setContent(doc);
  const n0 = process.cpuUsage();
  const nb0 = cpuOfBrowser();
  for (let i = 0; i < frames; i++) await page.screenshot({ type: 'png', omitBackground: true, fullPage: true });
  const naiveCpu = (process.cpuUsage(n0).user + process.cpuUsage(n0).system) / 1e6 + (cpuOfBrowser() - nb0);
  await browser.close();
  return { engine: frames / engineCpu, naive: frames / naiveCpu, frames };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

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
  const speed = await captureSpeed();
  const results = {
    reelayWallS: median(reelay.map((r) => r.wallMs)) / 1000, floorWallS: median(base.map((r) => r.wallMs)) / 1000, wallRatio, cpuRatio,
    reelayCpuS: median(reelay.map((r) => r.cpuS)), floorCpuS: median(base.map((r) => r.cpuS)),
    reelayNodeRssMb: Math.max(...reelay.map((r) => r.nodeRssKb)) / 1024, reelayTreeRssMb: Math.max(...reelay.map((r) => r.treeRssKb)) / 1024,
    captureFpsPerCore: speed.engine, naiveFpsPerCore: speed.naive,
  };
  const lines = [
    `(d) 10 s 1080p30, video + 2 animated components + html card + 3 CSS texts, cold layer cache, ${RUNS} pairs:`,
    `    Reelay ${results.reelayWallS.toFixed(2)} s wall, ${results.reelayCpuS.toFixed(1)} CPU s; floor (layers as ready-made transparent videos) ${results.floorWallS.toFixed(2)} s, ${results.floorCpuS.toFixed(1)} CPU s`,
    `    ratio wall ${wallRatio.toFixed(2)}×, CPU ${cpuRatio.toFixed(2)}× (goal ≤ 1.5×); Node peak RSS ${results.reelayNodeRssMb.toFixed(0)} MB (goal < 200), tree (incl. browser, ffmpeg is measured apart by time) ${results.reelayTreeRssMb.toFixed(0)} MB`,
    `    capture of an animated 1080p layer: ${speed.engine.toFixed(1)} frames per CPU second vs ${speed.naive.toFixed(1)} for a full-page screenshot per frame (${(speed.engine / speed.naive).toFixed(1)}×)`,
  ];
  return { lines, results };
}

if (require.main === module) {
  if (process.argv[2] === '--child') {
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
