/**
 * The capture's shortcut for Reelay's own documents: frames outside every animation's active time
 * are the last picture written again, not taken again. It must give the very same frames.
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
