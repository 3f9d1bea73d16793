/**
 * A component drawn as the engine draws it, without the engine: its markup in the engine's own
 * document (layerDocument: a transparent body exactly the element's box), bundled fonts brought as
 * @font-face (inlined, so the page loads nothing), every animation paused and sought to a time, a
 * screenshot with a transparent background. Pixels are decoded by ffmpeg (RGBA).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { bundledFamily } from '../../renderer/src/fonts/bundled';
import { fontFaceCss } from '../../renderer/src/fonts/css';
import { getBrowser } from '../../renderer/src/html/browser';
import { COMPONENTS, type ComponentContext } from '../../renderer/src/html/components';
import { layerDocument } from '../../renderer/src/html/document';

export interface Shot {
  png: Buffer;
  width: number;
  height: number;
  /** RGBA at (x, y). */
  at(x: number, y: number): [number, number, number, number];
}

/** Latin faces of the bundled families the component names, as data: URLs. */
function fontFaces(families: string[]): string {
  const fonts = families.flatMap((family) => {
    const f = bundledFamily(family);
    if (!f) return [];
    const faces = f.faces.filter((face) => face.unicodeRange?.startsWith('U+0000-00FF'));
    return [{ family: f.family, requested: family, source: 'bundled' as const, weight: 400, style: 'normal' as const, faces }];
  });
  return fontFaceCss(fonts, (file) => `data:font/woff2;base64,${readFileSync(file).toString('base64')}`, { aliasFamily: true });
}

export function decode(png: Buffer, width: number, height: number): Shot {
  const raw = spawnSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'], { input: png, maxBuffer: 64 << 20 }).stdout;
  if (raw.length !== width * height * 4) throw new Error(`decoded ${raw.length} bytes, expected ${width * height * 4}`);
  return { png, width, height, at: (x, y) => { const i = (y * width + x) * 4; return [raw[i], raw[i + 1], raw[i + 2], raw[i + 3]]; } };
}

export interface ComponentPage {
  page: Page;
  html: string;
  /** Screenshot with every animation at `seconds`. */
  shot(seconds: number): Promise<Shot>;
  close(): Promise<void>;
}

/** Where test pictures are served from: `${IMAGES}/<name>` answers `images[name]` (see openComponent). */
export const IMAGES = 'https://images.reelay.test';

/**
 * Opens the component (validated settings) in a fresh context; `background` only for README stills.
 * `images`: PNGs its settings may name under IMAGES (the engine fetches through the asset policy;
 * this harness has no network, so they are answered here).
 */
export async function openComponent(id: string, settings: unknown, ctx: ComponentContext, background?: string, images: Record<string, Buffer> = {}): Promise<ComponentPage> {
  const def = COMPONENTS.get(id);
  if (!def) throw new Error(`no component ${id}`);
  const markup = def.render(def.settings.parse(settings), ctx);
  const html = layerDocument({
    width: ctx.width, height: ctx.height, body: markup.html, css: markup.css + (background ? `\nbody{background:${background}}` : ''), fontFaces: fontFaces(markup.fonts),
  });
  const browser = await getBrowser();
  const context = await browser.newContext({ viewport: { width: ctx.width, height: ctx.height }, deviceScaleFactor: 1 });
  await context.route(`${IMAGES}/**`, (route) => {
    const body = images[new URL(route.request().url()).pathname.slice(1)];
    return body ? route.fulfill({ status: 200, contentType: 'image/png', body }) : route.fulfill({ status: 404, body: '' });
  });
  const page = await context.newPage();
  await page.setContent(html);
  // Page code as strings: the DOM's types would clash with Node's in the test project (fetch bodies).
  await page.evaluate('document.fonts.ready.then(() => undefined)');
  return {
    page, html,
    async shot(seconds) {
      await page.evaluate(`for (const a of document.getAnimations()) { a.pause(); a.currentTime = ${seconds * 1000}; }`);
      const png = await page.screenshot({ omitBackground: true, type: 'png' });
      return decode(png, ctx.width, ctx.height);
    },
    close: () => context.close(),
  };
}

/** How many pixels of a region are near a colour (opaque enough), and how many are see-through. */
export function census(s: Shot, region: { x0: number; y0: number; x1: number; y1: number }, rgb?: [number, number, number], tolerance = 60) {
  let matching = 0;
  let transparent = 0;
  let total = 0;
  for (let y = Math.max(0, region.y0); y < Math.min(s.height, region.y1); y++) {
    for (let x = Math.max(0, region.x0); x < Math.min(s.width, region.x1); x++) {
      const [r, g, b, a] = s.at(x, y);
      total++;
      if (a === 0) transparent++;
      else if (rgb && a > 200 && Math.abs(r - rgb[0]) + Math.abs(g - rgb[1]) + Math.abs(b - rgb[2]) <= tolerance) matching++;
    }
  }
  return { matching, transparent, total };
}
