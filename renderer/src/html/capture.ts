/**
 * Draws one layer document in the browser: a still (one transparent PNG) or, when anything on the
 * page moves, one PNG per frame at the movie's fps. Time on the page is virtual: Playwright's clock,
 * paused, fakes Date, timers and requestAnimationFrame, and every CSS animation, transition and Web
 * Animation is paused and seeked to the frame's time before the picture is taken, so the same input
 * gives the same frames however fast the machine is. Frames are PNG files, each picture once with its
 * length in an ffconcat list that ffmpeg reads as an input of the movie's graph (no pixel work in Node).
 */
import { createHash, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { RenderError } from '../errors';
import { closeBrowser, within } from './browser';
import { escapeHtml } from './document';
import type { BrowserSession } from './session';

export interface CaptureRequest {
  /** Document address (BrowserSession.addDocument) or a page URL. */
  url: string;
  /** Reelay's own documents: the address of the window holding `url` (capture() makes it). */
  windowUrl?: string;
  /** false: draw Reelay's own document in the page itself, not through a window (tests compare both). */
  window?: false;
  /** Viewport: the element's box. */
  width: number;
  height: number;
  fps: number;
  /** Seconds the layer lasts. */
  duration: number;
  /**
   * 'box': the whole viewport; 'content': trimmed to what the page draws (html elements);
   * 'moving-content': trimmed to what it draws at any of its frames (Reelay's own animated documents:
   * a lower third moves in a small part of the canvas, and every frame's picture is that part only).
   */
  clip: 'box' | 'content' | 'moving-content';
  /** true: frames; false: one still; 'detect': frames only when something moves. */
  animated: boolean | 'detect';
  /**
   * The document is Reelay's own (texts, components): no script, so only CSS animations change the
   * picture and frames outside their active times repeat the last one.
   */
  onlyAnimationsMove?: boolean;
  /** Seconds of page time before the first frame (JSON2Video's `wait`). */
  wait?: number;
  /** Names the element in errors: `Scene #1, element #2 (scenes[0].elements[1])`. */
  where: string;
  path: string;
  /** Where to write: `<out>.png` for a still, `<out>.frames/` for frames (pictures and their ffconcat list). */
  out: string;
  signal?: AbortSignal;
}

export interface CaptureResult {
  file: string;
  animated: boolean;
  /** Frames written (1 for a still). */
  frames: number;
  /** The captured rectangle inside the viewport. */
  box: { x: number; y: number; width: number; height: number };
}

/** REELAY_LAYER_TIMEOUT_SECONDS: the most one layer may take, plus a fifth of a second per frame. @default 60 */
const baseBudgetSeconds = (): number => Number(process.env.REELAY_LAYER_TIMEOUT_SECONDS) || 60;

/**
 * In the page: pause every animation and put it at `ms` of its own time. An animation made later (a
 * class added by a timer) starts its own time when it is first seen, as it would in real time.
 */
const SEEK = `(ms) => {
  const born = (window.__reelayBorn ||= new WeakMap());
  for (const a of document.getAnimations()) {
    if (!born.has(a)) born.set(a, a.startTime === null || window.__reelaySeeks === undefined ? 0 : ms);
    a.pause();
    a.currentTime = Math.max(0, ms - born.get(a));
  }
  window.__reelaySeeks = (window.__reelaySeeks || 0) + 1;
  return document.getAnimations().length;
}`;

/**
 * In the page: the union of what the body's elements occupy (with their shadows, strokes, outlines
 * and blurs), inside the viewport. Layout-only wrappers marked `data-reelay-frame` do not count.
 * `paintingOnly` (Reelay's own documents): only what paints counts — an element's box when it has a
 * background, border, shadow, outline, filter, generated content or is a picture, else the lines of
 * its own text — so a full-box wrapper that places a lower third does not make the layer full-box.
 */
const CONTENT_BOX = `(paintingOnly) => {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  const lengths = (v) => (v.match(/-?[\\d.]+px/g) || []).map((x) => Math.abs(parseFloat(x)));
  const add = (r, bleed) => {
    if (r.width <= 0 || r.height <= 0) return;
    x0 = Math.min(x0, r.left - bleed); y0 = Math.min(y0, r.top - bleed); x1 = Math.max(x1, r.right + bleed); y1 = Math.max(y1, r.bottom + bleed);
  };
  const paintsBox = (el, cs) => /^(img|svg|canvas|video|iframe|object|embed|input|textarea|select|button|picture)$/i.test(el.tagName)
    || cs.backgroundImage !== 'none' || !/^(transparent|rgba\\(.*,\\s*0\\))$/.test(cs.backgroundColor)
    || ['Top', 'Right', 'Bottom', 'Left'].some((side) => parseFloat(cs['border' + side + 'Width']) > 0 && cs['border' + side + 'Style'] !== 'none')
    || cs.boxShadow !== 'none' || cs.outlineStyle !== 'none' || cs.filter !== 'none'
    || ['::before', '::after'].some((p) => !/^(none|normal)$/.test(getComputedStyle(el, p).content));
  for (const el of document.body.querySelectorAll('*')) {
    if (el.hasAttribute('data-reelay-frame')) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) continue;
    const cs = getComputedStyle(el);
    const shadow = Math.max(0, ...lengths(cs.textShadow));
    // A box shadow reaches as far as its offset, blur and spread together; an outline its width and offset.
    const boxShadow = cs.boxShadow === 'none' ? 0 : lengths(cs.boxShadow).reduce((a, b) => a + b, 0);
    const outline = cs.outlineStyle === 'none' ? 0 : (parseFloat(cs.outlineWidth) || 0) + Math.abs(parseFloat(cs.outlineOffset) || 0);
    const blur = cs.filter === 'none' ? 0 : 3 * Math.max(0, ...lengths(cs.filter));
    const bleed = Math.ceil(shadow * 2 + boxShadow + outline + blur + (parseFloat(cs.webkitTextStrokeWidth) || 0)) + 2;
    if (!paintingOnly || paintsBox(el, cs)) {
      add(r, bleed);
      continue;
    }
    for (const node of el.childNodes) {
      if (node.nodeType !== 3 || node.textContent.trim() === '') continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      add(range.getBoundingClientRect(), bleed);
    }
  }
  return x0 === Infinity ? null : { x0, y0, x1, y1 };
}`;

export async function capture(session: BrowserSession, request: CaptureRequest): Promise<CaptureResult> {
  const req = request.onlyAnimationsMove && request.window !== false
    ? { ...request, windowUrl: session.addDocument(`window-${createHash('sha256').update(`${request.url} ${request.width}x${request.height}`).digest('hex').slice(0, 32)}`, windowDocument(request.url, request.width, request.height)) }
    : request;
  const frameCount = Math.max(1, Math.round(req.duration * req.fps));
  const budgetMs = (baseBudgetSeconds() + (req.animated === false ? 0 : frameCount * 0.2)) * 1000;
  let timer: NodeJS.Timeout | undefined;
  const overBudget = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RenderError('timeout', `${req.where}: the page did not finish drawing within ${Math.round(budgetMs / 1000)} s (an endless loop?)`, { path: req.path })), budgetMs);
  });
  const aborted = new Promise<never>((_, reject) => req.signal?.addEventListener('abort', () => reject(new RenderError('cancelled', 'cancelled')), { once: true }));
  overBudget.catch(() => undefined);
  aborted.catch(() => undefined);
  const pages: Page[] = [];
  // Reelay's own documents (no script, nothing kept in the page) are drawn in pages the render reuses:
  // a new context and page cost more CPU than drawing a still. Any other page gets a fresh context.
  const own = req.onlyAnimationsMove === true;
  const take = async () => {
    const page = own ? await session.takeOwnPage() : await pagePausedAtZero(session);
    pages.push(page);
    return page;
  };
  let done = false;
  const drawing = (async () => {
    const got = await draw(await take(), req, frameCount);
    if (got) return got;
    // Something moves: draw every frame on a fresh load (the look-ahead moved the first page's clock).
    return (await draw(await take(), { ...req, animated: true }, frameCount))!;
  })();
  try {
    const result = await Promise.race([drawing, overBudget, aborted]);
    done = true;
    return result;
  } catch (err) {
    // A page stuck in a loop may not close on request: then the browser goes (the next layer starts a new one).
    const closed = await within(Promise.all(pages.map((p) => p.close({ runBeforeUnload: false }))).then(() => true, () => false), 5000);
    if (!closed) await closeBrowser();
    if (err instanceof RenderError) throw err;
    const message = (err as Error).message.split('\n')[0];
    // The browser died under us (killed, out of memory): the next try starts a new one.
    const crashed = /Target (page, context or browser )?(has been )?closed|crash|disconnected/i.test(message);
    throw new RenderError(crashed ? 'internal' : 'asset_failed', `${req.where}: the browser could not draw it: ${message}`, { path: req.path, retryable: crashed, cause: err });
  } finally {
    clearTimeout(timer);
    // Drawn: Reelay's own documents leave nothing in their pages, which the render's next layers reuse.
    if (done && own) pages.forEach((p) => session.returnOwnPage(p));
    const closing = done && own ? [] : pages;
    await within(Promise.all(closing.map((p) => p.close({ runBeforeUnload: false }).catch(() => undefined))), 5000);
    await Promise.all(closing.map((p) => session.closeContext(p.context())));
  }
}

/**
 * Reelay's own documents are drawn inside a "window": a top page holding the document in an iframe of
 * the element's full size. Once the box is known, the top page shrinks to the box and the iframe moves
 * so the box is at its corner: the document's layout (its viewport is the iframe) does not change,
 * and Chromium composites and reads back only the box. Measured: a 1080p viewport cost ~140 ms of CPU
 * per picture in an earlier Chromium's compositor even when empty, a 1920×300 one ~40 ms, whatever the
 * clip. Chromium 156 (Debian) costs ~120 ms for a 1080p picture and ~15 ms for a 960×160 clip of it,
 * much of it page faults on the new buffers each picture is read back into.
 */
const windowDocument = (url: string, width: number, height: number) =>
  '<!doctype html><html><head><style>html,body{margin:0;padding:0;background:transparent;overflow:hidden}'
  + `iframe{position:absolute;left:0;top:0;width:${width}px;height:${height}px;border:0;background:transparent}</style></head>`
  + `<body><iframe id="reelay-window" scrolling="no" src="${escapeHtml(url)}"></iframe></body></html>`;

/**
 * A page in a fresh context whose documents start with Playwright's clock paused at 0 (pauseAt
 * installs it paused): page time moves only by our steps. Reelay's own documents have no script and
 * need no clock. Installed with `install`, the clock ran in real time (a 1 s timer fired a frame early
 * or late with the machine's speed); paused while a page was open, it could fail ("Cannot
 * fast-forward to the past") when that page's clock had run a millisecond: so no page is open yet.
 */
async function pagePausedAtZero(session: BrowserSession): Promise<Page> {
  const context = await session.newContext();
  await context.clock.pauseAt(0);
  return context.newPage();
}

/** The layer, or undefined when `animated: 'detect'` found movement (then it is drawn again with frames). */
async function draw(page: Page, req: CaptureRequest, frameCount: number): Promise<CaptureResult | undefined> {
  await page.setViewportSize({ width: req.width, height: req.height });
  await page.goto(req.windowUrl ?? req.url, { waitUntil: 'load', timeout: 30_000 });
  await closePopups(page);
  const doc = req.windowUrl ? page.frames().find((f) => f.url() === req.url) : page.mainFrame();
  if (!doc) throw new Error('the layer document did not load in its window');
  // Layout first: a web font starts loading only once a laid-out text uses it, and `ready` does
  // not wait for loads that have not started.
  await doc.evaluate('void document.body.offsetHeight; document.fonts.ready.then(() => true)');
  if (!req.onlyAnimationsMove) {
    // Work queued for "after load" (Tailwind builds its styles then) runs before time starts.
    await advance(page, 0);
    if (req.wait) await advance(page, Math.round(req.wait * 1000));
  }
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setDefaultBackgroundColorOverride', { color: { r: 0, g: 0, b: 0, a: 0 } });
  const moving = req.onlyAnimationsMove ? activeIntervals((await doc.evaluate(ACTIVE)) as [number, number][], req.fps) : undefined;
  const box = req.clip === 'box' ? { x: 0, y: 0, width: req.width, height: req.height }
    : await contentBox(doc, req, req.clip === 'moving-content' ? movingTimes(frameCount, req.fps, moving) : undefined);
  let clip = box;
  if (doc !== page.mainFrame() && (box.width < req.width || box.height < req.height)) {
    await page.evaluate(`(() => { const f = document.getElementById('reelay-window'); f.style.left = '${-box.x}px'; f.style.top = '${-box.y}px'; })()`);
    await page.setViewportSize({ width: box.width, height: box.height });
    clip = { x: 0, y: 0, width: box.width, height: box.height };
  }
  const shot = async () => Buffer.from((await cdp.send('Page.captureScreenshot', {
    format: 'png', clip: { ...clip, scale: 1 }, optimizeForSpeed: true, captureBeyondViewport: false, fromSurface: true,
  })).data, 'base64');
  try {
    return await drawPictures(page, doc, req, frameCount, box, moving, shot);
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

async function drawPictures(page: Page, doc: Frame, req: CaptureRequest, frameCount: number, box: CaptureResult['box'],
  moving: ((ms: number) => boolean) | undefined, shot: () => Promise<Buffer>): Promise<CaptureResult | undefined> {
  const running = Number(await doc.evaluate(`(${SEEK})(0)`));
  const first = await shot();
  let animated = req.animated === true;
  if (req.animated === 'detect' && frameCount > 1) {
    // Something moves when an animation runs, or when timers change the picture: look half-way and at the end.
    animated = running > 0 || !(await sameAt(page, shot, first, frameCount, req.fps));
    if (animated) return undefined;
  }
  if (!animated || frameCount === 1) {
    const file = `${req.out}.png`;
    await writeAtomically(file, first);
    return { file, animated: false, frames: 1, box };
  }
  // Frames go to a folder: each picture that differs from the one before once, and an ffconcat list
  // giving each its length, so ffmpeg decodes a picture once however long it stays (the `fps` filter
  // of the layer's chain repeats it). Documents Reelay wrote itself move only while an animation is
  // active: between, the last picture stays without being taken again.
  const dir = `${req.out}.frames`;
  const tmp = `${dir}.${randomUUID()}.tmp`;
  await fs.mkdir(tmp, { recursive: true });
  try {
    const list = ['ffconcat version 1.0'];
    let now = 0;
    let last = first;
    let held = 0;
    let pictures = 0;
    // Each picture is read at the movie's rate: a PNG alone is a stream of 1/25 s ticks, on which
    // lengths of 1/30 s land a tick early or late and every sixth frame showed its neighbour.
    const entry = (name: string) => [`file ${name}`, `option framerate ${req.fps}`];
    let lastEntry: string[] = [];
    const flush = async () => {
      const name = `f${String(pictures++).padStart(6, '0')}.png`;
      await fs.writeFile(path.join(tmp, name), last);
      lastEntry = entry(name);
      list.push(...lastEntry, `duration ${(held / req.fps).toFixed(6)}`);
    };
    for (let i = 0; i < frameCount; i++) {
      const ms = Math.round((i * 1000) / req.fps);
      if (i > 0 && (!moving || moving(ms))) {
        // Reelay's own documents have no script: seeking the animations is all time needs to do.
        if (ms > now && !req.onlyAnimationsMove) await advance(page, ms - now);
        now = ms;
        await doc.evaluate(`(${SEEK})(${ms})`);
        const png = await shot();
        if (!png.equals(last)) {
          await flush();
          last = png;
          held = 0;
        }
      }
      held++;
    }
    await flush();
    // The concat demuxer ends the last picture where it starts unless it is named once more.
    list.push(...lastEntry);
    await fs.writeFile(path.join(tmp, 'frames.ffconcat'), list.join('\n') + '\n');
    await fs.rm(dir, { recursive: true, force: true });
    await fs.rename(tmp, dir);
  } catch (err) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw err;
  }
  const file = path.join(dir, 'frames.ffconcat');
  return { file, animated: true, frames: frameCount, box };
}

/** In the page: each animation's active time, [from, to] in ms of page time (to = Infinity when endless). */
const ACTIVE = `(() => document.getAnimations().map((a) => {
  const t = a.effect ? a.effect.getComputedTiming() : { delay: 0, activeDuration: Infinity };
  const born = (window.__reelayBorn && window.__reelayBorn.get(a)) || 0;
  const from = born + Number(t.delay || 0);
  const d = Number(t.activeDuration);
  return [from, Number.isFinite(d) ? from + d : -1];
}))()`;

/**
 * Closes the windows the page opened (each layer's page is alone in its context, so any other page
 * is a popup). Only while the clock is still: Playwright's fake clock runs in every page of the
 * context, and a popup closed during a step failed the layer ("Target page … closed").
 */
async function closePopups(page: Page): Promise<void> {
  await Promise.all(page.context().pages().filter((p) => p !== page).map((p) => p.close({ runBeforeUnload: false }).catch(() => undefined)));
}

/** Moves the page's fake clock on, then closes what it opened meanwhile. */
async function advance(page: Page, ms: number): Promise<void> {
  await page.clock.runFor(ms);
  await closePopups(page);
}

/** Whether the picture may change at `ms`: inside an animation's active time, a frame either side. */
function activeIntervals(intervals: [number, number][], fps: number): (ms: number) => boolean {
  const frame = 1000 / fps;
  return (ms) => intervals.some(([from, to]) => to < 0 || (ms > from - frame && ms < to + 2 * frame));
}

async function sameAt(page: Page, shot: () => Promise<Buffer>, first: Buffer, frameCount: number, fps: number): Promise<boolean> {
  const end = Math.round(((frameCount - 1) * 1000) / fps);
  await advance(page, Math.round(end / 2));
  if (!(await shot()).equals(first)) return false;
  await advance(page, end - Math.round(end / 2));
  return (await shot()).equals(first);
}

/** Page times (ms) of the frames at which the picture may change; undefined when too many to visit. */
function movingTimes(frameCount: number, fps: number, moving: ((ms: number) => boolean) | undefined): number[] | undefined {
  const times: number[] = [];
  for (let i = 0; i < frameCount; i++) {
    const ms = Math.round((i * 1000) / fps);
    if (i === 0 || !moving || moving(ms)) times.push(ms);
    if (times.length > MAX_BOX_SAMPLES) return undefined;
  }
  return times;
}

/** Frames whose content is measured for a 'moving-content' clip: past this, the whole box is taken. */
const MAX_BOX_SAMPLES = 5000;

/** In the page: the union of CONTENT_BOX with every animation at each of `times` (ms). */
const UNION_BOX = `(times, paintingOnly) => {
  let u = null;
  for (const ms of times) {
    (${SEEK})(ms);
    const r = (${CONTENT_BOX})(paintingOnly);
    if (r) u = u ? { x0: Math.min(u.x0, r.x0), y0: Math.min(u.y0, r.y0), x1: Math.max(u.x1, r.x1), y1: Math.max(u.y1, r.y1) } : r;
  }
  return u;
}`;

/**
 * The rectangle the page draws in: now, or (`times`) at any of those page times — the caller seeks
 * the animations again before its first picture. `times` undefined with a 'moving-content' clip: too
 * many frames to measure, the whole box.
 */
async function contentBox(doc: Frame, req: CaptureRequest, times?: number[]): Promise<CaptureResult['box']> {
  if (req.clip === 'moving-content' && !times) return { x: 0, y: 0, width: req.width, height: req.height };
  const paintingOnly = req.onlyAnimationsMove === true;
  const measure = times ? `(${UNION_BOX})(${JSON.stringify(times)}, ${paintingOnly})` : `(${CONTENT_BOX})(${paintingOnly})`;
  const r = (await doc.evaluate(measure)) as { x0: number; y0: number; x1: number; y1: number } | null;
  if (!r) return { x: 0, y: 0, width: 2, height: 2 };
  // Even starts too: overlaid at an odd place, a layer's chroma (yuv420p) lands half a pixel off.
  const x = Math.max(0, Math.floor(r.x0 / 2) * 2);
  const y = Math.max(0, Math.floor(r.y0 / 2) * 2);
  const right = Math.min(req.width, Math.ceil(r.x1));
  const bottom = Math.min(req.height, Math.ceil(r.y1));
  // Even sizes: the movie's yuv420p would otherwise make ffmpeg scale the layer by a pixel.
  const even = (start: number, size: number, limit: number) => {
    const n = Math.max(2, size + (size % 2));
    return start + n <= limit ? { start, size: n } : { start: Math.max(0, limit - n), size: Math.min(n, limit) };
  };
  const h = even(x, right - x, req.width);
  const v = even(y, bottom - y, req.height);
  return { x: h.start, y: v.start, width: h.size, height: v.size };
}

async function writeAtomically(file: string, data: Buffer): Promise<void> {
  const tmp = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}
