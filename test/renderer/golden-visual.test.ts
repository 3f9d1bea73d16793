/**
 * Golden movies for pictures: every position, resize mode, z-index order, fades, effects, transition
 * families, text and movie-level overlays. Tiny (160×90, 10 fps, ≤ 2 s) so the suite stays fast;
 * each asserts on ffprobe and on pixels sampled from decoded frames.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expectColour, ffprobe, frameAt, harness, makeMedia, near, serveDir, type AssetServer, type Frame } from './helpers';

const h = harness('visual');
let server: AssetServer;
const src = (name: string) => `${server.url}/${name}`;
const movie = (scenes: unknown[], extra: object = {}) => ({ resolution: 'custom', width: 160, height: 90, fps: 10, quality: 'low', scenes, ...extra });

beforeAll(async () => {
  makeMedia(path.join(h.dir, 'media'));
  server = await serveDir(path.join(h.dir, 'media'));
});
afterAll(async () => {
  await server.close();
  h.cleanup();
});

test('output: H.264 yuv420p + AAC at the requested size, fps and duration (within one frame)', async () => {
  const r = await h.render(movie([{ duration: 1.5, 'background-color': '#ff0000' }]));
  const p = ffprobe(r.file);
  const v = p.streams.find((s) => s.codec_type === 'video')!;
  expect(v).toMatchObject({ codec_name: 'h264', width: 160, height: 90, r_frame_rate: '10/1', pix_fmt: 'yuv420p' });
  expect(p.streams.find((s) => s.codec_type === 'audio')?.codec_name).toBe('aac');
  expect(Math.abs(p.duration - 1.5)).toBeLessThanOrEqual(0.1);
  expect(r).toMatchObject({ width: 160, height: 90, fps: 10, format: 'mp4' });
  expect(r.size).toBeGreaterThan(0);
  expectColour(frameAt(r.file, 0.5), 80, 45, 'red');
  expectColour(frameAt(r.poster, 0), 80, 45, 'red');
});

test('the poster is the frame at 1 s (a third into shorter movies), and nothing partial is left', async () => {
  // blue until 0.9 s, then red: a poster taken at 0 would be blue
  const r = await h.render(movie([{ duration: 0.9, 'background-color': '#0000ff' }, { duration: 2.1, 'background-color': '#ff0000' }]));
  expectColour(frameAt(r.poster, 0), 80, 45, 'red');
  // a third into 0.6 s is 0.2 s: still blue
  const short = await h.render(movie([{ duration: 0.3, 'background-color': '#0000ff' }, { duration: 0.3, 'background-color': '#ff0000' }], { format: 'gif' }));
  expectColour(frameAt(short.poster, 0), 80, 45, 'blue');
  expect(readdirSync(path.dirname(r.file)).filter((f) => f.includes('.partial.'))).toEqual([]);
});

test('the nine position presets and custom x/y', async () => {
  const positions = ['top-left', 'top-center', 'top-right', 'center-left', 'center-center', 'center-right', 'bottom-left', 'bottom-center', 'bottom-right'];
  const r = await h.render(movie([{
    duration: 1,
    elements: [
      ...positions.map((position) => ({ type: 'image', src: src('red.png'), width: 20, height: 20, position })),
      { type: 'image', src: src('green.png'), width: 10, height: 10, position: 'custom', x: 40, y: 60 },
    ],
  }]));
  const f = frameAt(r.file, 0.5);
  const xs = [10, 80, 150];
  const ys = [10, 45, 80];
  for (const y of ys) for (const x of xs) expectColour(f, x, y, 'red');
  expectColour(f, 45, 65, 'green');
  expectColour(f, 45, 30, 'black');
  expectColour(f, 115, 65, 'black');
});

test.each([
  // bands.png is red|green|blue (2:1 wide) put in a 40×40 box at the top-left.
  ['cover', { x: 8, y: 20, colour: 'green' }, { x: 20, y: 36, colour: 'green' }],
  ['fill', { x: 8, y: 20, colour: 'red' }, { x: 20, y: 36, colour: 'green' }],
  ['fit', { x: 8, y: 10, colour: 'red' }, { x: 20, y: 30, colour: 'black' }],
  ['contain', { x: 20, y: 4, colour: 'black' }, { x: 20, y: 20, colour: 'green' }],
] as const)('resize %s', async (resize, a, b) => {
  const r = await h.render(movie([{ duration: 1, elements: [{ type: 'image', src: src('bands.png'), width: 40, height: 40, position: 'top-left', resize }] }]));
  const f = frameAt(r.file, 0.5);
  expectColour(f, a.x, a.y, a.colour);
  expectColour(f, b.x, b.y, b.colour);
});

test('z-index orders layers; without it, later elements are on top', async () => {
  const r = await h.render(movie([{
    duration: 1,
    elements: [
      { type: 'image', src: src('red.png'), width: 40, height: 40, position: 'top-left', 'z-index': 5 },
      { type: 'image', src: src('green.png'), width: 40, height: 40, position: 'top-left', 'z-index': 1 },
      { type: 'image', src: src('red.png'), width: 40, height: 40, position: 'top-right' },
      { type: 'image', src: src('blue.png'), width: 40, height: 40, position: 'top-right' },
    ],
  }]));
  const f = frameAt(r.file, 0.5);
  expectColour(f, 20, 20, 'red');
  expectColour(f, 140, 20, 'blue');
});

test('element start and duration inside a scene; fade-in starts black, fade-out ends black', async () => {
  const r = await h.render(movie([{
    duration: 2,
    elements: [
      { type: 'image', src: src('red.png'), start: 0.5, duration: 1, width: 40, height: 40, position: 'top-left' },
      { type: 'image', src: src('green.png'), width: 40, height: 40, position: 'top-right', 'fade-in': 1, 'fade-out': 0.5 },
    ],
  }]));
  const at = (t: number) => frameAt(r.file, t);
  expectColour(at(0.2), 20, 20, 'black');
  expectColour(at(1.0), 20, 20, 'red');
  expectColour(at(1.8), 20, 20, 'black');
  const early = at(0.05).at(140, 20);
  expect(early[1]).toBeLessThan(60);
  expectColour(at(1.2), 140, 20, 'green');
  expect(at(1.9).at(140, 20)[1]).toBeLessThan(100);
});

test('effects: flip, crop, correction, chroma-key', async () => {
  const r = await h.render(movie([{
    duration: 1,
    'background-color': '#ffff00',
    elements: [
      { type: 'image', src: src('halves.png'), width: 40, height: 40, position: 'top-left', 'flip-horizontal': true },
      { type: 'image', src: src('halves.png'), width: 40, height: 40, position: 'top-center', crop: { x: 32, y: 0, width: 32, height: 64 } },
      { type: 'image', src: src('red.png'), width: 40, height: 40, position: 'top-right', correction: { saturation: 0 } },
      { type: 'image', src: src('green.png'), width: 40, height: 40, position: 'bottom-left', 'chroma-key': { color: '#00ff00', tolerance: 20 } },
    ],
  }]));
  const f = frameAt(r.file, 0.5);
  expectColour(f, 8, 20, 'blue');
  expectColour(f, 32, 20, 'red');
  expectColour(f, 66, 20, 'blue');
  expectColour(f, 94, 20, 'blue');
  const grey = f.at(140, 20);
  expect(Math.abs(grey[0] - grey[1])).toBeLessThan(30);
  expectColour(f, 20, 70, 'yellow');
});

test('zoom and rotate change the picture over time without moving the element box', async () => {
  const r = await h.render(movie([{
    duration: 2,
    elements: [
      { type: 'image', src: src('bands.png'), width: 60, height: 60, position: 'top-left', resize: 'fill', zoom: 10 },
      { type: 'image', src: src('halves.png'), width: 40, height: 40, position: 'top-right', rotate: { angle: 180 } },
    ],
  }]));
  // Zooming 1.5× into the centre pushes the red band (the left third) partly out of the box.
  expectColour(frameAt(r.file, 0.0), 18, 30, 'red');
  expectColour(frameAt(r.file, 1.9), 18, 30, 'green');
  // Rotated 180°: blue half now on the left.
  expectColour(frameAt(r.file, 0.5), 128, 20, 'blue');
});

const TRANSITIONS = ['fade', 'fadeblack', 'fadewhite', 'dissolve', 'wipeleft', 'wipeup', 'slideleft', 'slidedown', 'smoothleft', 'circleopen', 'circleclose', 'pixelize', 'zoomin', 'radial', 'hlslice'];

test.each(TRANSITIONS)('transition %s overlaps the scenes and blends both mid-way', async (style) => {
  const r = await h.render(movie([
    { duration: 1, 'background-color': '#ff0000' },
    { duration: 1, 'background-color': '#0000ff', transition: { style, duration: 0.8 } },
  ]));
  // 1 + 1 − 0.8 s of overlap.
  expect(Math.abs(ffprobe(r.file).duration - 1.2)).toBeLessThanOrEqual(0.1);
  expectColour(frameAt(r.file, 0.05), 80, 45, 'red');
  expectColour(frameAt(r.file, 1.1), 80, 45, 'blue');
  // Around the midpoint a frame is neither all scene A nor all scene B (zoomin blends late).
  const mixed = [0.5, 0.6, 0.8].some((t) => {
    const f = frameAt(r.file, t);
    const c = count(f);
    return c.red < f.width * f.height * 0.95 && c.blue < f.width * f.height * 0.95;
  });
  expect(mixed).toBe(true);
});

function count(f: Frame): { red: number; blue: number } {
  let red = 0;
  let blue = 0;
  for (let y = 0; y < f.height; y += 2) for (let x = 0; x < f.width; x += 2) {
    const p = f.at(x, y);
    if (near(p, [255, 0, 0], 30)) red += 4;
    else if (near(p, [0, 0, 255], 30)) blue += 4;
  }
  return { red, blue };
}

test('a fade midpoint is an even blend of both scenes', async () => {
  const r = await h.render(movie([
    { duration: 1, 'background-color': '#ff0000' },
    { duration: 1, 'background-color': '#0000ff', transition: { style: 'fade', duration: 1 } },
  ]));
  const p = frameAt(r.file, 0.5).at(80, 45);
  expect(near(p, [128, 0, 128], 45)).toBe(true);
});

test('text draws inside its box and nowhere else; words wrap', async () => {
  const r = await h.render(movie([{
    duration: 1,
    'background-color': '#0000ff',
    elements: [{ type: 'text', text: 'Hello wrapped world', width: 80, height: 50, position: 'center-center', settings: { 'font-size': 14, color: '#ffffff' } }],
  }]));
  const f = frameAt(r.file, 0.5);
  let inside = 0;
  let outside = 0;
  for (let y = 0; y < f.height; y++) for (let x = 0; x < f.width; x++) {
    const bright = f.at(x, y)[0] > 150;
    const inBox = x >= 40 - 2 && x < 120 + 2 && y >= 20 - 2 && y < 70 + 2;
    if (bright && inBox) inside++;
    if (bright && !inBox) outside++;
  }
  expect(inside).toBeGreaterThan(40);
  expect(outside).toBe(0);
  // Wrapped onto at least two lines: bright pixels in the upper and lower half of the box.
  let upper = 0;
  let lower = 0;
  for (let x = 40; x < 120; x++) for (let y = 20; y < 70; y++) {
    if (f.at(x, y)[0] <= 150) continue;
    if (y < 45) upper++;
    else lower++;
  }
  expect(upper).toBeGreaterThan(10);
  expect(lower).toBeGreaterThan(10);
});

test('text styles: 003 word by word, 004 letter by letter, 010 letters leave, 002 fades in, 011 boxes each line', async () => {
  const text = (style: string, extra: object = {}) => ({
    type: 'text', text: 'WW WW', style, width: 140, height: 40, position: 'center-center', settings: { 'font-size': 20, color: '#ffffff', 'text-align': 'left' }, ...extra,
  });
  const scene = (el: object) => ({ duration: 2, 'background-color': '#0000ff', elements: [el] });
  const r = await h.render(movie([scene(text('003')), scene(text('004')), scene(text('010')), scene(text('002')), scene(text('011', { settings: { 'font-size': 20, color: '#ffffff', 'background-color': '#ff0000', 'text-align': 'left' } }))]));
  // bright pixels of the text's left and right word (the box spans x 10..150; at 20 px "WW " is about
  // 46 px wide, so the first word ends before x 52 and the second starts after it)
  const words = (t: number) => {
    const f = frameAt(r.file, t);
    let left = 0;
    let right = 0;
    for (let y = 25; y < 65; y++) for (let x = 10; x < 150; x++) {
      if (f.at(x, y)[1] < 150) continue; // white text only: the blue background and red boxes have no green
      if (x < 52) left++;
      else right++;
    }
    return { left, right };
  };
  // 003: the second word comes 0.3 s after the first
  expect(words(0.05)).toMatchObject({ left: expect.any(Number), right: 0 });
  expect(words(0.05).left).toBeGreaterThan(10);
  expect(words(1).right).toBeGreaterThan(10);
  // 004: letters 25 ms apart, so by 0.3 s everything is there; at the first frame only the first letter
  const first = words(2.0);
  expect(first.left).toBeGreaterThan(5);
  expect(first.right).toBe(0);
  expect(words(2.5).right).toBeGreaterThan(10);
  // 010: all there until the last second, then letters leave in order: the last frame is empty
  expect(words(4.5).right).toBeGreaterThan(10);
  expect(words(5.95)).toEqual({ left: 0, right: 0 });
  // 002: a 2 s fade-in: dim at first, brighter later
  const level = (t: number) => {
    const f = frameAt(r.file, t);
    let max = 0;
    for (let y = 25; y < 65; y++) for (let x = 10; x < 150; x++) max = Math.max(max, f.at(x, y)[1]);
    return max;
  };
  expect(level(6.1)).toBeLessThan(level(7.9) - 80);
  // 011: a red box behind the line, not over the whole element box (which reaches x 150)
  const f = frameAt(r.file, 9);
  let redNearText = 0;
  let redFar = 0;
  for (let y = 25; y < 65; y++) for (let x = 10; x < 150; x++) {
    if (!near(f.at(x, y), [255, 0, 0], 60)) continue;
    if (x < 110) redNearText++;
    else redFar++;
  }
  expect(redNearText).toBeGreaterThan(200);
  expect(redFar).toBe(0);
  expectColour(f, 148, 28, 'blue');
});

test('an unknown text style is refused with its path', async () => {
  await expect(h.render(movie([{ duration: 1, elements: [{ type: 'text', text: 'x', style: '999' }] }]))).rejects.toMatchObject({
    code: 'invalid_movie',
    message: expect.stringContaining('scenes[0].elements[0].style'),
  });
});

test('text background, alignment and variables', async () => {
  const r = await h.render(movie([{
    duration: 1,
    elements: [{ type: 'text', text: '{{label}}', width: 80, height: 30, position: 'top-left', settings: { 'background-color': '#ff0000', 'text-align': 'left', 'font-size': 12 } }],
  }], { variables: { label: 'Hi' } }));
  const f = frameAt(r.file, 0.5);
  // background-color paints the text box (the block of lines: the box's width, one line tall,
  // centred), not the whole 80×30 element box, as in JSON2Video's CSS model.
  expectColour(f, 75, 15, 'red');
  expectColour(f, 75, 2, 'black');
  expectColour(f, 75, 28, 'black');
  expectColour(f, 100, 15, 'black');
  let leftBright = 0;
  for (let x = 0; x < 30; x++) for (let y = 0; y < 30; y++) if (f.at(x, y)[1] > 150) leftBright++;
  expect(leftBright).toBeGreaterThan(5);
});

test('movie-level elements span every scene (a watermark)', async () => {
  const r = await h.render(movie([
    { duration: 1, 'background-color': '#0000ff' },
    { duration: 1, 'background-color': '#ffff00' },
  ], { elements: [{ type: 'image', src: src('red.png'), width: 20, height: 20, position: 'bottom-right' }] }));
  expectColour(frameAt(r.file, 0.5), 150, 80, 'red');
  expectColour(frameAt(r.file, 1.5), 150, 80, 'red');
  expectColour(frameAt(r.file, 1.5), 20, 20, 'yellow');
});

test('iterate renders one scene per array item', async () => {
  const r = await h.render(movie([{ iterate: 'colours', duration: 0.5, 'background-color': '{{item}}' }], { variables: { colours: ['#ff0000', '#0000ff'] } }));
  expect(Math.abs(ffprobe(r.file).duration - 1)).toBeLessThanOrEqual(0.1);
  expectColour(frameAt(r.file, 0.2), 80, 45, 'red');
  expectColour(frameAt(r.file, 0.7), 80, 45, 'blue');
});

test('conditions and variables choose what is drawn', async () => {
  const r = await h.render(movie([{
    duration: 1,
    'background-color': '{{bg}}',
    elements: [
      { type: 'image', src: src('red.png'), width: 40, height: 40, position: 'top-left', condition: '{{showRed}}' },
      { type: 'image', src: src('{{img}}'), width: 40, height: 40, position: 'top-right', condition: 'count > 1' },
    ],
  }], { variables: { bg: '#ffff00', showRed: false, img: 'blue.png', count: 2 } }));
  const f = frameAt(r.file, 0.5);
  expectColour(f, 20, 20, 'yellow');
  expectColour(f, 140, 20, 'blue');
});

test('video element: its own length fits the scene, resized to cover', async () => {
  const r = await h.render(movie([{ elements: [{ type: 'video', src: src('green.mp4') }] }]));
  expect(Math.abs(ffprobe(r.file).duration - 2)).toBeLessThanOrEqual(0.1);
  expectColour(frameAt(r.file, 1), 5, 5, 'green');
  expectColour(frameAt(r.file, 1), 155, 85, 'green');
});

test('draft adds a watermark; gif and webm formats', async () => {
  const draft = await h.render(movie([{ duration: 1, 'background-color': '#0000ff' }], { draft: true }));
  let changed = 0;
  const f = frameAt(draft.file, 0.5);
  for (let x = 20; x < 140; x++) if (!near(f.at(x, 45), [0, 0, 255], 40)) changed++;
  expect(changed).toBeGreaterThan(10);

  const gif = await h.render(movie([{ duration: 1, 'background-color': '#ff0000' }], { format: 'gif' }), { project: 'g' });
  expect(gif.file.endsWith('.gif')).toBe(true);
  expect(ffprobe(gif.file).streams.map((s) => s.codec_name)).toEqual(['gif']);
  expectColour(frameAt(gif.file, 0.5), 80, 45, 'red');

  const webm = await h.render(movie([{ duration: 1, 'background-color': '#ff0000' }], { format: 'webm' }), { project: 'w' });
  expect(ffprobe(webm.file).streams.map((s) => s.codec_name).sort()).toEqual(['opus', 'vp9']);
});

test('opacity: an element at 0.5 lets the scene show through; "1" as a string is opaque', async () => {
  const r = await h.render(movie([{
    duration: 1,
    'background-color': '#0000ff',
    elements: [
      { type: 'image', src: src('red.png'), width: 80, height: 90, position: 'top-left', opacity: 0.5 },
      { type: 'image', src: src('red.png'), width: 80, height: 90, position: 'top-right', opacity: '1' },
    ],
  }]));
  const f = frameAt(r.file, 0.5);
  const [red, , blue] = f.at(40, 45);
  // Half red over blue: both channels well present, neither full.
  expect(red).toBeGreaterThan(90);
  expect(red).toBeLessThan(170);
  expect(blue).toBeGreaterThan(90);
  expect(blue).toBeLessThan(170);
  expectColour(f, 120, 45, 'red');
});
