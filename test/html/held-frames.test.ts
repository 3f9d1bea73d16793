/**
 * The engine's animated layers reach ffmpeg as held pictures (each once, with its length). Repeated
 * to the movie's rate after conversion, the repeats share one buffer; repeated before it, every
 * repeat was a converted 1080p frame of its own, and the frames a layer decodes ahead of the picture
 * under it piled up: a 10 s 1080p movie with three such layers took ffmpeg 3.5 GB (bench movie (d)).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { closeBrowser } from '../../renderer/src/html/browser';
import { renderMovie } from '../../renderer/src/render/render-movie';
import { ffprobe, frameAt, harness, type RenderHarness } from '../renderer/helpers';

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
