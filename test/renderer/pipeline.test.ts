/**
 * The render pipeline's contracts: errors that name the scene/element and cause, local files only in
 * --local mode, provider and destination hooks, connections handed to providers, cancellation.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerDestination, registerImageProvider, registerVoiceProvider, renderLocal, renderMovie, type DeliveryContext } from '../../renderer/src';
import { expectColour, ffprobe, frameAt, harness, makeMedia, serveDir, volume, type AssetServer } from './helpers';

const h = harness('pipeline');
let server: AssetServer;
const src = (name: string) => `${server.url}/${name}`;
const movie = (scenes: unknown[], extra: object = {}) => ({ resolution: 'custom', width: 160, height: 90, fps: 10, quality: 'low', scenes, ...extra });

beforeAll(async () => {
  makeMedia(path.join(h.dir, 'media'));
  writeFileSync(path.join(h.dir, 'media', 'not-media.png'), 'this is text, not a picture');
  // 20000 px wide: over the 16384 px a side a render decodes (a few KB of PNG, 0.5 GB decoded at 16384²).
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=red:s=20000x8', '-frames:v', '1', path.join(h.dir, 'media', 'too-wide.png')]);
  server = await serveDir(path.join(h.dir, 'media'));
});
afterAll(async () => {
  await server.close();
  h.cleanup();
});

describe('errors name the scene, element and cause', () => {
  test('a missing asset (404)', async () => {
    const url = src('missing.png');
    await expect(h.render(movie([{ elements: [{ type: 'text', text: 'x' }, { type: 'image', src: url }] }]))).rejects.toMatchObject({
      code: 'asset_failed', retryable: false, message: `Scene #1, element #2 (scenes[0].elements[1]): failed to download '${url}' (404)`,
    });
  });

  test('a file that is not media', async () => {
    await expect(h.render(movie([{ duration: 1 }], { elements: [{ type: 'image', src: src('not-media.png') }] }))).rejects.toMatchObject({
      code: 'asset_failed', message: expect.stringMatching(/^Movie element #1 \(elements\[0\]\): '.*not-media.png' is not a media file/),
    });
  });

  test('every broken asset is named, not just the first; retried only if each may heal', async () => {
    const broken = movie([{ elements: [{ type: 'image', src: src('missing.png') }, { type: 'image', src: src('red.png') }, { type: 'image', src: src('status/502') }] }], {
      elements: [{ type: 'image', src: src('not-media.png') }],
    });
    await expect(h.render(broken)).rejects.toMatchObject({
      code: 'asset_failed',
      retryable: false,
      message: expect.stringMatching(/^3 elements failed: Scene #1, element #1 .*\(404\); Scene #1, element #3 .*\(502\).*; Movie element #1 .*is not a media file/),
      issues: [{ path: 'scenes[0].elements[0]' }, { path: 'scenes[0].elements[2]' }, { path: 'elements[0]' }],
    });
  });

  test('a picture larger than a render decodes is refused before ffmpeg starts', async () => {
    await expect(h.render(movie([{ duration: 1, elements: [{ type: 'image', src: src('too-wide.png') }] }]))).rejects.toMatchObject({
      code: 'asset_failed', retryable: false, message: expect.stringContaining("too-wide.png' is 20000×8; at most 16384 pixels a side"),
    });
  });

  test('an invalid movie fails before any download, listing every problem', async () => {
    const before = server.hits.length;
    await expect(h.render(movie([{ elements: [{ type: 'image', src: src('red.png') }, { type: 'html', tailwindcss: 'yes', html: '<p>' }, { type: 'video' }] }]))).rejects.toMatchObject({
      code: 'invalid_movie',
      retryable: false,
      issues: [
        { path: 'scenes[0].elements[1].tailwindcss', message: expect.stringContaining('boolean') },
        { path: 'scenes[0].elements[2].src', message: 'required' },
      ],
    });
    expect(server.hits.length).toBe(before);
  });

  test('a server error is retryable', async () => {
    await expect(h.render(movie([{ elements: [{ type: 'image', src: src('status/502') }] }]))).rejects.toMatchObject({ code: 'asset_unavailable', retryable: true });
  });

  test('an unknown voice or image model', async () => {
    await expect(h.render(movie([{ elements: [{ type: 'voice', text: 'hi', model: 'nobody-tts' }] }]))).rejects.toMatchObject({
      code: 'provider_missing', message: "Scene #1, element #1 (scenes[0].elements[0]): no voice provider for model 'nobody-tts'",
    });
    await expect(h.render(movie([{ elements: [{ type: 'image', prompt: 'a cat', model: 'nobody-img' }] }]))).rejects.toMatchObject({ code: 'provider_missing' });
  });
});

describe('fonts', () => {
  test('a font URL is downloaded and used; a URL that is not a font fails naming the element', async () => {
    copyFileSync('/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf', path.join(h.dir, 'media', 'serif.ttf'));
    const text = (settings: object) => movie([{ duration: 1, 'background-color': '#0000ff', elements: [{ type: 'text', text: 'Wide', settings: { 'font-size': 30, ...settings } }] }]);
    const serif = await h.render(text({ 'font-url': src('serif.ttf') }), { project: 'serif' });
    const sans = await h.render(text({}), { project: 'sans' });
    const bright = (file: string) => {
      const f = frameAt(file, 0.5);
      let n = 0;
      for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x++) if (f.at(x, y)[0] > 150) n++;
      return n;
    };
    // Bold serif glyphs cover clearly more pixels than regular sans.
    expect(bright(serif.file)).toBeGreaterThan(bright(sans.file) * 1.15);
    await expect(h.render(text({ 'font-url': src('not-media.png') }))).rejects.toMatchObject({ code: 'asset_failed', message: expect.stringContaining('is not a TrueType/OpenType font') });
  });
});

describe('local files', () => {
  test('are refused outside --local mode', async () => {
    await expect(h.render(movie([{ elements: [{ type: 'image', src: 'red.png' }] }]))).rejects.toMatchObject({ code: 'asset_forbidden', message: expect.stringContaining('only by reelay render --local') });
    await expect(h.render(movie([{ elements: [{ type: 'image', src: 'file:///etc/hostname' }] }]))).rejects.toMatchObject({ code: 'asset_forbidden' });
  });

  test('renderLocal reads paths relative to the movie file', async () => {
    const file = path.join(h.dir, 'media', 'movie.json');
    writeFileSync(file, JSON.stringify(movie([{ duration: 1, elements: [{ type: 'image', src: 'red.png' }] }])));
    const progress: number[] = [];
    const r = await renderLocal(file, { out: path.join(h.dir, 'local', 'out.mp4'), onProgress: (p) => progress.push(p), dataDir: path.join(h.dir, 'data') });
    expect(r.file).toBe(path.join(h.dir, 'local', 'out.mp4'));
    expectColour(frameAt(r.file, 0.5), 80, 45, 'red');
    expect(progress[progress.length - 1]).toBe(100);
  });
});

describe('provider hooks', () => {
  test('a registered voice provider gets the text, voice and the element connection', async () => {
    const seen: unknown[] = [];
    registerVoiceProvider('test-tts', {
      async synthesize(req, outFile) {
        seen.push({ text: req.text, voice: req.voice, model: req.model, connection: req.connection });
        execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=f=300:d=1.2', '-f', 'wav', outFile]);
      },
    });
    const r = await renderMovie({
      project: 'voice', movie: movie([{ elements: [{ type: 'voice', text: 'Hi', voice: 'v1', model: 'test-tts', connection: 'my-tts' }] }]),
      outputDir: path.join(h.dir, 'out'), dataDir: path.join(h.dir, 'data'), allowPrivateUrls: true,
      connections: { 'scenes[0].elements[0]': { apiKey: 'k' } },
    });
    expect(seen).toEqual([{ text: 'Hi', voice: 'v1', model: 'test-tts', connection: { apiKey: 'k' } }]);
    expect(Math.abs(ffprobe(r.file).duration - 1.2)).toBeLessThanOrEqual(0.1);
    expect(volume(r.file, 0.2, 0.8)).toBeGreaterThan(-30);
  });

  test('image elements with a prompt use the registered image provider', async () => {
    registerImageProvider('test-img', {
      async generate(req, outFile) {
        execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=lime:s=${req.width}x${req.height}`, '-frames:v', '1', '-f', 'image2', '-c:v', 'png', outFile]);
      },
    });
    const r = await h.render(movie([{ duration: 1, elements: [{ type: 'image', prompt: 'green', model: 'test-img', width: 40, height: 40, position: 'top-left' }] }]));
    expectColour(frameAt(r.file, 0.5), 20, 20, 'green');
    expectColour(frameAt(r.file, 0.5), 100, 60, 'black');
  });
});

describe('destinations', () => {
  test('run in order after the render; a failing one is reported, never fatal', async () => {
    const calls: string[] = [];
    registerDestination('test-ok', async (ctx: DeliveryContext) => {
      calls.push(`ok:${ctx.path}:${existsSync(ctx.result.file)}:${String(ctx.destination.folder)}:${String(ctx.destination.host)}`);
    });
    registerDestination('test-fail', async () => {
      calls.push('fail');
      throw new Error('server said no');
    });
    const r = await renderMovie({
      project: 'dest',
      movie: movie([{ duration: 1 }], { exports: [{ destinations: [{ type: 'test-fail' }, { id: 'saved', folder: 'x' }, { type: 'nope' }] }] }),
      outputDir: path.join(h.dir, 'out'), dataDir: path.join(h.dir, 'data'), allowPrivateUrls: true,
      connections: { 'exports[0].destinations[1]': { type: 'test-ok', host: 'h' } },
    });
    expect(calls).toEqual(['fail', 'ok:exports[0].destinations[1]:true:x:h']);
    expect(r.exports).toEqual([
      { type: 'test-fail', status: 'error', message: 'exports[0].destinations[0]: server said no' },
      { type: 'test-ok', id: 'saved', status: 'done' },
      { type: 'nope', status: 'error', message: "exports[0].destinations[2]: no destination of type 'nope' is available" },
    ]);
    expect(existsSync(r.file)).toBe(true);
  });
});

test('an AbortSignal kills ffmpeg and leaves no partial file', async () => {
  const controller = new AbortController();
  const out = path.join(h.dir, 'cancelled');
  const started = Date.now();
  const p = renderMovie({
    project: 'long', movie: { resolution: 'custom', width: 640, height: 360, fps: 30, scenes: [{ duration: 120, elements: [{ type: 'image', src: src('bands.png'), zoom: 5 }] }] },
    outputDir: out, dataDir: path.join(h.dir, 'data'), allowPrivateUrls: true, signal: controller.signal,
    onProgress: (pct) => pct >= 1 && controller.abort(),
  });
  await expect(p).rejects.toMatchObject({ code: 'cancelled', message: 'cancelled' });
  expect(Date.now() - started).toBeLessThan(20000);
  expect(readdirSync(out)).toEqual([]);
});
