/**
 * `npm run bench:render`: Reelay's renderer against a hand-written single ffmpeg command that draws
 * the same picture with the same encoder settings (libx264 veryfast CRF 20, AAC 192k), and against
 * editly on the same movies when it is installed (`bash scripts/install-editly.sh`; REELAY_EDITLY_DIR,
 * default /opt/editly; it needs xvfb-run; REELAY_EDITLY_NODE picks the Node its canvas/gl modules were
 * built for — editly 0.14 under Node 24 exits 0 with most frames missing, so it is installed under
 * Debian's Node 20 for the comparison).
 * Reelay and the hand-written command: 5 back-to-back pairs (ratios are medians of the pairs);
 * editly: median of 3 runs; wall time, CPU seconds (of every process the run starts, counted in a
 * cgroup: bench/tree-cpu.ts; the steady measure when other work shares the cores) and peak RSS (GNU time's max RSS of the process tree, plus
 * the Node process's own peak for Reelay). BENCH_RUNS, BENCH_EDITLY_RUNS, BENCH_CASES=abcde and BENCH_EDITLY=0 narrow a run.
 * Encoder alone (median of BENCH_EDITLY_RUNS): the hand-written output re-encoded with the same settings
 * minus decoding it: what x264 and AAC take for the movie, the floor under any engine, so editly's
 * time over it is the largest "× faster than editly" these encoder settings allow.
 *
 * (a) 3 scenes × 5 s at full-hd 30 fps: image with slow zoom + title; trimmed video + lower third;
 *     colour background with two lines; 1 s fade transitions; music with fade-out.
 * (b) 60 s slideshow at hd 30 fps: 12 images with captions, 0.5 s fades, music.
 * (c) four video clips at hd 30 fps with wipe/circle/slide transitions and music.
 * (d) 10 s at 1080p30 with a video, two animated components, an html card and three CSS texts: the
 *     HTML engine against the same layers supplied as ready-made transparent videos (bench/html-layers.ts).
 * (e) long 720p30 slideshows (2, 5, 10 minutes; `--quick`: 1 and 2) rendered in segments: peak memory
 *     by length, and wall time on the queue with 1 and 2 renderer processes (bench/long-movies.ts).
 * editly renders all three with the same encoder settings (its own defaults are slower: preset
 * medium, CRF 18), so the comparison is of the engines, not of x264 presets; (a) is also rendered
 * with editly's own defaults, reported apart.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderMovie } from '../renderer/src/render/render-movie';
import { benchHtmlLayers } from './html-layers';
import { benchLongMovies } from './long-movies';
import { NODE_FLAGS } from '../test/e2e/node-flags';
import { runMeasured } from './tree-cpu';

const ROOT = path.resolve(__dirname, '..');
const WORK = path.join(os.tmpdir(), 'reelay-bench-render');
const MEDIA = path.join(WORK, 'media');
const OUT = path.join(WORK, 'out');
const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** editly takes 3–7× longer than the others: fewer runs of it. */
const EDITLY_RUNS = Number(process.env.BENCH_EDITLY_RUNS ?? 3);
const EDITLY_DIR = process.env.REELAY_EDITLY_DIR ?? '/opt/editly';
/** editly's native modules (canvas, gl) are built for one Node ABI; run it with that Node. */
const EDITLY_NODE = process.env.REELAY_EDITLY_NODE ?? process.execPath;
/**
 * Movies editly also renders with its own encoder defaults (BENCH_EDITLY_OWN_DEFAULTS, default "a"):
 * informational, to show where a "ten times" figure against editly as shipped comes from.
 */
const EDITLY_OWN_DEFAULTS = process.env.BENCH_EDITLY_OWN_DEFAULTS ?? 'a';
/** editly gets the same encoder settings (its own default is preset medium, CRF 18: slower). */
const EDITLY_ENCODE = ['-vf', 'format=yuv420p', '-c:v', 'libx264', '-preset:v', 'veryfast', '-crf', '20', '-c:a', 'aac', '-b:a', '192k', '-movflags', 'faststart'];
const ENCODE = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '192k', '-ar', '48000', '-movflags', '+faststart'];

// ---------------------------------------------------------------- child mode: one Reelay render
async function child(movieFile: string, out: string): Promise<void> {
  const started = performance.now();
  let timings = {};
  await renderMovie({
    project: path.basename(out, '.mp4'), movie: JSON.parse(readFileSync(movieFile, 'utf8')), outputDir: path.dirname(out),
    dataDir: path.join(WORK, 'data'), allowPrivateUrls: false, localBaseDir: MEDIA, onTimings: (t) => (timings = t),
  });
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms, nodeMaxRssKb: process.resourceUsage().maxRSS, ...timings }) + '\n');
}

// ---------------------------------------------------------------- media
function ff(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

function makeMedia(): void {
  mkdirSync(MEDIA, { recursive: true });
  const sources = ['testsrc2', 'mandelbrot', 'rgbtestsrc', 'smptehdbars', 'testsrc', 'yuvtestsrc'];
  for (let i = 1; i <= 12; i++) {
    const file = path.join(MEDIA, `img${String(i).padStart(2, '0')}.jpg`);
    if (existsSync(file)) continue;
    const src = sources[(i - 1) % sources.length];
    ff(['-f', 'lavfi', '-i', `${src}=s=1920x1080`, '-vf', `hue=h=${i * 30}`, '-frames:v', '1', '-q:v', '3', file]);
  }
  for (let i = 1; i <= 4; i++) {
    const file = path.join(MEDIA, `clip${i}.mp4`);
    if (existsSync(file)) continue;
    const src = ['testsrc2', 'mandelbrot', 'life=s=480x270:mold=10:r=30:ratio=0.1:death_color=#C83232:life_color=#00ff00,scale=1920:1080', 'testsrc'][i - 1];
    const input = src.includes('=') ? src : `${src}=s=1920x1080:r=30`;
    ff(['-f', 'lavfi', '-i', input, '-f', 'lavfi', '-i', `sine=f=${200 * i}`, '-t', '8', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '18', '-pix_fmt', 'yuv420p', '-r', '30', '-c:a', 'aac', '-shortest', file]);
  }
  const music = path.join(MEDIA, 'music.m4a');
  if (!existsSync(music)) ff(['-f', 'lavfi', '-i', 'sine=f=220:d=70', '-f', 'lavfi', '-i', 'sine=f=330:d=70', '-filter_complex', 'amix=inputs=2', '-c:a', 'aac', '-b:a', '128k', music]);
}

// ---------------------------------------------------------------- the movies
interface Case {
  name: string;
  /** Length of the output. */
  seconds: number;
  movie: object;
  /** Hand-written ffmpeg argv producing the same picture. */
  hand: (out: string) => string[];
  editly?: (out: string) => object;
}

const m = (f: string) => path.join(MEDIA, f);
const dt = (text: string, size: number, x: string, y: string) => `drawtext=fontfile=${FONT}:text='${text}':fontsize=${size}:fontcolor=white:x=${x}:y=${y}`;

const caseA: Case = {
  name: '(a) 3 scenes, full-hd 30 fps, 13 s',
  seconds: 13,
  movie: {
    resolution: 'full-hd', fps: 30, quality: 'high',
    scenes: [
      { duration: 5, elements: [
        { type: 'image', src: 'img01.jpg', zoom: 2 },
        { type: 'text', text: 'Reelay benchmark', settings: { 'font-size': 96 } },
      ] },
      { duration: 5, transition: { style: 'fade', duration: 1 }, elements: [
        { type: 'video', src: 'clip1.mp4', seek: 2, duration: 5, muted: true },
        { type: 'text', text: 'A trimmed video', position: 'bottom-left', width: 1200, height: 140, settings: { 'font-size': 56, 'background-color': '#00000099', 'text-align': 'left', padding: 40 } },
      ] },
      { duration: 5, transition: { style: 'fade', duration: 1 }, 'background-color': '#1e3a8a', elements: [
        { type: 'text', text: 'Two lines of text\nfor the final scene', settings: { 'font-size': 80 } },
      ] },
    ],
    elements: [{ type: 'audio', src: 'music.m4a', volume: 0.8, 'fade-out': 2, duration: -2 }],
  },
  hand: (out) => [
    '-i', m('img01.jpg'), '-ss', '2', '-t', '5', '-i', m('clip1.mp4'), '-t', '13', '-i', m('music.m4a'),
    '-filter_complex', [
      `[0:v]scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,zoompan=z='1+0.1*on/149':x='(iw-iw/zoom)/2':y='(ih-ih/zoom)/2':d=150:s=1920x1080:fps=30,${dt('Reelay benchmark', 96, '(w-text_w)/2', '(h-text_h)/2')},setsar=1[v0]`,
      `[1:v]fps=30,scale=1920:1080:force_original_aspect_ratio=increase,crop=1920:1080,drawbox=x=0:y=940:w=1200:h=140:color=black@0.6:t=fill,${dt('A trimmed video', 56, '40', '980')},setsar=1[v1]`,
      `color=c=0x1e3a8a:s=1920x1080:r=30:d=5,${dt('Two lines of text', 80, '(w-text_w)/2', '440')},${dt('for the final scene', 80, '(w-text_w)/2', '540')},setsar=1[v2]`,
      '[v0][v1]xfade=transition=fade:duration=1:offset=4[x1]',
      '[x1][v2]xfade=transition=fade:duration=1:offset=8,format=yuv420p[vout]',
      '[2:a]volume=0.8,afade=t=out:st=11:d=2[aout]',
    ].join(';'),
    '-map', '[vout]', '-map', '[aout]', '-t', '13', '-r', '30', ...ENCODE, out,
  ],
  editly: (out) => ({
    outPath: out, width: 1920, height: 1080, fps: 30, keepSourceAudio: false, allowRemoteRequests: false,
    defaults: { transition: { name: 'fade', duration: 1 } },
    clips: [
      { duration: 5, layers: [{ type: 'image', path: m('img01.jpg'), zoomDirection: 'in', zoomAmount: 0.1, resizeMode: 'cover' }, { type: 'title', text: 'Reelay benchmark', fontPath: FONT }] },
      { duration: 5, layers: [{ type: 'video', path: m('clip1.mp4'), cutFrom: 2, cutTo: 7, resizeMode: 'cover' }, { type: 'subtitle', text: 'A trimmed video', fontPath: FONT }] },
      { duration: 5, layers: [{ type: 'fill-color', color: '#1e3a8a' }, { type: 'title', text: 'Two lines of text\nfor the final scene', fontPath: FONT }] },
    ],
    audioTracks: [{ path: m('music.m4a'), mixVolume: 0.8 }],
    customOutputArgs: EDITLY_ENCODE,
  }),
};

const SLIDES = 12;
const caseB: Case = {
  name: '(b) 60 s slideshow, 12 images, hd 30 fps',
  seconds: 60.5,
  movie: {
    resolution: 'hd', fps: 30, quality: 'high',
    scenes: Array.from({ length: SLIDES }, (_, i) => ({
      duration: 5.5,
      ...(i > 0 ? { transition: { style: 'fade', duration: 0.5 } } : {}),
      elements: [
        { type: 'image', src: `img${String(i + 1).padStart(2, '0')}.jpg` },
        { type: 'text', text: `Slide number ${i + 1}`, position: 'bottom-center', height: 120, settings: { 'font-size': 48 } },
      ],
    })),
    elements: [{ type: 'audio', src: 'music.m4a', volume: 0.8, 'fade-out': 2, duration: -2 }],
  },
  hand: (out) => {
    const chains: string[] = [];
    for (let i = 0; i < SLIDES; i++) {
      chains.push(`[${i}:v]scale=1280:720:force_original_aspect_ratio=increase,crop=1280:720,loop=loop=164:size=1:start=0,settb=1/30,setpts=N,${dt(`Slide number ${i + 1}`, 48, '(w-text_w)/2', '640')},setsar=1[v${i}]`);
    }
    let last = 'v0';
    for (let i = 1; i < SLIDES; i++) {
      const outLabel = i === SLIDES - 1 ? 'vx' : `x${i}`;
      chains.push(`[${last}][v${i}]xfade=transition=fade:duration=0.5:offset=${(i * 5).toFixed(1)}[${outLabel}]`);
      last = outLabel;
    }
    chains.push('[vx]format=yuv420p[vout]', `[${SLIDES}:a]volume=0.8,afade=t=out:st=58.5:d=2[aout]`);
    const inputs = Array.from({ length: SLIDES }, (_, i) => ['-i', m(`img${String(i + 1).padStart(2, '0')}.jpg`)]).flat();
    return [...inputs, '-t', '60.5', '-i', m('music.m4a'), '-filter_complex', chains.join(';'), '-map', '[vout]', '-map', '[aout]', '-t', '60.5', '-r', '30', ...ENCODE, out];
  },
  // editly clips overlap by their transition, as Reelay scenes do: 12 × 5.5 − 11 × 0.5 = 60.5 s
  editly: (out) => ({
    outPath: out, width: 1280, height: 720, fps: 30, keepSourceAudio: false, allowRemoteRequests: false,
    defaults: { transition: { name: 'fade', duration: 0.5 } },
    clips: Array.from({ length: SLIDES }, (_, i) => ({
      duration: 5.5,
      layers: [
        { type: 'image', path: m(`img${String(i + 1).padStart(2, '0')}.jpg`), resizeMode: 'cover', zoomDirection: null },
        { type: 'subtitle', text: `Slide number ${i + 1}`, fontPath: FONT },
      ],
    })),
    audioTracks: [{ path: m('music.m4a'), mixVolume: 0.8 }],
    customOutputArgs: EDITLY_ENCODE,
  }),
};

const STYLES = ['wipeleft', 'circleopen', 'slideup'];
const caseC: Case = {
  name: '(c) 4 video clips with transitions, hd 30 fps, 17 s',
  seconds: 17,
  movie: {
    resolution: 'hd', fps: 30, quality: 'high',
    scenes: [1, 2, 3, 4].map((i) => ({
      ...(i > 1 ? { transition: { style: STYLES[i - 2], duration: 1 } } : {}),
      elements: [{ type: 'video', src: `clip${i}.mp4`, seek: 1, duration: 5, muted: true }],
    })),
    elements: [{ type: 'audio', src: 'music.m4a', volume: 0.8, 'fade-out': 2, duration: -2 }],
  },
  hand: (out) => {
    const chains = [1, 2, 3, 4].map((i) => `[${i - 1}:v]fps=30,scale=1280:720:force_original_aspect_ratio=increase,crop=1280:720,setsar=1[v${i}]`);
    chains.push('[v1][v2]xfade=transition=wipeleft:duration=1:offset=4[x2]', '[x2][v3]xfade=transition=circleopen:duration=1:offset=8[x3]', '[x3][v4]xfade=transition=slideup:duration=1:offset=12,format=yuv420p[vout]', '[4:a]volume=0.8,afade=t=out:st=15:d=2[aout]');
    const inputs = [1, 2, 3, 4].flatMap((i) => ['-ss', '1', '-t', '5', '-i', m(`clip${i}.mp4`)]);
    return [...inputs, '-t', '17', '-i', m('music.m4a'), '-filter_complex', chains.join(';'), '-map', '[vout]', '-map', '[aout]', '-t', '17', '-r', '30', ...ENCODE, out];
  },
  // gl-transitions closest to xfade's wipeleft / circleopen / slideup
  editly: (out) => ({
    outPath: out, width: 1280, height: 720, fps: 30, keepSourceAudio: false, allowRemoteRequests: false,
    clips: [1, 2, 3, 4].map((i) => ({
      duration: 5,
      ...(i < 4 ? { transition: { name: ['wipeLeft', 'circleopen', 'directional-up'][i - 1], duration: 1 } } : {}),
      layers: [{ type: 'video', path: m(`clip${i}.mp4`), cutFrom: 1, cutTo: 6, resizeMode: 'cover' }],
    })),
    audioTracks: [{ path: m('music.m4a'), mixVolume: 0.8 }],
    customOutputArgs: EDITLY_ENCODE,
  }),
};

// ---------------------------------------------------------------- measuring
interface Sample {
  wallMs: number;
  /** User + system CPU seconds of the process tree: steadier than wall time on a shared machine. */
  cpuS: number;
  /** Peak RSS of the process tree (GNU time), KB. */
  treeRssKb: number;
  /** Reelay only: the render inside the process (excludes Node start-up) and Node's own peak RSS. */
  renderMs?: number;
  nodeRssKb?: number;
  /** Reelay only: time inside ffmpeg, and before/after it (validation, assets, probes; output probe, poster). */
  encodeMs?: number;
  prepareMs?: number;
  finishMs?: number;
}

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): { sample: Sample; stdout: string } {
  // CPU of every process the command starts, Chromium's too (tree-cpu.ts); GNU time gives the peak RSS.
  const res = runMeasured('/usr/bin/time', ['-f', 'RSSKB=%M', cmd, ...args], { env });
  if (res.status !== 0) throw new Error(`${cmd} failed (${res.status}): ${res.stderr.slice(-2000)}`);
  const rss = /RSSKB=(\d+)/.exec(res.stderr);
  return { sample: { wallMs: res.wallMs, treeRssKb: Number(rss?.[1] ?? 0), cpuS: res.cpuS }, stdout: res.stdout };
}

function runReelay(c: Case, i: number): Sample {
  const movieFile = path.join(WORK, `${c.name.slice(1, 2)}.json`);
  writeFileSync(movieFile, JSON.stringify(c.movie));
  const out = path.join(OUT, `reelay-${c.name.slice(1, 2)}-${i}.mp4`);
  const { sample, stdout } = timed(process.execPath, [...NODE_FLAGS, '--require', 'tsx/cjs', __filename, '--child', movieFile, out]);
  const line = JSON.parse(stdout.trim().split('\n').pop()!) as { ms: number; nodeMaxRssKb: number; prepareMs: number; encodeMs: number; finishMs: number };
  return { ...sample, renderMs: line.ms, nodeRssKb: line.nodeMaxRssKb, prepareMs: line.prepareMs, encodeMs: line.encodeMs, finishMs: line.finishMs };
}

function runHand(c: Case, i: number): Sample {
  return timed('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...c.hand(path.join(OUT, `hand-${c.name.slice(1, 2)}-${i}.mp4`))]).sample;
}

/**
 * The encoder's share: the hand-written command's output decoded and encoded again with the same
 * settings, and decoded alone. Their difference is what x264 (and AAC) alone take for this movie, a
 * floor no engine drawing this picture with these settings can go under (the editly goal is
 * measured against it).
 */
function runEncoderFloor(c: Case, i: number): { encodeMs: number } {
  const input = path.join(OUT, `hand-${c.name.slice(1, 2)}-${i}.mp4`);
  const both = timed('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-i', input, ...ENCODE, path.join(OUT, `reencode-${c.name.slice(1, 2)}.mp4`)]).sample;
  const decode = timed('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', input, '-f', 'null', '-']).sample;
  return { encodeMs: both.wallMs - decode.wallMs };
}

function editlyAvailable(): boolean {
  return existsSync(path.join(EDITLY_DIR, 'node_modules/editly/cli.js')) && existsSync('/usr/bin/xvfb-run');
}

/** `ownDefaults`: editly's own encoder settings (libx264 medium, CRF 18) instead of ours. */
function runEditly(c: Case, i: number, ownDefaults = false): Sample {
  const spec = path.join(WORK, `editly-${c.name.slice(1, 2)}.json`);
  const out = path.join(OUT, `editly-${c.name.slice(1, 2)}-${i}.mp4`);
  const { customOutputArgs, ...withoutOurs } = c.editly!(out) as { customOutputArgs?: string[] };
  writeFileSync(spec, JSON.stringify(ownDefaults ? withoutOurs : { ...withoutOurs, customOutputArgs }));
  const sample = timed('xvfb-run', ['-a', '-s', '-ac -screen 0 1280x1024x24', EDITLY_NODE, path.join(EDITLY_DIR, 'node_modules/editly/cli.js'), '--json', spec]).sample;
  // editly can exit 0 with frames missing (seen under Node 24): a short file is not a valid sample.
  const frames = Number(execFileSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', out], { encoding: 'utf8' }).trim());
  const expected = Number((c.movie as { fps: number }).fps) * c.seconds;
  if (frames < expected * 0.95) throw new Error(`editly wrote ${frames} of ${expected} frames`);
  return sample;
}

function settle(): void {
  spawnSync('sync');
  spawnSync('sleep', ['1']);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const secs = (ms: number) => (ms / 1000).toFixed(2);
const mb = (kb: number) => (kb / 1024).toFixed(0);

async function main(): Promise<void> {
  makeMedia();
  mkdirSync(OUT, { recursive: true });
  const only = process.env.BENCH_CASES ?? 'abcde';
  const withEditly = process.env.BENCH_EDITLY !== '0' && editlyAvailable();
  const results: Record<string, unknown> = {};
  const lines: string[] = [];
  for (const c of [caseA, caseB, caseC].filter((x) => only.includes(x.name[1]))) {
    const reelay: Sample[] = [];
    const hand: Sample[] = [];
    const editly: Sample[] = [];
    const editlyOwn: Sample[] = [];
    const encoderFloor: number[] = [];
    const cold = runReelay(c, 0); // warm-up: page cache, font cache, and the probe cache (reported as cold prepare)
    let editlyFailed = !withEditly || !c.editly;
    for (let i = 0; i < RUNS; i++) {
      // Reelay and the hand-written command run back to back, in alternating order, and are compared
      // pair by pair: this machine's speed drifts by ±15% over tens of seconds (same command, same
      // input), which a pair shares but medians of separate runs do not cancel. The disk settles first.
      const pair = [() => reelay.push(runReelay(c, i)), () => hand.push(runHand(c, i))];
      if (i % 2 === 1) pair.reverse();
      for (const run of pair) {
        settle();
        run();
      }
      // at least once: BENCH_EDITLY_RUNS=0 still reports the floor
      if (i < Math.max(1, EDITLY_RUNS)) {
        settle();
        encoderFloor.push(runEncoderFloor(c, i).encodeMs);
      }
      if (!editlyFailed && i < EDITLY_RUNS) {
        settle();
        try {
          editly.push(runEditly(c, i));
          if (EDITLY_OWN_DEFAULTS.includes(c.name[1])) {
            settle();
            editlyOwn.push(runEditly(c, i, true));
          }
        } catch (err) {
          lines.push(`editly failed on ${c.name}: ${(err as Error).message.split('\n')[0]}`);
          editlyFailed = true;
        }
      }
    }
    const paired = (f: (r: Sample, h: Sample) => number) => median(reelay.map((r, i) => f(r, hand[i])));
    const med = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => Number(x[k])));
    const r = {
      wall: med(reelay, 'wallMs'), render: med(reelay, 'renderMs'), encode: med(reelay, 'encodeMs'), prepare: med(reelay, 'prepareMs'), finish: med(reelay, 'finishMs'),
      cpu: med(reelay, 'cpuS'), tree: med(reelay, 'treeRssKb'), node: Math.max(...reelay.map((s) => s.nodeRssKb!)),
    };
    const h = { wall: med(hand, 'wallMs'), cpu: med(hand, 'cpuS'), tree: med(hand, 'treeRssKb') };
    const ratios = {
      render: paired((x, y) => x.renderMs! / y.wallMs), encode: paired((x, y) => x.encodeMs! / y.wallMs),
      startup: paired((x, y) => x.wallMs / y.wallMs), cpu: paired((x, y) => x.cpuS / y.cpuS),
    };
    lines.push(
      `${c.name}`,
      `  hand-written ffmpeg: ${secs(h.wall)} s wall, ${h.cpu.toFixed(1)} CPU-s, peak RSS ${mb(h.tree)} MB`,
      `  reelay:              ${secs(r.render)} s render = ${secs(r.prepare)} prepare (${secs(cold.prepareMs!)} on first sight of the assets) + ${secs(r.encode)} ffmpeg + ${secs(r.finish)} output probe (${secs(r.wall)} s with Node start-up), ${r.cpu.toFixed(1)} CPU-s, peak RSS ffmpeg ${mb(r.tree)} MB, Node ${mb(r.node)} MB`,
      `  ratio reelay/hand (median of ${RUNS} back-to-back pairs): ${ratios.render.toFixed(2)}× wall (ffmpeg alone ${ratios.encode.toFixed(2)}×, with Node start-up ${ratios.startup.toFixed(2)}×), ${ratios.cpu.toFixed(2)}× CPU`,
    );
    const floor = median(encoderFloor);
    lines.push(`  encoder alone:       ${secs(floor)} s (x264 + AAC on the finished frames, same settings: no engine drawing this movie goes under it)`);
    const entry: Record<string, unknown> = { reelay: { ...r, coldPrepare: cold.prepareMs }, hand: h, encoderFloorMs: floor, ratios, runs: { reelay, hand } };
    if (editly.length > 0) {
      const e = { wall: med(editly, 'wallMs'), cpu: med(editly, 'cpuS'), tree: med(editly, 'treeRssKb') };
      lines.push(
        `  editly:              ${secs(e.wall)} s wall, ${e.cpu.toFixed(1)} CPU-s, peak RSS ${mb(e.tree)} MB → reelay is ${(e.wall / r.render).toFixed(1)}× faster (${(e.wall / r.wall).toFixed(1)}× with start-up), ${(e.cpu / r.cpu).toFixed(1)}× less CPU`,
        `                       the hand-written command is ${(e.wall / h.wall).toFixed(1)}× faster than editly; the encoder alone ${(e.wall / floor).toFixed(1)}× (the most any engine could reach at these settings; goal 9×)`,
      );
      entry.editly = { ...e, runs: editly };
    }
    if (editlyOwn.length > 0) {
      const e = { wall: med(editlyOwn, 'wallMs'), cpu: med(editlyOwn, 'cpuS') };
      lines.push(`  editly, own defaults (x264 medium CRF 18, a different encode): ${secs(e.wall)} s wall → ${(e.wall / h.wall).toFixed(1)}× the hand-written command, ${(e.wall / r.render).toFixed(1)}× Reelay`);
      entry.editlyOwnDefaults = { ...e, runs: editlyOwn };
    }
    results[c.name] = entry;
    process.stdout.write(lines.splice(0).join('\n') + '\n');
  }
  if (only.includes('d')) {
    const d = await benchHtmlLayers();
    results['(d) html engine layers'] = d.results;
    process.stdout.write(d.lines.join('\n') + '\n');
  }
  if (only.includes('e')) results['(e) long slideshows in segments'] = await benchLongMovies(WORK, MEDIA, process.argv.includes('--quick'), (l) => process.stdout.write(l + '\n'));
  if (!withEditly) process.stdout.write(`editly: not run (${editlyAvailable() ? 'BENCH_EDITLY=0' : `not installed in ${EDITLY_DIR} or xvfb-run missing`})\n`);
  mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(path.join(ROOT, 'bench/results/render.json'), JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, runs: RUNS, results }, null, 2));
}

if (process.argv[2] === '--child') {
  child(process.argv[3], process.argv[4]).catch((err) => {
    process.stderr.write(String(err?.stack ?? err) + '\n');
    process.exit(1);
  });
} else {
  main().catch((err) => {
    process.stderr.write(String(err?.stack ?? err) + '\n');
    process.exit(1);
  });
}
