/**
 * previewFrame: one frame of a movie as a PNG from the render pipeline (real ffmpeg). The frame is
 * the one at the time asked, in a one-scene movie (no split) and across scenes with a transition
 * (the scene's own graph); past the end it is the last frame; a broken movie fails with its path.
 * Started at the frame (frame-seek.ts), it is the frame drawn from the scene's start, and the frame
 * a real render shows at that time.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rm } from 'node:fs/promises';
import { seekPlan } from '../../renderer/src/render/frame-seek';
import { framePlan, previewFrame } from '../../renderer/src/render/preview';
import { planMovie, renderMovie } from '../../renderer/src/render/render-movie';
import { makeWorkDir } from '../../renderer/src/run/workdirs';
import { serveDir, type AssetServer } from './helpers';

let dataDir: string;
beforeAll(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'reelay-preview-test-'));
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Pixels of a PNG as RGB bytes, decoded by ffmpeg. */
function rgb(png: Buffer): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { input: png });
}

const whitePixels = (raw: Buffer) => {
  let n = 0;
  for (let i = 0; i < raw.length; i += 3) if (raw[i] > 200 && raw[i + 1] > 200 && raw[i + 2] > 200) n++;
  return n;
};

const small = { resolution: 'custom', width: 160, height: 90 };

/** Mean absolute difference of two RGB buffers of one size, 0..255. */
function meanAbsDiff(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

describe('started at the frame', () => {
  let server: AssetServer;
  let media: string;
  beforeAll(async () => {
    media = mkdtempSync(path.join(os.tmpdir(), 'reelay-preview-media-'));
    const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
    ff(['-f', 'lavfi', '-i', 'testsrc2=size=640x360', '-frames:v', '1', path.join(media, 'photo.jpg')]);
    // 30 fps into a 25 fps movie, a keyframe every 2 s: fps must pick the same source frames after a seek.
    ff(['-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=30:duration=6', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '60', '-pix_fmt', 'yuv420p', path.join(media, 'clip.mp4')]);
    server = await serveDir(media);
  });
  afterAll(async () => {
    await server.close();
    rmSync(media, { recursive: true, force: true });
  });

  // Every way a layer is started at the frame: stills drawn once, a seeked video (with an element
  // seek and a fade-in), a zoom and fades (whole chain, earlier start), a movie-level element, a
  // layer that has ended, one not begun, and a frame inside a transition (drawn as before).
  const movie = () => ({
    resolution: 'custom', width: 320, height: 180, quality: 'high',
    elements: [{ type: 'text', text: 'MOVIE', x: 10, y: 10, width: 120, height: 30, settings: { 'font-size': 18, color: '#ffffff' } }],
    scenes: [
      { duration: 1.5, 'background-color': '#203040', elements: [{ type: 'text', text: 'Opening', settings: { 'font-size': 30, color: '#ffee88' } }] },
      {
        duration: 4,
        transition: { style: 'fade', duration: 0.4 },
        elements: [
          { type: 'image', src: `${server.url}/photo.jpg` },
          { type: 'video', src: `${server.url}/clip.mp4`, seek: 0.5, x: 160, y: 20, width: 144, height: 81, muted: true, 'fade-in': 0.3 },
          { type: 'image', src: `${server.url}/photo.jpg`, x: 10, y: 100, width: 96, height: 54, zoom: 3, start: 0.4, duration: 3 },
          { type: 'text', text: 'fades out', y: 120, height: 40, duration: 2.5, 'fade-out': 1, settings: { 'font-size': 20, color: '#ffffff' } },
          { type: 'text', text: 'late', x: 200, y: 140, width: 100, height: 30, start: 3.5, settings: { 'font-size': 18, color: '#00ff00' } },
        ],
      },
    ],
  });
  const times = [0.6, 1.3, 2.0, 2.6, 3.3, 4.16, 4.9];

  test('the graph starts at the frame: no frames skipped, the video opened near it, ended layers left out', async () => {
    const workDir = await makeWorkDir();
    try {
      const plan = await planMovie(movie(), { dataDir, allowPrivateUrls: true }, workDir, path.join(workDir, 'f.png'), new AbortController().signal);
      // 4.9 s: scene 2 (from 1.1 s) at its frame 95 (3.8 s); the zoomed image and the fading text have
      // ended (3.4 s, 2.5 s), 'late' has begun (3.5 s).
      const one = seekPlan(framePlan(plan, Math.round(4.9 * 25), 'f.png'));
      expect(one.segment).toMatchObject({ skipFrames: 0, frames: 1 });
      const video = one.inputs.find((i) => !i.still)!;
      expect(video.seek).toBeCloseTo(0.5 + (95 - 3) / 25, 3);
      expect(one.scenes[0].layers.map((l) => l.path)).toEqual(['scenes[1].elements[0]', 'scenes[1].elements[1]', 'scenes[1].elements[4]']);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });

  test('each frame equals the frame drawn from the scene\'s start', async () => {
    for (const time of times) {
      const opts = { movie: movie(), time, dataDir, allowPrivateUrls: true };
      const [seeked, whole] = [await previewFrame(opts), await previewFrame({ ...opts, seek: false })];
      expect(seeked.time).toBe(whole.time);
      expect({ time, diff: meanAbsDiff(rgb(seeked.png), rgb(whole.png)) }).toEqual({ time, diff: 0 });
    }
  });

  test('each frame matches the render\'s frame at that time (mean difference < 2 of 255)', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'reelay-preview-render-'));
    try {
      const render = await renderMovie({ project: 'p', movie: movie(), outputDir: out, dataDir, allowPrivateUrls: true });
      for (const time of times) {
        const frame = await previewFrame({ movie: movie(), time, dataDir, allowPrivateUrls: true });
        const index = Math.round(frame.time * 25);
        const rendered = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', render.file, '-vf', `select=eq(n\\,${index})`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
        // The render went through H.264 (CRF 20): small differences everywhere, none from a wrong frame.
        expect({ time, diff: meanAbsDiff(rgb(frame.png), rendered) < 2 }).toEqual({ time, diff: true });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

test('one scene: the frame before a text starts has none of it, the frame after has it; past the end, the last frame', async () => {
  const movie = {
    ...small,
    scenes: [{ duration: 2, 'background-color': '#000000', elements: [{ type: 'text', text: 'HI', start: 1, settings: { 'font-size': 40, color: '#ffffff' } }] }],
  };
  const before = await previewFrame({ movie, time: 0.5, dataDir, allowPrivateUrls: false });
  const after = await previewFrame({ movie, time: 1.5, dataDir, allowPrivateUrls: false });
  expect([before.width, before.height]).toEqual([160, 90]);
  expect(Math.abs(before.time - 0.5)).toBeLessThan(0.5 / 25 + 1e-9); // the nearest frame (25 fps)
  expect(whitePixels(rgb(before.png))).toBe(0);
  expect(whitePixels(rgb(after.png))).toBeGreaterThan(20);
  const end = await previewFrame({ movie, time: 99, dataDir, allowPrivateUrls: false });
  expect(end.time).toBeLessThan(2);
  expect(end.time).toBeGreaterThan(1.9);
  expect(whitePixels(rgb(end.png))).toBeGreaterThan(20);
});

test('several scenes: each time shows its own scene, a fade shows both', async () => {
  const movie = {
    ...small,
    scenes: [
      { duration: 1, 'background-color': '#ff0000', elements: [] },
      { duration: 1, 'background-color': '#00ff00', elements: [] },
      { duration: 1, 'background-color': '#0000ff', transition: { style: 'fade', duration: 0.4 }, elements: [] },
    ],
  };
  const at = async (time: number) => [...rgb((await previewFrame({ movie, time, dataDir, allowPrivateUrls: false })).png).subarray(0, 3)];
  const [r0, g0] = await at(0.2);
  expect(r0).toBeGreaterThan(200);
  expect(g0).toBeLessThan(40);
  const [r1, g1] = await at(1.2);
  expect(g1).toBeGreaterThan(200);
  expect(r1).toBeLessThan(40);
  // The fade into scene 3 starts 0.4 s before scene 2 ends (at 1.6 s): its middle is half of each.
  const [, gMid, bMid] = await at(1.8);
  expect(gMid).toBeGreaterThan(60);
  expect(gMid).toBeLessThan(200);
  expect(bMid).toBeGreaterThan(60);
  expect(bMid).toBeLessThan(200);
  const [, , b3] = await at(2.5);
  expect(b3).toBeGreaterThan(200);
});

test('framePlan keeps only the scenes the frame needs, trimmed to one frame', () => {
  const scene = (n: number, transition?: number) => ({
    start: 0, duration: 1, transition: transition ? { style: 'fade', duration: transition } : undefined, layers: [], background: '#000000', index: n,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a minimal plan: only what the split reads
  const plan: any = { fps: 25, width: 160, height: 90, duration: 3, format: 'mp4', inputs: [], overlays: [], audio: [], scenes: [scene(0), scene(1), scene(2)], output: 'x' };
  const one = framePlan(plan, 60, 'out.png');
  expect(one.scenes).toHaveLength(1);
  expect(one.segment).toEqual({ movieFrame: 50, skipFrames: 10, frames: 1 });
  expect(one.output).toBe('out.png');
});

test('a broken movie fails with the path of the problem', async () => {
  await expect(previewFrame({ movie: { scenes: [{ elements: [{ type: 'text' }] }] }, time: 0, dataDir, allowPrivateUrls: false })).rejects.toMatchObject({
    code: 'invalid_movie',
    issues: expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/^scenes\[0\]\.elements\[0\]/) })]),
  });
});
