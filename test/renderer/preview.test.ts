/**
 * previewFrame: one frame of a movie as a PNG from the render pipeline (real ffmpeg). The frame is
 * the one at the time asked, in a one-scene movie (no split) and across scenes with a transition
 * (the scene's own graph); past the end it is the last frame; a broken movie fails with its path.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { framePlan, previewFrame } from '../../renderer/src/render/preview';

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
