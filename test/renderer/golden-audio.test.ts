/**
 * Golden movies for sound and words: audio placement, volume, mute, loops, mixing, video
 * soundtracks, local voice (espeak-ng), subtitles from captions and from voices, audiograms.
 * Audio is measured with volumedetect over time windows; subtitles by sampling pixels.
 */
import path from 'node:path';
import { ffprobe, frameAt, harness, makeMedia, serveDir, volume, type AssetServer, type Frame } from './helpers';

const h = harness('audio');
let server: AssetServer;
const src = (name: string) => `${server.url}/${name}`;
const movie = (scenes: unknown[], extra: object = {}) => ({ resolution: 'custom', width: 160, height: 90, fps: 10, quality: 'low', scenes, ...extra });
const SILENT = -70;

beforeAll(async () => {
  makeMedia(path.join(h.dir, 'media'));
  server = await serveDir(path.join(h.dir, 'media'));
});
afterAll(async () => {
  await server.close();
  h.cleanup();
});

test('audio starts where it should and is silent before and after', async () => {
  const r = await h.render(movie([{ duration: 2, elements: [{ type: 'audio', src: src('tone05.wav'), start: 1 }] }]));
  expect(volume(r.file, 0, 0.9)).toBeLessThan(SILENT);
  expect(volume(r.file, 1.1, 0.3)).toBeGreaterThan(-30);
  expect(volume(r.file, 1.6, 0.35)).toBeLessThan(SILENT);
});

test('loops repeat the sound and the scene fits them; volume and muted', async () => {
  const r = await h.render(movie([{ elements: [
    { type: 'audio', src: src('tone05.wav'), loop: 2 },
    { type: 'audio', src: src('tone1s.wav'), muted: true },
  ] }]));
  // 3 plays of 0.5 s.
  expect(Math.abs(ffprobe(r.file).duration - 1.5)).toBeLessThanOrEqual(0.1);
  expect(volume(r.file, 1.1, 0.3)).toBeGreaterThan(-30);

  const quiet = await h.render(movie([{ duration: 1, elements: [{ type: 'audio', src: src('tone1s.wav'), volume: 0.1 }] }]), { project: 'quiet' });
  const loud = await h.render(movie([{ duration: 1, elements: [{ type: 'audio', src: src('tone1s.wav') }] }]), { project: 'loud' });
  // volume 0.1 is 20 dB down.
  expect(volume(loud.file, 0.2, 0.6) - volume(quiet.file, 0.2, 0.6)).toBeGreaterThan(17);
});

test('an endless music loop follows the movie; sounds of different scenes mix', async () => {
  const r = await h.render(movie([
    { duration: 1, elements: [{ type: 'audio', src: src('tone05.wav') }] },
    { duration: 1, elements: [{ type: 'video', src: src('green.mp4'), duration: 1 }] },
  ], { elements: [{ type: 'audio', src: src('tone05.wav'), loop: -1, volume: 0.5, 'fade-out': 0.3 }] }));
  expect(Math.abs(ffprobe(r.file).duration - 2)).toBeLessThanOrEqual(0.1);
  // Music alone at 0.6–0.9 s (the scene tone is over), louder with the video's tone in scene 2.
  const musicOnly = volume(r.file, 0.6, 0.3);
  expect(musicOnly).toBeGreaterThan(-40);
  expect(volume(r.file, 1.2, 0.4)).toBeGreaterThan(musicOnly + 2);
});

test('a video element brings its sound unless muted', async () => {
  const on = await h.render(movie([{ elements: [{ type: 'video', src: src('green.mp4') }] }]), { project: 'on' });
  const off = await h.render(movie([{ elements: [{ type: 'video', src: src('green.mp4'), muted: true }] }]), { project: 'off' });
  expect(volume(on.file, 0.5, 1)).toBeGreaterThan(-30);
  expect(volume(off.file, 0.5, 1)).toBeLessThan(SILENT);
});

function brightIn(f: Frame, y0: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = 0; x < f.width; x++) if (f.at(x, y).every((c) => c > 180)) n++;
  return n;
}

test('local voice speaks offline; the scene lasts as long as the speech; subtitles follow it', async () => {
  const r = await h.render(movie([{ 'background-color': '#0000ff', elements: [{ type: 'voice', text: 'Hello from Reelay', voice: 'en-US-EmmaMultilingualNeural' }] }], {
    elements: [{ type: 'subtitles', settings: { 'font-size': 14, 'max-words-per-line': 2 } }],
  }));
  const d = ffprobe(r.file).duration;
  expect(d).toBeGreaterThan(0.6);
  expect(d).toBeLessThan(4);
  expect(volume(r.file, 0.1, d - 0.2)).toBeGreaterThan(-35);
  // First cue ("Hello from") at the bottom; nothing at the top.
  const f = frameAt(r.file, 0.2);
  expect(brightIn(f, 55, 90)).toBeGreaterThan(10);
  expect(brightIn(f, 0, 40)).toBe(0);
});

test('subtitles from inline SRT show during their cue only', async () => {
  const srt = '1\n00:00:00,000 --> 00:00:00,800\nFirst line\n\n2\n00:00:01,200 --> 00:00:01,900\nSecond\n';
  const r = await h.render(movie([{ duration: 2, 'background-color': '#0000ff' }], { elements: [{ type: 'subtitles', captions: srt, settings: { position: 'top', 'font-size': 16 } }] }));
  expect(brightIn(frameAt(r.file, 0.4), 0, 40)).toBeGreaterThan(10);
  expect(brightIn(frameAt(r.file, 1.0), 0, 90)).toBe(0);
  expect(brightIn(frameAt(r.file, 1.5), 0, 40)).toBeGreaterThan(10);
});

test('a subtitles element inside a scene (as real movies write it) subtitles the movie; a second one is refused', async () => {
  const srt = '1\n00:00:00,000 --> 00:00:00,800\nFirst line\n';
  const subs = { type: 'subtitles', captions: srt, settings: { position: 'top', 'font-size': 16 } };
  const r = await h.render(movie([{ duration: 1, 'background-color': '#0000ff', elements: [subs] }]));
  expect(brightIn(frameAt(r.file, 0.4), 0, 40)).toBeGreaterThan(10);
  await expect(h.render(movie([{ duration: 1, elements: [subs] }], { elements: [subs] }))).rejects.toMatchObject({
    code: 'invalid_movie', issues: [{ path: 'scenes[0].elements[0]', message: 'only one subtitles element per movie' }],
  });
});

test('subtitle styles: the spoken word in word-color (classic), words appearing as spoken (progressive)', async () => {
  const srt = '1\n00:00:00,000 --> 00:00:01,000\nAAAA BBBB\n';
  const subs = (style: string) => ({ type: 'subtitles', captions: srt, settings: { style, position: 'top', 'font-size': 18, 'word-color': '#ffff00', 'outline-width': 0 } });
  const classic = await h.render(movie([{ duration: 1, 'background-color': '#000000' }], { elements: [subs('classic')] }), { project: 'classic' });
  const progressive = await h.render(movie([{ duration: 1, 'background-color': '#000000' }], { elements: [subs('classic-progressive')] }), { project: 'progressive' });
  // yellow (red + green, no blue) and white pixels left and right of the middle, in the top band
  const count = (f: Frame) => {
    const n = { leftYellow: 0, leftWhite: 0, rightYellow: 0, rightWhite: 0 };
    for (let y = 0; y < 40; y++) for (let x = 0; x < f.width; x++) {
      const [r, g, b] = f.at(x, y);
      if (r < 160 || g < 160) continue;
      const side = x < f.width / 2 ? 'left' : 'right';
      if (b < 100) n[`${side}Yellow`]++;
      else if (b > 180) n[`${side}White`]++;
    }
    return n;
  };
  const early = count(frameAt(classic.file, 0.1));
  const late = count(frameAt(classic.file, 0.9));
  expect(early.leftYellow).toBeGreaterThan(10);
  expect(early.rightYellow).toBeLessThan(5); // a stray pixel or two: H.264 halves colour resolution at glyph edges
  expect(early.rightWhite).toBeGreaterThan(10);
  expect(late.rightYellow).toBeGreaterThan(10);
  expect(late.leftYellow).toBeLessThan(5);
  expect(late.leftWhite).toBeGreaterThan(10);
  const p0 = count(frameAt(progressive.file, 0.1));
  expect(p0.leftYellow).toBeGreaterThan(10);
  expect(p0.rightYellow + p0.rightWhite).toBe(0);
  expect(count(frameAt(progressive.file, 0.9)).rightYellow).toBeGreaterThan(10);
});

test('boxed-word: a box behind the spoken word only, moving with it', async () => {
  const srt = '1\n00:00:00,000 --> 00:00:01,000\nAAAA BBBB\n';
  const r = await h.render(movie([{ duration: 1, 'background-color': '#000000' }], {
    elements: [{ type: 'subtitles', captions: srt, settings: { style: 'boxed-word', position: 'top', 'font-size': 18, 'box-color': '#ff0000' } }],
  }));
  const red = (t: number) => {
    const f = frameAt(r.file, t);
    const n = { left: 0, right: 0 };
    for (let y = 0; y < 40; y++) for (let x = 0; x < f.width; x++) {
      const [rr, g, b] = f.at(x, y);
      if (rr > 150 && g < 80 && b < 80) n[x < f.width / 2 ? 'left' : 'right']++;
    }
    return n;
  };
  const early = red(0.1);
  const late = red(0.9);
  expect(early.left).toBeGreaterThan(50);
  expect(early.right).toBeLessThan(5);
  expect(late.right).toBeGreaterThan(50);
  expect(late.left).toBeLessThan(5);
});

test('subtitles from a VTT URL', async () => {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path.join(h.dir, 'media', 'caps.vtt'), 'WEBVTT\n\n00:00.000 --> 00:00.900\n<b>Hello</b> there\n');
  const r = await h.render(movie([{ duration: 1, 'background-color': '#0000ff' }], { elements: [{ type: 'subtitles', captions: src('caps.vtt'), settings: { 'font-size': 16 } }] }));
  expect(brightIn(frameAt(r.file, 0.5), 50, 90)).toBeGreaterThan(10);
});

test('audiogram draws the sound as a wave only while there is sound', async () => {
  const r = await h.render(movie([{
    duration: 2,
    elements: [
      { type: 'audio', src: src('tone05.wav') },
      { type: 'audiogram', color: '#00ff00', width: 160, height: 60, position: 'center-center', amplitude: 10 },
    ],
  }]));
  const green = (f: Frame) => {
    let n = 0;
    for (let y = 15; y < 75; y++) for (let x = 0; x < 160; x++) if (f.at(x, y)[1] > 150) n++;
    return n;
  };
  expect(green(frameAt(r.file, 0.2))).toBeGreaterThan(30);
  expect(green(frameAt(r.file, 1.5))).toBeLessThan(green(frameAt(r.file, 0.2)) / 4);
});
