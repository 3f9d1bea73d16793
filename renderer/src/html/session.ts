/**
 * One render's use of the browser: an html element's page is drawn in a fresh context of its own (a
 * new profile; Playwright's fake clock is per context, and layers are drawn side by side); Reelay's
 * own documents (texts, components: our markup, no script) in pages this render reuses, since a new
 * context and page cost more than drawing a still. All are closed when the render ends; nothing is
 * kept between renders. Every request a page makes is answered by us. Pages run untrusted markup, so:
 * - http(s) GETs are fetched by the renderer's own asset client (assets/fetch.ts): the same address
 *   policy as any asset (loopback and private only with REELAY_ALLOW_PRIVATE_URLS, link-local and
 *   metadata never), each redirect checked, size and time capped, the IP pinned (no DNS rebinding);
 * - our own files (the layer document, fonts, Tailwind) come from the made-up origin `reelay.local`;
 * - everything else (other methods, WebSockets, downloads, service workers) is refused; `file:`,
 *   `chrome:` and `data:` navigations are refused by Chromium itself for a web origin;
 * - a popup is a page of the layer's context under the same rules, never drawn, and closed as soon as
 *   the clock is still (capture.ts: closePopups).
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BrowserContext, Page, Route } from 'playwright-core';
import { AssetCache } from '../assets/cache';
import { fetchAsset } from '../assets/fetch';
import { getBrowser, within } from './browser';

export const INTERNAL_ORIGIN = 'https://reelay.local';

/** What the page may read from `reelay.local`: the documents we wrote, and files under allowed folders. */
export interface InternalFiles {
  /** Documents by path (`/layer/<key>.html`). */
  documents: Map<string, string>;
  /** Local files by path (`/files/<n>`): fonts, Tailwind's script. */
  files: Map<string, string>;
}

export interface SessionOptions {
  cacheDir: string;
  allowPrivateUrls: boolean;
  signal?: AbortSignal;
}

const CONTENT_TYPES: Record<string, string> = {
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.otf': 'font/otf', '.js': 'text/javascript', '.css': 'text/css',
};

export class BrowserSession {
  /** Requests refused, for the render's log and the tests: `<url>: <reason>`. */
  readonly refused: string[] = [];
  private readonly internal: InternalFiles = { documents: new Map(), files: new Map() };
  private readonly contexts = new Set<BrowserContext>();
  private readonly cache: AssetCache;

  constructor(private readonly opts: SessionOptions) {
    this.cache = new AssetCache(path.join(opts.cacheDir, 'assets'));
  }

  /** Serves `html` at a `reelay.local` address and returns it. */
  addDocument(key: string, html: string): string {
    const p = `/layer/${key}.html`;
    this.internal.documents.set(p, html);
    return INTERNAL_ORIGIN + p;
  }

  /**
   * Serves a local file (font, script) and returns its `reelay.local` address, the same for the same
   * file in every render (documents naming it are cached by content).
   */
  addFile(file: string): string {
    const p = `/files/${createHash('sha256').update(file).digest('hex').slice(0, 16)}${path.extname(file)}`;
    this.internal.files.set(p, file);
    return INTERNAL_ORIGIN + p;
  }

  /** A fresh context for one layer; close it with `closeContext` (or `close` at the render's end). */
  async newContext(): Promise<BrowserContext> {
    const browser = await getBrowser();
    const context = await browser.newContext({
      acceptDownloads: false,
      serviceWorkers: 'block',
      bypassCSP: false,
      javaScriptEnabled: true,
      deviceScaleFactor: 1,
      permissions: [],
      offline: false,
      locale: 'en-US',
      timezoneId: 'UTC',
      colorScheme: 'light',
      reducedMotion: 'no-preference',
    });
    await context.routeWebSocket(/.*/, (ws) => {
      this.refused.push(`${ws.url()}: WebSockets are not allowed`);
      ws.close({ code: 1008, reason: 'not allowed' }).catch(() => undefined);
    });
    this.contexts.add(context);
    await context.route('**/*', (route) => this.answer(route));
    return context;
  }

  /** Pages that drew Reelay's own documents, ready for the next one (see takeOwnPage). */
  private readonly idleOwnPages: Page[] = [];

  /**
   * A page for one of Reelay's own documents (texts, components: our markup, no script): one the
   * render used before when there is one, else a new one in a context of its own. Give it back with
   * `returnOwnPage` once drawn, or close it and its context when drawing failed.
   */
  async takeOwnPage(): Promise<Page> {
    for (let page = this.idleOwnPages.pop(); page; page = this.idleOwnPages.pop()) if (!page.isClosed()) return page;
    return (await this.newContext()).newPage();
  }

  returnOwnPage(page: Page): void {
    if (this.contexts.has(page.context())) this.idleOwnPages.push(page);
  }

  async closeContext(context: BrowserContext): Promise<void> {
    this.contexts.delete(context);
    await within(context.close().catch(() => undefined), 5000);
  }

  private async answer(route: Route): Promise<void> {
    const request = route.request();
    const raw = request.url();
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return this.refuse(route, raw, 'not a URL');
    }
    if (url.origin === INTERNAL_ORIGIN) {
      const doc = this.internal.documents.get(url.pathname);
      if (doc !== undefined) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: doc });
      const file = this.internal.files.get(url.pathname);
      if (file !== undefined) {
        const body = await fs.readFile(file);
        return route.fulfill({ status: 200, contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', body, headers: { 'access-control-allow-origin': '*' } });
      }
      return route.fulfill({ status: 404, body: '' });
    }
    if (request.method() !== 'GET') return this.refuse(route, raw, `${request.method()} requests are not allowed`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return this.refuse(route, raw, `${url.protocol} is not allowed`);
    try {
      const got = await fetchAsset(raw, { cache: this.cache, allowPrivateUrls: this.opts.allowPrivateUrls, useCache: true, where: 'page request', signal: this.opts.signal, limits: { maxBytes: 50 * 1024 * 1024, timeoutMs: 30_000 } });
      const body = await fs.readFile(got.file);
      await route.fulfill({ status: 200, body, contentType: got.contentType ?? 'application/octet-stream', headers: { 'access-control-allow-origin': '*' } });
    } catch (err) {
      await this.refuse(route, raw, (err as Error).message);
    }
  }

  private async refuse(route: Route, url: string, why: string): Promise<void> {
    this.refused.push(`${url.slice(0, 200)}: ${why}`);
    await route.abort('blockedbyclient').catch(() => undefined);
  }

  async close(): Promise<void> {
    this.idleOwnPages.length = 0;
    await Promise.all([...this.contexts].map((c) => this.closeContext(c)));
  }
}
