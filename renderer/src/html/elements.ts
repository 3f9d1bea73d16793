/**
 * The elements the browser draws (html, component, and the texts `needsBrowser` picks), from their
 * JSON to a layer file: which document, at what size, still or animated, trimmed or not.
 */
import { fontFaceCss } from '../fonts/css';
import type { ResolvedFont } from '../fonts/face';
import { familyNames, resolveFont, type FontOptions } from '../fonts/resolve';
import { RenderError } from '../errors';
import type { HtmlElement, TextElement } from '../schema/movie';
import { COMPONENTS, componentIds } from './components';
import type { CaptureResult } from './capture';
import { declarations } from './css-settings';
import { layerDocument, tailwindScript } from './document';
import type { LayerEngine } from './layers';
import { textDocument } from './text';

export interface DrawContext {
  engine: LayerEngine;
  canvasWidth: number;
  canvasHeight: number;
  fps: number;
  /** Seconds the layer lasts. */
  duration: number;
  useCache: boolean;
  where: string;
  path: string;
  /** How fonts a page names are found (bundled, installed, Google Fonts). */
  fonts: FontOptions;
}

/**
 * @font-face rules for the families a page's CSS names (`font-family: …`), so a snippet naming a
 * bundled or Google font gets it as a text would; installed fonts the browser finds by itself.
 */
export async function pageFontFaces(markup: string, ctx: DrawContext): Promise<string> {
  const names = new Set<string>();
  for (const m of markup.matchAll(/font-family\s*:\s*([^;}<>"]+|"[^"]*")/gi)) for (const n of familyNames(m[1].replace(/&quot;/g, '"'))) names.add(n);
  return webFontFaces([...names].slice(0, 20), ctx);
}

/** The regular and bold faces of bundled or Google families as @font-face rules under the names asked for. */
async function webFontFaces(families: string[], ctx: DrawContext): Promise<string> {
  const fonts = await Promise.all(families.flatMap((family) => [400, 700].map((weight) => resolveFont({ family, weight }, ctx.fonts))));
  return fontFaceCss(fonts.filter((f) => f.source === 'bundled' || f.source === 'google').map((f) => ({ ...f, family: f.requested ?? f.family })), (file) => ctx.engine.fileUrl(file));
}

/**
 * An html element: its page is the element's box when width and height are both given (then the
 * whole box is the layer), else the canvas (or the one side given), trimmed to what the page draws —
 * JSON2Video's "snapshot trimmed to the element's bounding box", placed like a text.
 */
export async function drawHtml(el: HtmlElement, ctx: DrawContext): Promise<CaptureResult> {
  const given = (n: number | undefined) => (n !== undefined && n > 0 ? Math.round(n) : undefined);
  const width = given(el.width) ?? ctx.canvasWidth;
  const height = given(el.height) ?? ctx.canvasHeight;
  const canvas = { canvasWidth: ctx.canvasWidth, canvasHeight: ctx.canvasHeight };
  // Settings that are not safe CSS are left out here and listed as warnings at submit (schema/warnings.ts).
  const { css } = declarations(el.settings ?? {}, canvas);
  const tailwind = el.tailwindcss === true || el.tailwind === true;
  const spec = {
    width, height, fps: ctx.fps, duration: ctx.duration, wait: el.wait, useCache: ctx.useCache,
    clip: given(el.width) && given(el.height) ? ('box' as const) : ('content' as const),
    animated: 'detect' as const,
  };
  if (el.src !== undefined && el.html === undefined) return ctx.engine.render({ ...spec, url: el.src }, ctx.where, ctx.path);
  // Trimmed: the body shrinks to its content (a block no longer spans the page), as a snapshot of the snippet.
  const fit = spec.clip === 'content' ? 'display:flow-root;width:fit-content;height:fit-content;' : '';
  const html = layerDocument({
    width, height, body: el.html ?? '', css: fit || css ? `body{${fit}${css}}` : undefined, fontFaces: await pageFontFaces(el.html ?? '', ctx),
    tailwindUrl: tailwind ? ctx.engine.fileUrl(tailwindScript()) : undefined,
  });
  return ctx.engine.render({ ...spec, html }, ctx.where, ctx.path);
}

/**
 * A text element in the element's box (the layer is the part of the box it draws in, at any time;
 * its motion decides still or frames), in the font normalise resolved for it: the same files drawtext would draw with.
 */
export async function drawText(el: TextElement, box: { width: number; height: number }, ctx: DrawContext, font: ResolvedFont): Promise<CaptureResult> {
  const fonts = { family: font.family, faces: fontFaceCss([font], (file) => ctx.engine.fileUrl(file)) };
  const doc = textDocument(el, box, { canvasWidth: ctx.canvasWidth, canvasHeight: ctx.canvasHeight }, { duration: ctx.duration }, fonts);
  return ctx.engine.render({
    html: doc.html, width: box.width, height: box.height, fps: ctx.fps, duration: ctx.duration, useCache: ctx.useCache,
    clip: doc.animated ? 'moving-content' : 'content', animated: doc.animated, onlyAnimationsMove: true,
  }, ctx.where, ctx.path);
}

/** What a component element carries (its id and settings are checked by the movie schema). */
export interface ComponentRequest {
  component: string;
  settings?: unknown;
}

/**
 * A component of JSON2Video's library (html/components/) in the element's box: the layer is the part
 * of the box it draws in (at any time), frames when the component moves. Its markup is Reelay's own (no script), so only its CSS
 * animations move and frames outside them repeat. A component carrying the movie's own markup
 * (shape/html) is a page like an html element's instead: scripts may move anything at any time, so
 * the layer is the whole box, moving when its frames differ.
 */
export async function drawComponent(el: ComponentRequest, box: { width: number; height: number }, ctx: DrawContext): Promise<CaptureResult> {
  const def = COMPONENTS.get(el.component);
  if (!def) throw new RenderError('invalid_movie', `${ctx.path}.component: unknown component '${el.component}' (supported: ${componentIds().join(', ')})`, { path: `${ctx.path}.component` });
  const settings = def.settings.parse(el.settings ?? {});
  const markup = def.render(settings, { width: box.width, height: box.height, duration: ctx.duration, fps: ctx.fps });
  const own = def.untrustedMarkup !== true;
  const fontFaces = (await webFontFaces(markup.fonts.slice(0, 10), ctx)) + (own ? '' : await pageFontFaces(markup.html, ctx));
  const html = layerDocument({ width: box.width, height: box.height, body: markup.html, css: markup.css, fontFaces });
  const spec = { html, width: box.width, height: box.height, fps: ctx.fps, duration: ctx.duration, useCache: ctx.useCache };
  return ctx.engine.render(own
    ? { ...spec, clip: def.animated ? 'moving-content' : 'content', animated: def.animated, onlyAnimationsMove: true }
    : { ...spec, clip: 'box', animated: 'detect' }, ctx.where, ctx.path);
}
