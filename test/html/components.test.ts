/**
 * JSON2Video's components (renderer/src/html/components) drawn by Chromium as the engine will draw
 * them (test/html/component-page.ts): each one's text is visible in its own colour where its box
 * and settings put it, the rest of the box stays transparent, animated ones move (start, midpoint
 * and end differ) and the same time always gives the same picture.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { closeBrowser } from '../../renderer/src/html/browser';
import { frameAt, harness, near, serveDir } from '../renderer/helpers';
import { census, IMAGES, openComponent, type Shot } from './component-page';

const W = 640;
const H = 360;
const ctx = { width: W, height: H, duration: 5, fps: 25 };
const GREEN: [number, number, number] = [0, 255, 0];
const MAGENTA: [number, number, number] = [255, 0, 255];
const BLUE: [number, number, number] = [0, 0, 255];

const top = { x0: 0, y0: 0, x1: W, y1: H / 2 };
const bottom = { x0: 0, y0: H / 2, x1: W, y1: H };
const whole = { x0: 0, y0: 0, x1: W, y1: H };
const centre = { x0: W / 4, y0: H / 4, x1: (3 * W) / 4, y1: (3 * H) / 4 };
const corners = [{ x0: 0, y0: 0, x1: 40, y1: 40 }, { x0: W - 40, y0: H - 40, x1: W, y1: H }];

afterAll(() => closeBrowser());

/** Flat pictures the image components show, served to their pages under IMAGES. */
const flat = (rgb: string) => spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `color=${rgb}:s=64x64`, '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1']).stdout;
/** Four upright bands, red | green | blue | magenta (64×64). */
const bands = spawnSync('ffmpeg', ['-v', 'error', ...['red', 'lime', 'blue', 'magenta'].flatMap((c) => ['-f', 'lavfi', '-i', `color=${c}:s=16x64`]),
  '-filter_complex', 'hstack=inputs=4', '-frames:v', '1', '-f', 'image2pipe', '-c:v', 'png', 'pipe:1']).stdout;
const PICTURES = { 'green.png': flat('0x00ff00'), 'magenta.png': flat('0xff00ff'), 'bands.png': bands };

interface Case {
  id: string;
  settings: unknown;
  /** A time inside the intro, and one after it. */
  mid: number;
  end: number;
  /** Its text (or shape) colour must show here… */
  colour: [number, number, number];
  where: typeof top;
  /** …and these regions must be fully transparent. */
  empty: (typeof top)[];
}

const CASES: Case[] = [
  { id: 'basic/000', mid: 0.5, end: 3, colour: GREEN, where: top, empty: [{ x0: 0, y0: 300, x1: W, y1: H }], settings: { headline: { text: 'Headline', color: '#00ff00' }, body: { text: ['First paragraph', 'Second'], color: '#ff00ff' } } },
  { id: 'basic/001', mid: 0.6, end: 4, colour: GREEN, where: top, empty: [{ x0: 0, y0: 300, x1: W, y1: H }], settings: { headline: { text: 'Headline', color: '#00ff00' }, body: { text: 'Body', color: 'white' }, bar: { background: '#0000ff' } } },
  { id: 'basic/050', mid: 0.6, end: 3, colour: GREEN, where: bottom, empty: [top], settings: { headline: { text: 'Breaking news', color: '#00ff00' }, lead: { text: 'More below' } } },
  { id: 'basic/051', mid: 0.3, end: 3, colour: GREEN, where: bottom, empty: [top], settings: { headline: { text: 'A name', color: '#ffffff', background: '#0000ff' }, image: { src: `${IMAGES}/green.png` } } },
  { id: 'basic/052', mid: 0.4, end: 3, colour: GREEN, where: bottom, empty: [top], settings: { section: { text: 'NEWS', color: '#00ff00' }, headline: { text: 'Something happened' } } },
  { id: 'basic/100', mid: 0.3, end: 3, colour: GREEN, where: { x0: 0, y0: 0, x1: W / 2, y1: H }, empty: [{ x0: W / 2 + 10, y0: 0, x1: W, y1: H }], settings: { box: { final_width: '50%', background: '#00ff00', 'box-shadow': 'none' } } },
  { id: 'basic/125', mid: 0.5, end: 3, colour: GREEN, where: top, empty: [{ x0: 0, y0: 300, x1: W, y1: H }], settings: { table: { color: '#00ff00', 'font-size': '4vw' }, data: { columns: ['Plan', 'Price'], rows: [['Basic', '$10'], ['Pro', '$20']] } } },
  { id: 'advanced/000', mid: 0.4, end: 1.2, colour: GREEN, where: centre, empty: corners, settings: { animation: { text: 'Zoom', color: '#00ff00', 'font-size': '12vw' } } },
  { id: 'advanced/001', mid: 0.5, end: 4, colour: GREEN, where: centre, empty: corners, settings: { animation: { text: 'Zoom in words', color: '#00ff00', 'font-size': '8vw' } } },
  { id: 'advanced/050', mid: 0.4, end: 1, colour: GREEN, where: centre, empty: corners, settings: { button: { text: 'Click me', color: '#00ff00', background: '#0000ff' } } },
  { id: 'advanced/051', mid: 1, end: 3, colour: GREEN, where: centre, empty: corners, settings: { button: { text: 'Click me', color: '#00ff00', background: '#0000ff' } } },
  { id: 'advanced/060', mid: 2.5, end: 5.5, colour: GREEN, where: centre, empty: corners, settings: { counter: { text: '__num__ pts', from: 0, to: 500, color: '#00ff00', duration: '5000' } } },
  { id: 'advanced/070', mid: 0.5, end: 3, colour: GREEN, where: centre, empty: corners, settings: { rating: { value: 3, color: '#00ff00', 'off-color': '#ff00ff', size: '10vw' } } },
  { id: 'shape/rectangle', mid: 0.7, end: 2, colour: GREEN, where: { x0: 0, y0: 0, x1: W / 2, y1: H }, empty: [{ x0: W / 2 + 10, y0: 0, x1: (3 * W) / 4 - 10, y1: H }], settings: {
    rectangle1: { left: '0%', top: '0%', width: '50%', height: '100%', background: '#00ff00' },
    rectangle2: { left: '0%', top: '0%', width: '25%', height: '100%', background: '#0000ff', animate: { left: '75%', duration: 1000, easing: 'easeInOutQuad', delay: 200 } },
  } },
  { id: 'textbox/simple', mid: 0.7, end: 2, colour: GREEN, where: { x0: 0, y0: 0, x1: W / 2, y1: H }, empty: [{ x0: W / 2 + 10, y0: 0, x1: (3 * W) / 4 - 10, y1: H }], settings: {
    textbox1: { left: '0%', top: '0%', width: '50%', height: '100%', text: 'Fit me', color: '#00ff00' },
    textbox2: { left: '0%', top: '0%', width: '25%', height: '100%', text: 'Go', color: '#0000ff', animate: { left: '75%', duration: 1000, easing: 'easeInOutQuad', delay: 200 } },
  } },
  { id: 'shape/polygon', mid: 0.7, end: 2, colour: GREEN, where: { x0: 0, y0: 0, x1: W / 2, y1: H }, empty: [{ x0: W / 2 + 10, y0: 0, x1: (3 * W) / 4 - 10, y1: H }], settings: {
    polygon1: { left: '0%', top: '0%', width: '50%', height: '100%', points: '0,0 100,0 100,100 0,100' },
    polygon2: { left: '0%', top: '0%', width: '25%', height: '100%', points: '0,0 100,0 100,100 0,100', fill: '#0000ff', animate: { left: '75%', duration: 1000, easing: 'easeInOutQuad', delay: 200 } },
  } },
  { id: 'advanced/100', mid: 0.5, end: 2, colour: GREEN, where: { x0: W / 2, y0: 0, x1: W, y1: H }, empty: [{ x0: 0, y0: 0, x1: W / 2 - 1, y1: H }], settings: { image: { src: `${IMAGES}/green.png` } } },
  { id: 'shape/cutout', mid: 0.5, end: 2, colour: GREEN, where: { x0: W / 2, y0: 0, x1: W, y1: H }, empty: [{ x0: 0, y0: 0, x1: W / 2, y1: H }], settings: {
    background: { 'background-image': `${IMAGES}/green.png` }, cutout: { shape: 'circle', x: '25%', r: '10%', animate: { x: '75%', duration: 1000 } },
  } },
  { id: 'shape/html', mid: 0.7, end: 2, colour: GREEN, where: { x0: 0, y0: 0, x1: W / 2, y1: H }, empty: [{ x0: W / 2 + 10, y0: 0, x1: (3 * W) / 4 - 10, y1: H }], settings: {
    html1: { left: '0%', top: '0%', width: '50%', height: '100%', html: '<svg width="100%" height="100%" style="display:block"><rect width="100%" height="100%" fill="#00ff00"/></svg>' },
    html2: { left: '0%', top: '0%', width: '25%', height: '100%', html: '<div style="height:360px;background:#0000ff"></div>', animate: { left: '75%', duration: 1000, easing: 'easeInOutQuad', delay: 200 } },
  } },
  { id: 'shape/3dbox', mid: 2.5, end: 5.5, colour: GREEN, where: centre, empty: corners, settings: { front: { 'background-color': '#00ff00' }, size: { width: '30vw', height: '20vw', depth: '10vw' } } },
];

const differs = (a: Shot, b: Shot) => !a.png.equals(b.png);

describe.each(CASES)('$id', (c) => {
  test('its text/shape shows in its colour where it belongs, the rest is transparent; it moves; seeking is deterministic', async () => {
    const p = await openComponent(c.id, c.settings, ctx, undefined, PICTURES);
    try {
      const start = await p.shot(0);
      const mid = await p.shot(c.mid);
      const end = await p.shot(c.end);
      expect(census(end, c.where, c.colour).matching).toBeGreaterThan(150);
      for (const region of c.empty) {
        const r = census(end, region);
        expect(r.transparent).toBe(r.total);
      }
      expect(differs(start, mid)).toBe(true);
      expect(differs(mid, end)).toBe(true);
      // The same time, sought again after another: the very same picture.
      await p.shot(0.1);
      expect((await p.shot(c.mid)).png.equals(mid.png)).toBe(true);
    } finally {
      await p.close();
    }
  });
});

test('basic/001 draws its bar in the bar colour; advanced/070 lights three of five symbols', async () => {
  const card = await openComponent('basic/001', CASES.find((c) => c.id === 'basic/001')!.settings, ctx);
  try {
    expect(census(await card.shot(4), whole, BLUE).matching).toBeGreaterThan(500);
  } finally {
    await card.close();
  }
  const rating = await openComponent('advanced/070', CASES.find((c) => c.id === 'advanced/070')!.settings, ctx);
  try {
    const s = await rating.shot(3);
    const on = census(s, whole, GREEN).matching;
    const off = census(s, whole, MAGENTA).matching;
    expect(on / off).toBeGreaterThan(1.3);
    expect(on / off).toBeLessThan(1.7);
  } finally {
    await rating.close();
  }
});

test('advanced/060 counts in CSS: the integer part and each decimal digit at the end and half-way', async () => {
  const p = await openComponent('advanced/060', { counter: { from: 0, to: '4.35', decimals: 2, duration: 2000, easing: 'linear' } }, ctx);
  const digits = () => p.page.evaluate(`(() => {
    const s = getComputedStyle(document.querySelector('.num'));
    return ['--i', '--d1', '--d2'].map((k) => s.getPropertyValue(k).trim()).join(',');
  })()`);
  try {
    await p.shot(2);
    expect(await digits()).toBe('4,3,5');
    await p.shot(1);
    expect(await digits()).toBe('2,1,7');
    await p.shot(0);
    expect(await digits()).toBe('0,0,0');
  } finally {
    await p.close();
  }
});

test('shape/rectangle: the animated rectangle ends at its target, after its delay', async () => {
  const p = await openComponent('shape/rectangle', CASES.find((c) => c.id === 'shape/rectangle')!.settings, ctx);
  try {
    expect(census(await p.shot(0.1), { x0: 10, y0: 10, x1: 60, y1: 60 }, BLUE).matching).toBeGreaterThan(2000);
    expect(census(await p.shot(2), { x0: W - 60, y0: 10, x1: W - 10, y1: 60 }, BLUE).matching).toBeGreaterThan(2000);
  } finally {
    await p.close();
  }
});

test('text is text: markup in settings is escaped, only bare inline tags stay', async () => {
  const p = await openComponent('basic/000', { headline: { text: '<img src=x onerror=alert(1)><script>alert(2)</script>' }, body: { text: 'a <em>b</em> <em class="x">c</em><br>d' } }, ctx);
  try {
    expect(await p.page.locator('img, script').count()).toBe(0);
    expect(await p.page.locator('.headline').innerText()).toContain('<script>');
    expect(await p.page.locator('.body em').count()).toBe(1);
    expect(await p.page.locator('.body br').count()).toBe(1);
  } finally {
    await p.close();
  }
});

test('advanced/051: the cursor reaches the button centre, the button presses, then the cursor fades out', async () => {
  const p = await openComponent('advanced/051', { button: { text: 'Go', color: '#00ff00', background: '#0000ff', 'font-size': '6vw' }, cursor: { width: '10vw', height: '10vw' } }, ctx);
  // Below and right of the centre: where the arrow (white, black outline) lies once it has arrived.
  const underTip = { x0: W / 2, y0: H / 2 + 2, x1: W / 2 + 64, y1: H / 2 + 64 };
  const buttonBlue = (s: Shot) => census(s, whole, BLUE).matching;
  try {
    const before = await p.shot(1.2);
    const pressed = await p.shot(1.7);
    const released = await p.shot(1.8);
    const gone = await p.shot(2.1);
    expect(census(pressed, underTip, [255, 255, 255]).matching).toBeGreaterThan(100);
    // Scaled to 0.9 the button covers about 0.81 of its area, then all of it again.
    expect(buttonBlue(pressed) / buttonBlue(before)).toBeLessThan(0.9);
    expect(buttonBlue(released) / buttonBlue(before)).toBeCloseTo(1, 1);
    expect(census(gone, underTip, [255, 255, 255]).matching).toBe(0);
    const outside = census(gone, { x0: W / 2, y0: H / 2 + 45, x1: W, y1: H });
    expect(outside.transparent).toBe(outside.total);
  } finally {
    await p.close();
  }
});

test('shape/polygon: points in 0-100 space over its container, morphing to the animate points', async () => {
  const p = await openComponent('shape/polygon', {
    polygon1: { points: '50,0 100,100 0,100', fill: '#00ff00', animate: { points: '0,0 100,0 100,100', duration: 1000, easing: 'linear' } },
  }, ctx);
  const topRight = { x0: W - 60, y0: 5, x1: W - 5, y1: 60 };
  const bottomCentre = { x0: W / 2 - 30, y0: H - 60, x1: W / 2 + 30, y1: H - 5 };
  try {
    const start = await p.shot(0);
    expect(census(start, topRight).transparent).toBe(census(start, topRight).total);
    expect(census(start, bottomCentre, GREEN).matching).toBeGreaterThan(2000);
    const end = await p.shot(1.5);
    expect(census(end, topRight, GREEN).matching).toBeGreaterThan(2000);
    expect(census(end, bottomCentre).transparent).toBe(census(end, bottomCentre).total);
  } finally {
    await p.close();
  }
});

test('advanced/000: each item zooms in, holds, then zooms out before the next (JSON2Video: 800 + 500 + 600 ms)', async () => {
  const p = await openComponent('advanced/000', { animation: { text: ['One', 'Two'], color: '#00ff00', 'font-size': '12vw' } }, ctx);
  try {
    const first = await p.shot(1.2);
    expect(census(first, centre, GREEN).matching).toBeGreaterThan(500);
    // Going out (scale 1 → 3, easeInExpo: about 1.2 at 1.7 s): the same word, larger.
    const leaving = await p.shot(1.7);
    expect(census(leaving, whole, GREEN).matching / census(first, whole, GREEN).matching).toBeGreaterThan(1.2);
    const between = await p.shot(1.9);
    expect(census(between, whole).transparent).toBe(W * H);
    const second = await p.shot(3.1);
    expect(census(second, centre, GREEN).matching).toBeGreaterThan(500);
    expect(second.png.equals(first.png)).toBe(false);
    // The last item goes out too: nothing is left after both cycles.
    expect(census(await p.shot(3.9), whole).transparent).toBe(W * H);
    expect((await p.shot(1.2)).png.equals(first.png)).toBe(true);
  } finally {
    await p.close();
  }
});

test('textbox/simple: font-size auto fits the text inside its box, large', async () => {
  const p = await openComponent('textbox/simple', { textbox1: { left: '10px', top: '10px', width: '300px', height: '100px', text: 'Hello world, fitted' } }, ctx);
  const measure = () => p.page.evaluate(`(() => {
    const b = document.querySelector('.textbox1');
    return [parseFloat(getComputedStyle(b).fontSize), b.scrollWidth <= b.clientWidth && b.scrollHeight <= b.clientHeight];
  })()`) as Promise<[number, boolean]>;
  try {
    const [size, fits] = await measure();
    expect(fits).toBe(true);
    expect(size).toBeGreaterThan(25);
  } finally {
    await p.close();
  }
});

describe('through the engine (Chromium, the virtual clock, ffmpeg): how components leave', () => {
  const movie = (element: Record<string, unknown>) => ({
    resolution: 'custom', width: W, height: H, fps: 25, scenes: [{ 'background-color': '#000000', duration: 2.4, elements: [{ type: 'component', cache: false, ...element }] }],
  });
  const greenIn = (f: ReturnType<typeof frameAt>) => {
    let n = 0;
    for (let y = 0; y < H; y += 2) for (let x = 0; x < W; x += 2) if (near(f.at(x, y), [0, 255, 0], 60)) n++;
    return n;
  };

  /** A render harness whose magenta picture is served on loopback; both are gone afterwards. */
  const withPicture = async (name: string, fn: (h: ReturnType<typeof harness>, server: Awaited<ReturnType<typeof serveDir>>) => Promise<void>) => {
    const h = harness(name);
    writeFileSync(path.join(h.dir, 'magenta.png'), PICTURES['magenta.png']);
    const server = await serveDir(h.dir);
    try {
      await fn(h, server);
    } finally {
      await server.close();
      h.cleanup();
    }
  };

  test('advanced/000 goes out as its reference says, near the end of the element, with the same frames twice', async () => {
    const h = harness('component-exit');
    try {
      const el = { component: 'advanced/000', settings: { animation: { text: 'Bye', color: '#00ff00', 'font-size': '14vw' } } };
      const framesOf = async () => {
        const r = await h.render(movie(el));
        const layers = path.join(h.dir, 'data', 'cache', 'layers');
        const dir = readdirSync(layers).find((f) => f.endsWith('.frames'))!;
        return { file: r.file, pictures: readdirSync(path.join(layers, dir)).sort().map((f) => readFileSync(path.join(layers, dir, f))) };
      };
      const a = await framesOf();
      const shown = greenIn(frameAt(a.file, 1.2));
      expect(shown).toBeGreaterThan(300);
      // Going out: larger, still there; then gone for the rest of the element (the scene's black).
      expect(greenIn(frameAt(a.file, 1.7))).toBeGreaterThan(shown);
      const after = frameAt(a.file, 2.1);
      for (const [x, y] of [[W / 2, H / 2], [W / 4, H / 2], [(3 * W) / 4, H / 2], [W / 2, H / 4]]) expect(near(after.at(x, y), [0, 0, 0], 12)).toBe(true);
      const b = await framesOf();
      expect(a.pictures.length).toBeGreaterThan(10);
      expect(b.pictures).toEqual(a.pictures);
    } finally {
      h.cleanup();
    }
  });

  test("a component's picture is fetched like any asset: a served one shows in the frame, the metadata address is refused and the render goes on", async () => {
    // The circle (20vw = 128 px) sits bottom left, inside the card's padding (4vw, 7vh).
    const magentaInCircle = (file: string) => {
      const f = frameAt(file, 2);
      let n = 0;
      for (let y = H - 25 - 128; y < H - 25; y += 4) for (let x = 26; x < 26 + 128; x += 4) if (near(f.at(x, y), [255, 0, 255], 60)) n++;
      return n;
    };
    await withPicture('component-picture', async (h, server) => {
      const shown = await h.render(movie({ component: 'basic/051', settings: { image: { src: `${server.url}/magenta.png`, size: '20vw' } } }));
      expect(server.hits).toEqual(['/magenta.png']);
      expect(magentaInCircle(shown.file)).toBeGreaterThan(0.7 * Math.PI * 16 * 16);
      const refused = await h.render(movie({ component: 'basic/051', settings: { image: { src: 'http://169.254.169.254/latest/meta-data/x.png', size: '20vw' } } }));
      expect(magentaInCircle(refused.file)).toBe(0);
    });
  });

  test("shape/html's markup is a page like an html element's: its script runs on the virtual clock, its pictures go through the asset policy", async () => {
    await withPicture('component-shape-html', async (h, server) => {
      const r = await h.render(movie({ component: 'shape/html', settings: {
        html1: { width: '50%', html: `<img src="${server.url}/magenta.png" style="display:block;width:100%;height:360px"><img src="http://169.254.169.254/latest/meta-data/x.png">` },
        // Shown by a timer at 1 s of page time: in a page reused without the clock it would show whenever the machine got there.
        html2: { left: '50%', width: '50%', html: '<div id="late" style="height:360px;background:#00ff00;visibility:hidden"></div><script>setTimeout(() => { document.getElementById("late").style.visibility = "visible"; }, 1000)</script>' },
      } }));
      expect(server.hits).toEqual(['/magenta.png']);
      const right = (t: number) => frameAt(r.file, t).at((3 * W) / 4, H / 2);
      expect(near(frameAt(r.file, 0.5).at(W / 4, H / 2), [255, 0, 255], 40)).toBe(true);
      expect(near(right(0.9), [0, 0, 0], 12)).toBe(true);
      expect(near(right(1.1), [0, 255, 0], 40)).toBe(true);
      expect(near(right(2.2), [0, 255, 0], 40)).toBe(true);
    });
  });

  test('the same layer in two scenes is drawn once, not twice at once into the same files, and shows in both', async () => {
    await withPicture('layer-twice', async (h, server) => {
      // Each drawing of the page asks for one address of its own (the engine fetches each address once a render).
      const ping = `<script>fetch("${server.url}/draw-" + Math.random().toString(36).slice(2)).catch(() => undefined)</script>`;
      const el = { type: 'html', cache: false, width: W / 2, height: H, x: 0, y: 0, html: `<img src="${server.url}/magenta.png" style="display:block;width:100%;height:100%">${ping}` };
      const scene = { 'background-color': '#000000', duration: 1.2, elements: [el] };
      const r = await h.render({ resolution: 'custom', width: W, height: H, fps: 25, scenes: [scene, scene] });
      expect(server.hits.filter((p) => p.startsWith('/draw-'))).toHaveLength(1);
      for (const t of [0.6, 1.8]) expect(near(frameAt(r.file, t).at(W / 4, H / 2), [255, 0, 255], 40)).toBe(true);
    });
  });

  test("a component's fade-out (the element's own field) fades its layer over its last seconds", async () => {
    const h = harness('component-fade-out');
    try {
      const r = await h.render(movie({ component: 'shape/rectangle', 'fade-out': 1, settings: { rectangle1: { background: '#ffffff' } } }));
      const level = (t: number) => frameAt(r.file, t).at(W / 2, H / 2)[0];
      expect(level(1)).toBeGreaterThan(240);
      expect(level(1.8)).toBeGreaterThan(60);
      expect(level(1.8)).toBeLessThan(180);
      expect(level(2.36)).toBeLessThan(40);
    } finally {
      h.cleanup();
    }
  });
});

test('basic/051: the picture fills the circle; without one, a drawn silhouette and no request', async () => {
  const withPicture = await openComponent('basic/051', { image: { src: `${IMAGES}/magenta.png`, size: '20vw' } }, ctx, undefined, PICTURES);
  try {
    // The circle (20vw = 128 px) sits bottom left, inside the card's padding (4vw, 7vh).
    const circle = { x0: 26, y0: H - 25 - 128, x1: 26 + 128, y1: H - 25 };
    expect(census(await withPicture.shot(3), circle, MAGENTA).matching).toBeGreaterThan(0.7 * Math.PI * 64 * 64);
  } finally {
    await withPicture.close();
  }
  const requests: string[] = [];
  const plain = await openComponent('basic/051', {}, ctx);
  plain.page.on('request', (r) => requests.push(r.url()));
  try {
    const s = await plain.shot(3);
    expect(census(s, { x0: 26, y0: H - 25 - 64, x1: 26 + 64, y1: H - 25 }, [0x9a, 0xa3, 0xad], 30).matching).toBeGreaterThan(300);
    expect(requests).toEqual([]);
  } finally {
    await plain.close();
  }
});

test('advanced/100: the picture fills its frame from the initial place to the final one, after its duration', async () => {
  const p = await openComponent('advanced/100', {
    image: { src: `${IMAGES}/magenta.png`, initial_left: '0%', initial_width: '25%', final_left: '75%', final_width: '25%', duration: 2000, easing: 'linear' },
  }, ctx, undefined, PICTURES);
  const band = (x0: number) => ({ x0, y0: 0, x1: x0 + W / 4, y1: H });
  try {
    // A 64×64 picture cropped to fill a 160×360 frame: every pixel of the frame is the picture's.
    expect(census(await p.shot(0), band(0), MAGENTA).matching).toBe((W / 4) * H);
    const cropped = await openComponent('advanced/100', { image: { src: `${IMAGES}/bands.png`, final_left: '0%', final_width: '25%' } }, ctx, undefined, PICTURES);
    try {
      // Scaled to the frame's height, the picture's middle shows (green and blue), not its sides.
      const s = await cropped.shot(2);
      // (less the few columns where scaling blends the two)
      expect(census(s, band(0), GREEN).matching + census(s, band(0), BLUE).matching).toBeGreaterThan(0.95 * (W / 4) * H);
      expect(census(s, band(0), [255, 0, 0]).matching).toBe(0);
    } finally {
      await cropped.close();
    }
    const half = await p.shot(1);
    expect(census(half, band((3 * W) / 8), MAGENTA).matching).toBe((W / 4) * H);
    expect(census(half, band(0)).transparent).toBe((W / 4) * H);
    expect(census(await p.shot(2.5), band((3 * W) / 4), MAGENTA).matching).toBe((W / 4) * H);
  } finally {
    await p.close();
  }
});

test('shape/cutout: invert makes the shape a hole; the stroke rings it; a polygon window follows its points', async () => {
  const hole = await openComponent('shape/cutout', {
    background: { 'background-image': `${IMAGES}/green.png` }, cutout: { shape: 'ellipse', rx: '20%', ry: '30%', invert: true, stroke: '#ff00ff', 'stroke-width': 10 },
  }, ctx, undefined, PICTURES);
  try {
    const s = await hole.shot(0);
    expect(census(s, { x0: W / 2 - 20, y0: H / 2 - 20, x1: W / 2 + 20, y1: H / 2 + 20 }).transparent).toBe(1600);
    for (const corner of corners) expect(census(s, corner, GREEN).matching).toBe(1600);
    // The ring: on the ellipse's edge (rx = 128 px) right of the centre.
    expect(census(s, { x0: W / 2 + 128 - 3, y0: H / 2 - 3, x1: W / 2 + 128 + 3, y1: H / 2 + 3 }, MAGENTA).matching).toBe(36);
  } finally {
    await hole.close();
  }
  const triangle = await openComponent('shape/cutout', { background: { 'background-color': '#00ff00' }, cutout: { shape: 'polygon', points: '0,0 100,0 0,100' } }, ctx);
  try {
    const s = await triangle.shot(0);
    expect(census(s, { x0: 10, y0: 10, x1: 60, y1: 60 }, GREEN).matching).toBe(2500);
    expect(census(s, { x0: W - 60, y0: H - 60, x1: W - 10, y1: H - 10 }).transparent).toBe(2500);
  } finally {
    await triangle.close();
  }
});

test('shape/3dbox: turning a quarter about Y takes the front face away and brings the right one round', async () => {
  const p = await openComponent('shape/3dbox', {
    size: { width: '200px', height: '200px', depth: '200px' }, front: { 'background-color': '#00ff00' }, right: { 'background-color': '#ff00ff' },
    origin: { rotateX: 0, rotateY: 0, zoom: 1 }, destination: { rotateX: 0, rotateY: -90, zoom: 1, duration: 1000, easing: 'linear' },
  }, ctx);
  const middle = { x0: W / 2 - 40, y0: H / 2 - 40, x1: W / 2 + 40, y1: H / 2 + 40 };
  try {
    const before = await p.shot(0);
    expect(census(before, middle, GREEN).matching).toBe(6400);
    const after = await p.shot(1.5);
    expect(census(after, middle, MAGENTA).matching).toBe(6400);
    expect(census(after, whole, GREEN).matching).toBe(0);
    // Turning, both show (the box is seen corner on half-way).
    const half = await p.shot(0.5);
    expect(census(half, whole, GREEN).matching).toBeGreaterThan(2000);
    expect(census(half, whole, MAGENTA).matching).toBeGreaterThan(2000);
  } finally {
    await p.close();
  }
});
