/**
 * The capture's shortcuts for Reelay's own documents must give the very same frames: frames outside
 * every animation's active time are the last picture written again, not taken again; and they are
 * drawn through a window the size of their box, in a page reused by the render's next layer.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { closeBrowser } from '../../renderer/src/html/browser';
import { capture } from '../../renderer/src/html/capture';
import { BrowserSession } from '../../renderer/src/html/session';
import { textDocument } from '../../renderer/src/html/text';
import { textElementSchema } from '../../renderer/src/schema/movie';
import { tmpDir } from '../renderer/helpers';
import { rmSync } from 'node:fs';

const dir = tmpDir('html-capture');
afterAll(async () => {
  await closeBrowser();
  rmSync(dir, { recursive: true, force: true });
});

test('frames outside the animations are the same whether taken again or repeated', async () => {
  const el = textElementSchema.parse({ type: 'text', text: 'Drop in', style: '008', settings: { 'font-size': '40px' } });
  const html = textDocument(el, { width: 320, height: 180 }, { canvasWidth: 320, canvasHeight: 180 }, { duration: 3 }).html;
  const session = new BrowserSession({ cacheDir: dir, allowPrivateUrls: false });
  try {
    const run = (onlyAnimationsMove: boolean) => capture(session, {
      url: session.addDocument(`d${onlyAnimationsMove}`, html), width: 320, height: 180, fps: 25, duration: 3, clip: 'box', animated: true,
      onlyAnimationsMove, where: 'text', path: 'scenes[0].elements[0]', out: `${dir}/layer-${onlyAnimationsMove}`,
    });
    const every = await run(false);
    const shortcut = await run(true);
    expect(shortcut.frames).toBe(75);
    const pictures = (list: string) => readdirSync(path.dirname(list)).sort().map((f) => readFileSync(path.join(path.dirname(list), f)));
    expect(pictures(shortcut.file)).toEqual(pictures(every.file));
    // Each picture once: the letters land within the first 80% of 3 s, then the text stays.
    expect(pictures(shortcut.file).length).toBeLessThan(75);
  } finally {
    await session.close();
  }
});

test("Reelay's own documents: drawn through a window the size of their box, in a page the render reuses, the very same pictures", async () => {
  const el = textElementSchema.parse({ type: 'text', text: 'Drop in', style: '008', settings: { 'font-size': '40px', 'vertical-position': 'bottom' } });
  const html = textDocument(el, { width: 640, height: 360 }, { canvasWidth: 640, canvasHeight: 360 }, { duration: 2 }).html;
  const session = new BrowserSession({ cacheDir: dir, allowPrivateUrls: false });
  const { getBrowser } = await import('../../renderer/src/html/browser');
  try {
    const run = (window: boolean) => capture(session, {
      url: session.addDocument(`w${window}`, html), width: 640, height: 360, fps: 25, duration: 2, clip: 'moving-content', animated: true,
      onlyAnimationsMove: true, ...(window ? {} : { window: false as const }), where: 'text', path: 'scenes[0].elements[0]', out: `${dir}/window-${window}`,
    });
    const inPage = await run(false);
    const windowed = await run(true);
    expect(windowed.box).toEqual(inPage.box);
    // The text's lines only, at the bottom: the window is a strip, not the canvas.
    expect(windowed.box.width * windowed.box.height).toBeLessThan((640 * 360) / 4);
    expect(windowed.box.y).toBeGreaterThan(180);
    const pictures = (list: string) => readdirSync(path.dirname(list)).sort().map((f) => readFileSync(path.join(path.dirname(list), f)));
    expect(pictures(windowed.file)).toEqual(pictures(inPage.file));
    // Both drew in the one page (and context) this session keeps for its own documents, whose
    // viewport the window shrank to the box (Chromium's compositor works on the viewport, clip or not).
    const contexts = (await getBrowser()).contexts();
    expect(contexts).toHaveLength(1);
    expect(contexts[0].pages().map((p) => p.viewportSize())).toEqual([{ width: windowed.box.width, height: windowed.box.height }]);
  } finally {
    await session.close();
  }
  expect((await getBrowser()).contexts()).toHaveLength(0);
});

test('a browser past its memory cap is started again before the next layer', async () => {
  const { getBrowser, browserMemoryMb } = await import('../../renderer/src/html/browser');
  const first = await getBrowser();
  expect(browserMemoryMb(first)).toBeGreaterThan(0);
  process.env.REELAY_BROWSER_MEMORY_MB = '1';
  try {
    const second = await getBrowser();
    expect(second).not.toBe(first);
    expect(first.isConnected()).toBe(false);
  } finally {
    delete process.env.REELAY_BROWSER_MEMORY_MB;
  }
  expect(await getBrowser()).toBe(await getBrowser());
});

test('layers asking for the browser at the same time share one launch, and closing it leaves no Chromium', async () => {
  const { getBrowser, browserPids } = await import('../../renderer/src/html/browser');
  await closeBrowser();
  // Two launches at once used to start two browsers and keep only the second: the first outlived
  // closeBrowser and kept the process (a renderer, a jest run) alive.
  const [a, b] = await Promise.all([getBrowser(), getBrowser()]);
  expect(a).toBe(b);
  await closeBrowser();
  expect(browserPids()).toEqual([]);
});
