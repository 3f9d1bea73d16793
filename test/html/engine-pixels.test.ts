/**
 * The HTML engine through the real pipeline (Chromium, ffmpeg): html elements where their box says,
 * CSS animations at their midpoint, texts placed and styled as CSS lays them out, the same frames
 * every time. Each expectation is read off decoded frames of the rendered movie.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { closeBrowser } from '../../renderer/src/html/browser';
import { frameAt, harness, near, type Frame, type RenderHarness } from '../renderer/helpers';

let h: RenderHarness;
beforeAll(() => {
  h = harness('html-engine');
});
afterAll(async () => {
  await closeBrowser();
  h.cleanup();
});

const scene = (elements: unknown[], extra: Record<string, unknown> = {}) => ({
  resolution: 'custom', width: 640, height: 360, fps: 25, scenes: [{ 'background-color': '#000000', duration: 2, elements }], ...extra,
});

/** Rows holding a pixel brighter than `min` on every channel. */
function brightRows(f: Frame, min = 180): number[] {
  const rows: number[] = [];
  for (let y = 0; y < f.height; y++) {
    for (let x = 0; x < f.width; x++) {
      const [r, g, b] = f.at(x, y);
      if (r > min && g > min && b > min) {
        rows.push(y);
        break;
      }
    }
  }
  return rows;
}

test('an html element: a red div exactly where its box is, the scene everywhere else', async () => {
  const red = { type: 'html', html: '<div style="width:100%;height:100%;background:#ff0000"></div>', x: 100, y: 60, width: 200, height: 120 };
  const r = await h.render({ ...scene([]), scenes: [{ 'background-color': '#0000ff', duration: 1, elements: [red] }] });
  const f = frameAt(r.file, 0.5);
  expect(near(f.at(110, 70), [255, 0, 0])).toBe(true);
  expect(near(f.at(290, 170), [255, 0, 0])).toBe(true);
  for (const [x, y] of [[90, 70], [310, 70], [110, 50], [110, 190], [500, 300]]) expect(near(f.at(x, y), [0, 0, 255])).toBe(true);
});

test('a CSS animation is at its midpoint half-way through the element', async () => {
  const html = '<style>@keyframes go{from{left:0}to{left:540px}}</style><div style="position:absolute;top:130px;left:0;width:100px;height:100px;background:#fff;animation:go 2s linear forwards"></div>';
  const r = await h.render(scene([{ type: 'html', html, width: 640, height: 360, x: 0, y: 0 }]));
  const f = frameAt(r.file, 1);
  // left = 270 at t = 1 s: the box spans x 270..370.
  expect(near(f.at(320, 180), [255, 255, 255])).toBe(true);
  expect(near(f.at(250, 180), [0, 0, 0])).toBe(true);
  expect(near(f.at(390, 180), [0, 0, 0])).toBe(true);
  const start = frameAt(r.file, 0);
  expect(near(start.at(50, 180), [255, 255, 255])).toBe(true);
});

test('texts: vertical-position top + margin-top in the top band, bottom in the bottom band (CSS path)', async () => {
  const r = await h.render(scene([
    { type: 'text', text: 'TOP', settings: { 'vertical-position': 'top', 'margin-top': '30px', 'font-size': '40px', 'letter-spacing': '2px' } },
    { type: 'text', text: 'BOTTOM', settings: { 'vertical-position': 'bottom', 'margin-bottom': '30px', 'font-size': '40px', 'text-transform': 'lowercase' } },
  ]));
  const rows = brightRows(frameAt(r.file, 0.5));
  const top = rows.filter((y) => y < 180);
  const bottom = rows.filter((y) => y >= 180);
  expect(Math.min(...top)).toBeGreaterThanOrEqual(30);
  expect(Math.max(...top)).toBeLessThan(100);
  expect(Math.max(...bottom)).toBeLessThanOrEqual(330);
  expect(Math.min(...bottom)).toBeGreaterThan(260);
});

test('an eight-shadow outline draws dark pixels around white text on a white picture', async () => {
  const outline = ['2px 2px', '-2px -2px', '2px -2px', '-2px 2px', '0 2px', '0 -2px', '2px 0', '-2px 0'].map((o) => `${o} 0 #000`).join(',');
  const movie = { resolution: 'custom', width: 640, height: 360, fps: 25, scenes: [{ 'background-color': '#ffffff', duration: 1, elements: [{ type: 'text', text: 'OUTLINE', settings: { 'font-size': '80px', color: '#ffffff', 'text-shadow': outline } }] }] };
  const f = frameAt((await h.render(movie)).file, 0.5);
  let dark = 0;
  for (let y = 100; y < 260; y++) for (let x = 0; x < 640; x++) if (f.at(x, y).every((v) => v < 60)) dark++;
  // Without the shadows the frame is all white; with them the letters' outlines are there.
  expect(dark).toBeGreaterThan(500);
});

test('6vw is 6% of the canvas width, not of the element: the cap height of 6vw text in a 500 px box on a 1000 px canvas', async () => {
  const text = { type: 'text', text: 'HHHH', x: 0, y: 0, width: 500, height: 400, settings: { 'font-size': '6vw', 'font-family': 'DejaVu Sans', 'letter-spacing': '0px' } };
  const movie = { resolution: 'custom', width: 1000, height: 400, fps: 25, scenes: [{ 'background-color': '#000000', duration: 1, elements: [text] }] };
  const rows = brightRows(frameAt((await h.render(movie)).file, 0.5), 120);
  // 60 px DejaVu Sans: its capitals are 0.729 em tall = 43.7 px (6% of the box would give 22, 6vh 17).
  expect(rows.length).toBeGreaterThanOrEqual(41);
  expect(rows.length).toBeLessThanOrEqual(47);
});

test('an animated element rendered twice (no cache) gives the same frames, byte for byte', async () => {
  const el = { type: 'text', text: 'Same every time', style: '009', cache: false, settings: { 'font-size': '48px' } };
  const layers = path.join(h.dir, 'data', 'cache', 'layers');
  const framesOf = async () => {
    await h.render(scene([el]));
    const dir = readdirSync(layers).find((f) => f.endsWith('.frames'))!;
    return readdirSync(path.join(layers, dir)).sort().map((f) => readFileSync(path.join(layers, dir, f)));
  };
  const a = await framesOf();
  const b = await framesOf();
  // Pictures of the letters' flight (and the list of how long each stays): more than a few, all equal.
  expect(a.length).toBeGreaterThan(10);
  expect(b).toEqual(a);
});

test("a page's script runs on the virtual clock: no time passes while it loads, its timer fires on its frame", async () => {
  const html = '<div id="late" style="width:640px;height:360px;background:#00ff00;visibility:hidden"></div><script>'
    // About 0.2 s of real work at load: page time must not move meanwhile.
    + 'let x = 0; for (let i = 0; i < 2e8; i++) x += i;'
    + 'if (performance.now() === 0 && Date.now() === 0) setTimeout(() => { document.getElementById("late").style.visibility = "visible"; }, 500);</script>';
  const r = await h.render(scene([{ type: 'html', html, width: 640, height: 360, x: 0, y: 0, cache: false }]));
  expect(near(frameAt(r.file, 0.44).at(320, 180), [0, 0, 0], 12)).toBe(true);
  expect(near(frameAt(r.file, 0.52).at(320, 180), [0, 255, 0], 40)).toBe(true);
});

test('an html snippet naming a bundled font is drawn in it, not in the browser default', async () => {
  const inkWidth = async (family: string) => {
    const html = `<div style="font-family:'${family}';font-size:60px;color:#fff;white-space:nowrap">Wide words here</div>`;
    const f = frameAt((await h.render(scene([{ type: 'html', html, x: 0, y: 0, width: 640, height: 360 }]))).file, 0.5);
    const cols: number[] = [];
    for (let x = 0; x < f.width; x++) for (let y = 0; y < 120; y++) if (f.at(x, y)[0] > 128) { cols.push(x); break; }
    return cols.length ? Math.max(...cols) - Math.min(...cols) : 0;
  };
  // Bebas Neue is a condensed face: the same words are far narrower than in the default sans-serif.
  const [condensed, fallback] = [await inkWidth('Bebas Neue'), await inkWidth('No Such Font')];
  expect(condensed).toBeGreaterThan(100);
  expect(condensed).toBeLessThan(fallback * 0.9);
});
