/**
 * The engine's animated layers reach ffmpeg as held pictures (each once, with its length). Repeated
 * to the movie's rate after conversion, the repeats share one buffer; repeated before it, every
 * repeat was a converted 1080p frame of its own, and the frames a layer decodes ahead of the picture
 * under it piled up: a 10 s 1080p movie with three such layers took ffmpeg 3.5 GB (bench movie (d)).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { compileInputs } from '../../renderer/src/compile/inputs';
import { closeBrowser } from '../../renderer/src/html/browser';
import { capture } from '../../renderer/src/html/capture';
import { layerDocument } from '../../renderer/src/html/document';
import { BrowserSession } from '../../renderer/src/html/session';
import type { Plan } from '../../renderer/src/normalise/plan';
import { renderMovie } from '../../renderer/src/render/render-movie';
import { ffprobe, frameAt, harness, near, type RenderHarness } from '../renderer/helpers';

let h: RenderHarness;
beforeAll(() => {
  h = harness('held-frames');
});
afterAll(async () => {
  await closeBrowser();
  h.cleanup();
});

test('a 1080p movie of animated browser layers over a video renders inside a 500 MB ffmpeg budget', async () => {
  const movie = {
    resolution: 'full-hd', fps: 30,
    scenes: [{
      duration: 6,
      elements: [
        { type: 'video', src: 'clip.mp4', muted: true },
        { type: 'component', component: 'basic/052', start: 0.5, duration: 5 },
        { type: 'text', text: 'Jumping in', style: '005', settings: { 'vertical-position': 'bottom', 'margin-bottom': '200px', 'font-size': '80px', color: '#ffdd00' } },
        { type: 'text', text: 'Word by word', style: '003', settings: { 'vertical-position': 'top', 'margin-top': '120px', 'font-size': '70px', color: '#ffffff' } },
      ],
    }],
  };
  mkdirSync(path.join(h.dir, 'media'), { recursive: true });
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=1920x1080:r=30', '-t', '6', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', path.join(h.dir, 'media', 'clip.mp4')]);
  const result = await renderMovie({ project: 'held', movie, outputDir: path.join(h.dir, 'out'), dataDir: path.join(h.dir, 'data'), allowPrivateUrls: true, localBaseDir: path.join(h.dir, 'media'), memoryMb: 500 });
  expect(result.duration).toBeCloseTo(6, 1);
  const video = ffprobe(result.file).streams.find((s) => s.codec_type === 'video')!;
  expect([video.width, video.height]).toEqual([1920, 1080]);
  // The yellow text is there at the end of its letters' motion (its pixels near the bottom band).
  const f = frameAt(result.file, 4);
  let yellow = 0;
  for (let y = 700; y < 1000; y += 2) for (let x = 0; x < 1920; x += 2) {
    const [r, g, b] = f.at(x, y);
    if (r > 220 && g > 190 && b < 80) yellow++;
  }
  expect(yellow).toBeGreaterThan(200);
}, 180_000);

test('every frame of a layer that moves on every frame reaches the graph at its own time (none shown a frame early or late)', async () => {
  // A bar that grows by a pixel each frame at 30 fps, so each of the 45 frames is a picture of its own.
  const html = layerDocument({ width: 64, height: 8, body: '<div class="bar"></div>', css: '.bar{height:8px;background:#fff;animation:grow 1.5s linear both}@keyframes grow{from{width:0}to{width:45px}}' });
  const session = new BrowserSession({ cacheDir: h.dir, allowPrivateUrls: false });
  try {
    const layer = await capture(session, {
      url: session.addDocument('bar', html), width: 64, height: 8, fps: 30, duration: 1.5, clip: 'box', animated: true, onlyAnimationsMove: true,
      where: 'bar', path: 'scenes[0].elements[0]', out: path.join(h.dir, 'bar'),
    });
    // Read as the movie's graph reads it: the list with the input options compile gives it, then fps.
    const [input] = compileInputs({ inputs: [{ file: layer.file, seek: 0, duration: 1.5, loop: 0, still: false, pngFrames: { fps: 30 } }] } as Pick<Plan, 'inputs'> as Plan);
    const widths = execFileSync('ffmpeg', ['-v', 'error', ...input.options, '-i', input.file, '-vf', 'fps=30,format=gray', '-f', 'rawvideo', '-'], { maxBuffer: 1 << 20 });
    const frames = widths.length / (64 * 8);
    const bar = (n: number) => { let w = 0; while (w < 64 && widths[n * 64 * 8 + w] > 128) w++; return w; };
    expect(frames).toBe(45);
    // At frame n the bar is n pixels wide: no frame repeats or skips its neighbour (with PNGs read on
    // their default 1/25 s ticks, every sixth frame did).
    expect(Array.from({ length: frames }, (_, n) => bar(n))).toEqual(Array.from({ length: frames }, (_, n) => n));
  } finally {
    await session.close();
  }
}, 60_000);

test('a layer whose pictures turn fully opaque keeps every picture at its time (Chromium writes those as RGB, not RGBA)', async () => {
  // Transparent for a second, then a green that fills the box: the first picture is RGBA, the second RGB.
  const html = '<style>@keyframes show{from{opacity:0}to{opacity:1}}</style><div style="width:100%;height:100%;background:#00ff00;animation:show 1ms 1s both"></div>';
  const r = await h.render({ resolution: 'custom', width: 320, height: 180, fps: 25, scenes: [{ 'background-color': '#000000', duration: 2, elements: [{ type: 'html', html, width: 320, height: 180, x: 0, y: 0, cache: false }] }] });
  const at = (t: number) => frameAt(r.file, t).at(160, 90);
  expect(near(at(0.5), [0, 0, 0], 12)).toBe(true);
  expect(near(at(0.96), [0, 0, 0], 12)).toBe(true);
  expect(near(at(1.04), [0, 255, 0], 40)).toBe(true);
  expect(near(at(1.96), [0, 255, 0], 40)).toBe(true);
});
