/**
 * Fidelity of text layers, measured on decoded frames (mean absolute difference per channel, 0–255):
 * - the oracle: a text drawn by the engine and composited by ffmpeg vs the same HTML and CSS
 *   screenshotted directly in Chromium at the movie's size — the pipeline must not distort it;
 * - the rule (html/text.ts needsBrowser): texts kept on ffmpeg's drawtext vs the same texts drawn by
 *   the browser — the fast path is only for texts where the two agree within a small tolerance.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { fontFaceCss } from '../../renderer/src/fonts/css';
import { resolveFont } from '../../renderer/src/fonts/resolve';
import { chromiumPath, closeBrowser } from '../../renderer/src/html/browser';
import { textDocument } from '../../renderer/src/html/text';
import { textElementSchema } from '../../renderer/src/schema/movie';
import { frameAt, harness, type RenderHarness } from '../renderer/helpers';

const W = 640;
const H = 360;
let h: RenderHarness;
beforeAll(() => {
  h = harness('text-fidelity');
});
afterAll(async () => {
  await closeBrowser();
  h.cleanup();
});

const movie = (text: unknown) => ({ resolution: 'custom', width: W, height: H, fps: 25, quality: 'high', scenes: [{ 'background-color': '#000000', duration: 0.2, elements: [text] }] });

/** Mean absolute difference; REELAY_FIDELITY_REPORT=1 prints each (the numbers in the README). */
function mad(a: Buffer, b: Buffer, what: string): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  const m = sum / a.length;
  if (process.env.REELAY_FIDELITY_REPORT) process.stderr.write(`fidelity ${what}: ${m.toFixed(3)}\n`);
  return m;
}

async function renderedRgb(text: unknown): Promise<Buffer> {
  const r = await h.render(movie(text), { project: `t${Math.random().toString(36).slice(2)}` });
  return frameAt(r.file, 0).data;
}

/** The same document, on black, straight from Chromium (PNG decoded to rgb24 by ffmpeg). */
async function chromiumRgb(text: unknown): Promise<Buffer> {
  const el = textElementSchema.parse(text);
  // The very font the renderer resolves for the text (none named: DejaVu Sans), by @font-face as well.
  const resolved = await resolveFont({ family: el.settings?.['font-family'], weight: el.settings?.['font-weight'] });
  const font = { family: resolved.family, faces: fontFaceCss([resolved], (file) => `https://fonts.test/${encodeURIComponent(file)}`) };
  const doc = textDocument(el, { width: W, height: H }, { canvasWidth: W, canvasHeight: H }, { duration: 0.2 }, font).html.replace('background:transparent', 'background:#000');
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--headless', '--disable-gpu', '--font-render-hinting=none', '--force-color-profile=srgb', '--hide-scrollbars'], chromiumSandbox: false });
  try {
    const page = await browser.newPage({ viewport: { width: W, height: H } });
    await page.route('https://fonts.test/**', (route) => route.fulfill({ body: readFileSync(decodeURIComponent(new URL(route.request().url()).pathname.slice(1))) }));
    await page.route('https://page.test/', (route) => route.fulfill({ contentType: 'text/html', body: doc }));
    await page.goto('https://page.test/');
    await page.evaluate('void document.body.offsetHeight');
    await page.evaluate('document.fonts.ready');
    const png = await page.screenshot({ type: 'png' });
    return execFileSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { input: png, maxBuffer: 16 * 1024 * 1024 });
  } finally {
    await browser.close();
  }
}

const CSS_TEXTS = [
  { type: 'text', text: 'Letter spacing and shadows', settings: { 'font-size': '44px', 'letter-spacing': '3px', 'text-shadow': '3px 3px 0 #ff0000' } },
  { type: 'text', text: 'top with a margin', settings: { 'vertical-position': 'top', 'margin-top': '40px', 'font-size': '6vw', 'text-transform': 'uppercase', color: '#ffdd00' } },
  { type: 'text', text: 'Ünïcödé → ✓ 日本語', settings: { 'font-size': '40px', 'font-style': 'italic' } },
];

test.each(CSS_TEXTS.map((t) => [t.text, t]))('oracle: %s — the rendered frame matches Chromium\'s own screenshot', async (_, text) => {
  const [ours, theirs] = [await renderedRgb(text), await chromiumRgb(text)];
  // H.264 in yuv420p halves colour resolution at glyph edges: about 1 of 255 on average here.
  expect(mad(ours, theirs, `oracle ${_}`)).toBeLessThan(2.5);
});

const FAST_TEXTS = [
  { type: 'text', text: 'Plain centred text', settings: { 'font-size': '48px', 'font-family': 'DejaVu Sans' } },
  { type: 'text', text: 'At the bottom, in a box', settings: { 'vertical-position': 'bottom', 'margin-bottom': '30px', 'font-size': '36px', 'font-family': 'DejaVu Sans', 'background-color': 'rgba(0,0,0,0.5)', padding: '10px' } },
];

test.each(FAST_TEXTS.map((t) => [t.text, t]))('rule: %s — drawtext and the browser agree within the fast path\'s tolerance', async (_, text) => {
  const drawtext = await renderedRgb(text);
  process.env.REELAY_TEXT_ENGINE = 'browser';
  let browser: Buffer;
  try {
    browser = await renderedRgb({ ...text, cache: false });
  } finally {
    delete process.env.REELAY_TEXT_ENGINE;
  }
  // Same font, size and place: glyph rasterisation differs (hinting, sub-pixel positions), so a few
  // levels on average; a text in the wrong place or size differs by 10 or more.
  expect(mad(drawtext, browser, `drawtext vs browser ${_}`)).toBeLessThan(4);
});
