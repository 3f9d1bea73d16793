/**
 * The HTML engine's entry for normalise: a layer document (or page address) → a picture file, drawn
 * by the browser once and kept in the shared cache by content, like assets: the same markup at the
 * same size, fps and length is drawn once for every render that uses it.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { capture, type CaptureRequest, type CaptureResult } from './capture';
import { BrowserSession } from './session';

/** Bumped when the way layers are drawn changes, so cached layers of older code are not reused. */
const ENGINE_VERSION = 4;

/** Layers being drawn in this process, by where they are written (cache dir and key; see LayerEngine.render). */
const inFlight = new Map<string, Promise<CaptureResult>>();

export interface LayerSpec {
  /** The layer document's full HTML; or `url` for a page. */
  html?: string;
  url?: string;
  width: number;
  height: number;
  fps: number;
  duration: number;
  clip: CaptureRequest['clip'];
  animated: CaptureRequest['animated'];
  wait?: number;
  /** See CaptureRequest.onlyAnimationsMove. */
  onlyAnimationsMove?: boolean;
  /** false: draw again even when cached (the element's or movie's `cache: false`). */
  useCache: boolean;
}

export interface LayerEngineOptions {
  cacheDir: string;
  allowPrivateUrls: boolean;
  signal?: AbortSignal;
}

/** One render's use of the engine: opens the browser context on first need, closed by `close()`. */
export class LayerEngine {
  private session: BrowserSession | undefined;
  private readonly dir: string;

  constructor(private readonly opts: LayerEngineOptions) {
    this.dir = path.join(opts.cacheDir, 'layers');
  }

  /** Requests the pages of this render were refused (for the log). */
  get refused(): readonly string[] {
    return this.session?.refused ?? [];
  }

  /** Layers being drawn now, at most REELAY_BROWSER_PAGES (default 2: one per core) at a time. */
  private drawing = 0;
  private readonly waiting: (() => void)[] = [];

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    const limit = Number(process.env.REELAY_BROWSER_PAGES) || 2;
    // A finished layer hands its place straight to the next waiting one, so the count never passes the limit.
    if (this.drawing >= limit) await new Promise<void>((r) => this.waiting.push(r));
    else this.drawing++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.drawing--;
    }
  }

  async render(spec: LayerSpec, where: string, jsonPath: string): Promise<CaptureResult> {
    const { useCache: _, ...content } = spec;
    const key = createHash('sha256').update(JSON.stringify([ENGINE_VERSION, content])).digest('hex');
    // The same layer being drawn (by this render or another in the process) is waited for: drawn twice
    // at once, both wrote the same files. When that drawing fails (its render cancelled, its budget
    // spent), this one draws it, and its errors name its own element.
    const drawing = path.join(this.dir, key);
    for (let other = inFlight.get(drawing); other; other = inFlight.get(drawing)) {
      try {
        return await other;
      } catch {
        // drawn below
      }
    }
    const mine = this.slot(() => this.draw(key, spec, where, jsonPath));
    inFlight.set(drawing, mine);
    try {
      return await mine;
    } finally {
      if (inFlight.get(drawing) === mine) inFlight.delete(drawing);
    }
  }

  private async draw(key: string, spec: LayerSpec, where: string, jsonPath: string): Promise<CaptureResult> {
    const { useCache } = spec;
    const meta = path.join(this.dir, `${key}.json`);
    if (useCache) {
      const hit = await readMeta(meta);
      if (hit) return hit;
    }
    await fs.mkdir(this.dir, { recursive: true });
    this.session ??= new BrowserSession(this.opts);
    const url = spec.url ?? this.session.addDocument(key, spec.html ?? '');
    const result = await capture(this.session, {
      url, width: spec.width, height: spec.height, fps: spec.fps, duration: spec.duration, clip: spec.clip, animated: spec.animated,
      wait: spec.wait, onlyAnimationsMove: spec.onlyAnimationsMove, where, path: jsonPath, out: path.join(this.dir, key), signal: this.opts.signal,
    });
    const tmp = `${meta}.${randomUUID()}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(result));
    await fs.rename(tmp, meta);
    return result;
  }

  /** Serves a local file to this render's pages (fonts, scripts); see BrowserSession.addFile. */
  fileUrl(file: string): string {
    this.session ??= new BrowserSession(this.opts);
    return this.session.addFile(file);
  }

  async close(): Promise<void> {
    await this.session?.close();
    this.session = undefined;
  }
}

async function readMeta(file: string): Promise<CaptureResult | undefined> {
  try {
    const r = JSON.parse(await fs.readFile(file, 'utf8')) as CaptureResult;
    return existsSync(r.file) ? r : undefined;
  } catch {
    return undefined;
  }
}
