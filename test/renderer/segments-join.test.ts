/**
 * A long movie rendered in segments (each its own graph, joined without re-encoding, one sound mix)
 * against the same movie rendered as one graph: same frames at the same times, joins invisible,
 * sound continuous. Segments are forced small (2 scenes) so the movie stays a few seconds long.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { renderMovie, type RenderResult } from '../../renderer/src/render/render-movie';
import { tmpDir } from './helpers';

const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

/** Presentation times of the video packets, sorted. */
function frameTimes(file: string): number[] {
  const out = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return out.trim().split('\n').map(Number).sort((a, b) => a - b);
}

/** PSNR (luma and chroma average) of each frame of `b` against the same frame of `a`. */
function psnrPerFrame(a: string, b: string): number[] {
  const out = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', a, '-i', b, '-lavfi', '[0:v][1:v]psnr=stats_file=-', '-f', 'null', '-'], { encoding: 'utf8', maxBuffer: 16 << 20 });
  return out.trim().split('\n').map((l) => {
    const m = /psnr_avg:(\S+)/.exec(l);
    return m ? (m[1] === 'inf' ? Infinity : Number(m[1])) : NaN;
  });
}

/** Decoded sound as 16-bit mono samples at 8 kHz (enough to see gaps, clicks and shifts). */
function samples(file: string): Int16Array {
  const buf = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-vn', '-ac', '1', '-ar', '8000', '-f', 's16le', '-'], { maxBuffer: 64 << 20 });
  return new Int16Array(buf.buffer, buf.byteOffset, buf.length / 2);
}

const rms = (s: Int16Array, from: number, to: number) => {
  let sum = 0;
  for (let i = from; i < to; i++) sum += s[i] * s[i];
  return Math.sqrt(sum / Math.max(1, to - from));
};

describe('segmented render', () => {
  const dir = tmpDir('segments');
  const media = path.join(dir, 'media');
  let single: RenderResult;
  let chunked: RenderResult;
  const joins: number[] = [];

  // 6 scenes × 2 s at 320×180, fades or wipes into most (a hard cut into scene 4), a moving movie-level video in a corner
  // (every frame differs, so a duplicated or missing frame would show), a logo crossing the cuts,
  // a movie-level caption, subtitles across a cut, music with a fade-out.
  const movie = {
    resolution: 'custom', width: 320, height: 180, fps: 25, quality: 'high',
    scenes: [0, 1, 2, 3, 4, 5].map((k) => ({
      duration: 2,
      ...(k > 0 && k !== 4 ? { transition: { style: k % 2 ? 'fade' : 'wipeleft', duration: 0.4 } } : {}),
      elements: [
        { type: 'image', src: `scene${k}.png`, ...(k === 2 ? { zoom: 3 } : {}) },
        { type: 'text', text: `Scene ${k + 1}`, settings: { 'font-size': 24, color: '#ffffff' }, position: 'bottom-left' },
      ],
    })),
    elements: [
      { type: 'video', src: 'clock.mp4', width: 96, height: 54, position: 'top-right', loop: -1, duration: -2, muted: true },
      { type: 'image', src: 'logo.png', width: 40, height: 40, position: 'top-left', start: 1.5, duration: 6, 'fade-in': 0.5, 'fade-out': 0.5 },
      { type: 'text', text: 'Reelay', settings: { 'font-size': 14, color: '#ffff00' }, position: 'center-right' },
      { type: 'audio', src: 'music.wav', duration: -2, 'fade-out': 1 },
      { type: 'subtitles', captions: '1\n00:00:03,000 --> 00:00:05,000\nAcross the cut\n\n2\n00:00:07,500 --> 00:00:08,500\nAnother one\n', settings: { 'font-size': 20 } },
    ],
  };

  beforeAll(async () => {
    mkdirSync(media, { recursive: true });
    for (let k = 0; k < 6; k++) ff(['-f', 'lavfi', '-i', `testsrc2=s=480x270:r=1,hue=h=${k * 60}`, '-frames:v', '1', path.join(media, `scene${k}.png`)]);
    ff(['-f', 'lavfi', '-i', 'color=orange:s=64x64', '-frames:v', '1', path.join(media, 'logo.png')]);
    ff(['-f', 'lavfi', '-i', 'testsrc=s=96x54:r=25:d=5', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(media, 'clock.mp4')]);
    // A chord that never stops: a gap or jump at a join shows as a dip in level or a difference.
    ff(['-f', 'lavfi', '-i', 'sine=f=440:d=12', '-f', 'lavfi', '-i', 'sine=f=660:d=12', '-filter_complex', 'amix=inputs=2', path.join(media, 'music.wav')]);
    writeFileSync(path.join(dir, 'movie.json'), JSON.stringify(movie));
    const base = { movie, dataDir: path.join(dir, 'data'), allowPrivateUrls: false, localBaseDir: media };
    single = await renderMovie({ ...base, project: 'single', outputDir: path.join(dir, 'single') });
    chunked = await renderMovie({
      ...base, project: 'chunked', outputDir: path.join(dir, 'chunked'), segments: { maxScenes: 2 },
      logger: { info: (o: unknown) => joins.push((o as { segments?: number }).segments ?? 0), debug: () => undefined, warn: () => undefined, error: () => undefined } as never,
    });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders in three segments, not one graph', () => {
    expect(joins).toContain(3);
  });

  it('has the same frames at the same times', () => {
    const a = frameTimes(single.file);
    const b = frameTimes(chunked.file);
    expect(b.length).toBe(a.length);
    expect(b).toEqual(a);
    // Every frame on its 1/fps tick, none twice, none missing.
    b.forEach((t, i) => expect(Math.abs(t - i / 25)).toBeLessThan(0.001));
    expect(Math.abs(chunked.duration - single.duration)).toBeLessThan(0.05);
  });

  it('looks the same at every join (PSNR ≥ 40 dB) and everywhere else', () => {
    const psnr = psnrPerFrame(single.file, chunked.file);
    // Scenes 0-1 | 2-3 | 4-5: the joins are where scene 2's body starts (after a fade) and where
    // scene 4 starts (a hard cut).
    const into = (k: number) => (k === 4 ? 0 : 10);
    const P = (k: number) => k * 50 - [1, 2, 3, 4, 5].filter((j) => j <= k).reduce((a, j) => a + into(j), 0);
    for (const k of [2, 4]) {
      const join = P(k) + into(k);
      for (let f = join - 2; f <= join + 2; f++) expect(psnr[f]).toBeGreaterThanOrEqual(40);
    }
    expect(Math.min(...psnr)).toBeGreaterThanOrEqual(38);
  });

  it('sounds the same, with no gap or jump at the joins', () => {
    const a = samples(single.file);
    const b = samples(chunked.file);
    expect(Math.abs(a.length - b.length)).toBeLessThan(80);
    let diff = 0;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
    expect(diff).toBeLessThan(600);
    const level = rms(b, 8000, 16000);
    for (const t of [3.6, 6.8]) {
      // 10 ms windows either side of the join keep the level of the music.
      const at = Math.round(t * 8000);
      for (let w = at - 160; w < at + 160; w += 80) expect(rms(b, w, w + 80)).toBeGreaterThan(level * 0.7);
    }
  });
});
