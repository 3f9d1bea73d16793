/**
 * normalise: parsed movie → Plan. The I/O step of the pipeline: fetches assets (or reads local files
 * in --local mode), asks providers for voices and images, probes every source with ffprobe, lays
 * out text and writes the subtitles file. Everything after this is pure.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { RenderError } from '../errors';
import { AssetCache } from '../assets/cache';
import { fetchAsset } from '../assets/fetch';
import { getImageProvider } from '../images/registry';
import type { OpenedConnections } from '../jobs/connections';
import type { ProbeResult } from '../run/ffmpeg';
import { parseColour } from '../schema/colour';
import { checkRenderBudget, MOVIE_LIMITS } from '../schema/limits';
import { elementSchema, movieSize, type Element, type Movie, type SubtitlesElement } from '../schema/movie';
import { type DeferredField, timeVariables } from '../variables/element-times';
import { ExpressionError } from '../variables/expression';
import type { Origin } from '../variables/resolve';
import { buildAss } from '../subtitles/ass';
import { cuesFromSpeech, isAss, limitWords, looksLikeInlineCaptions, parseCaptions, type Cue } from '../subtitles/captions';
import { loadFontMetrics } from '../text/font-metrics';
import type { ResolvedFont } from '../fonts/face';
import { DEFAULT_BOLD_FONT, resolveFont } from '../fonts/resolve';
import { faceForText } from '../fonts/pick';
import { layoutText, textBounds } from '../text/layout';
import { textStyleEffect } from '../text/styles';
import { DEFAULT_VOICE_MODEL, getVoiceProvider } from '../voice/registry';
import { drawComponent, drawHtml, drawText, type DrawContext } from '../html/elements';
import { LayerEngine } from '../html/layers';
import { needsBrowser } from '../html/text';
import { placeElement } from './geometry';
import { probeCached } from './probe-cache';
import type { AudioLayer, Effects, Plan, PlanInput, PlannedScene, VisualLayer } from './plan';
import { assetSeconds, elementSeconds, fitDuration, layoutScenes } from './timeline';

export interface NormaliseOptions {
  /** Scratch directory of this render (text files, subtitles). */
  workDir: string;
  /** Shared content-addressed cache directory. */
  cacheDir: string;
  allowPrivateUrls: boolean;
  /** Set only by `reelay render --local`: plain paths are files relative to this directory. */
  localBaseDir?: string;
  connections: OpenedConnections;
  signal: AbortSignal;
  output: string;
  origin?: Origin;
  /** Fields validateMovie left for once the assets' lengths are known (variables/element-times.ts). */
  deferred?: DeferredField[];
}

interface Located {
  el: Element;
  /** JSON path in the submitted movie. */
  path: string;
  /** Human label: `Scene #1, element #2`. */
  label: string;
  scene?: number;
}

interface Resolved {
  file?: string;
  probe?: ProbeResult;
  fontFile?: string;
  /** A text's font: drawtext draws `fontFile`; the browser is given every face (font-url: that file). */
  font?: ResolvedFont;
}

const MAX_PARALLEL_DOWNLOADS = 4;

/**
 * Runs `fn` over the items, `limit` at a time, to the end even when some fail, so a movie whose
 * assets are broken names every one of them, not just the first; then throws (see `allFailures`).
 */
async function inParallel<T extends { path: string }>(items: T[], limit: number, fn: (item: T) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const failures: { index: number; path: string; err: unknown }[] = [];
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await fn(items[index]).catch((err: unknown) => failures.push({ index, path: items[index].path, err }));
    }
  });
  await Promise.all(workers);
  if (failures.length > 0) throw allFailures(failures.sort((a, b) => a.index - b.index));
}

/** One failure as it is; several as one error listing each (retried only when every one may heal). */
function allFailures(failures: { path: string; err: unknown }[]): unknown {
  const unexpected = failures.find((f) => !(f.err instanceof RenderError));
  if (failures.length === 1 || unexpected) return (unexpected ?? failures[0]).err;
  const errors = failures.map((f) => ({ path: f.path, err: f.err as RenderError }));
  const first = errors[0];
  return new RenderError(first.err.code, `${errors.length} elements failed: ${errors.map((e) => e.err.message).join('; ')}`, {
    path: first.path,
    issues: errors.map((e) => ({ path: e.path, message: e.err.message })),
    retryable: errors.every((e) => e.err.retryable),
    cause: first.err,
  });
}

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

export async function normalise(movie: Movie, opts: NormaliseOptions): Promise<Plan> {
  // The browser is opened only if an element needs it, with a context of this render's own.
  const engine = new LayerEngine({ cacheDir: opts.cacheDir, allowPrivateUrls: opts.allowPrivateUrls, signal: opts.signal });
  try {
    return await plan(movie, opts, engine);
  } finally {
    await engine.close();
  }
}

async function plan(movie: Movie, opts: NormaliseOptions, engine: LayerEngine): Promise<Plan> {
  const { width, height } = movieSize(movie);
  const cache = new AssetCache(path.join(opts.cacheDir, 'assets'));
  const o = opts.origin;
  const located: Located[] = [];
  movie.scenes.forEach((scene, s) =>
    scene.elements.forEach((el, e) => {
      const os = o?.scenes[s] ?? s;
      const oe = o?.sceneElements[s]?.[e] ?? e;
      located.push({ el, scene: s, path: `scenes[${os}].elements[${oe}]`, label: `Scene #${os + 1}, element #${oe + 1}` });
    }),
  );
  movie.elements.forEach((el, e) => {
    const oe = o?.elements[e] ?? e;
    located.push({ el, path: `elements[${oe}]`, label: `Movie element #${oe + 1}` });
  });
  const resolved = new Map<Element, Resolved>();
  const connectionOf = (l: Located) => opts.connections[l.path];

  const materialise = async (src: string, l: Located, useCache: boolean): Promise<string> => {
    const where = `${l.label} (${l.path})`;
    if (!/^[a-z][a-z0-9+.-]*:/i.test(src)) {
      if (!opts.localBaseDir) throw new RenderError('asset_forbidden', `${where}: '${src}' is not a URL (local files are accepted only by reelay render --local)`, { path: l.path });
      const file = path.resolve(opts.localBaseDir, src);
      if (!existsSync(file)) throw new RenderError('asset_failed', `${where}: file '${src}' not found`, { path: l.path });
      return file;
    }
    const got = await fetchAsset(src, { cache, allowPrivateUrls: opts.allowPrivateUrls, useCache, where, signal: opts.signal });
    return got.file;
  };
  const probeMedia = async (file: string, src: string, l: Located): Promise<ProbeResult> => {
    let p: ProbeResult;
    try {
      p = await probeCached(file, opts.cacheDir);
      if (!p.hasVideo && !p.hasAudio) throw new Error('no streams');
    } catch {
      throw new RenderError('asset_failed', `${l.label} (${l.path}): '${src}' is not a media file ffmpeg can read`, { path: l.path });
    }
    // ffmpeg decodes a picture whole (PNG can not be decoded smaller): one over the uploads' size limit
    // would take gigabytes before any scaling.
    const { maxSourceSide, maxSourcePixels } = MOVIE_LIMITS;
    if (p.width && p.height && (p.width > maxSourceSide || p.height > maxSourceSide || p.width * p.height > maxSourcePixels)) {
      throw new RenderError('asset_failed', `${l.label} (${l.path}): '${src}' is ${p.width}×${p.height}; at most ${maxSourceSide} pixels a side and ${maxSourcePixels / 1e6} megapixels`, { path: l.path });
    }
    return p;
  };

  await inParallel(located, MAX_PARALLEL_DOWNLOADS, async (l) => {
    const el = l.el;
    const useCache = movie.cache !== false && el.cache !== false;
    const r: Resolved = {};
    resolved.set(el, r);
    if (el.type === 'image' || el.type === 'video' || el.type === 'audio') {
      if (el.type === 'image' && !el.src && el.prompt) {
        const model = el.model ?? 'default';
        const provider = getImageProvider(model);
        if (!provider) throw new RenderError('provider_missing', `${l.label} (${l.path}): no image provider for model '${model}'`, { path: l.path });
        const box = placeElement({ canvasWidth: width, canvasHeight: height, width: el.width, height: el.height });
        const file = path.join(opts.cacheDir, 'images', `${sha(JSON.stringify([model, el.prompt, box.boxWidth, box.boxHeight]))}.img`);
        if (!useCache || !existsSync(file)) {
          await fs.mkdir(path.dirname(file), { recursive: true });
          const tmp = `${file}.${randomUUID()}.tmp`;
          try {
            await provider.generate({ prompt: el.prompt, model, width: box.boxWidth, height: box.boxHeight, connection: connectionOf(l), signal: opts.signal }, tmp);
          } catch (err) {
            // Name the element, as for voices: the provider's reason alone does not say which image failed.
            if (err instanceof RenderError) throw new RenderError(err.code, `${l.label} (${l.path}): ${err.message}`, { path: l.path, retryable: err.retryable, cause: err });
            throw err;
          }
          await fs.rename(tmp, file);
        }
        r.file = file;
        r.probe = await probeMedia(file, `prompt image`, l);
        return;
      }
      const src = el.src!;
      r.file = await materialise(src, l, useCache);
      r.probe = await probeMedia(r.file, src, l);
      if (el.type !== 'audio' && !r.probe.hasVideo) throw new RenderError('asset_failed', `${l.label} (${l.path}): '${src}' has no picture`, { path: l.path });
      if (el.type === 'audio' && !r.probe.hasAudio) throw new RenderError('asset_failed', `${l.label} (${l.path}): '${src}' has no sound`, { path: l.path });
    } else if (el.type === 'voice') {
      const model = el.model ?? DEFAULT_VOICE_MODEL;
      const provider = getVoiceProvider(model);
      if (!provider) throw new RenderError('provider_missing', `${l.label} (${l.path}): no voice provider for model '${model}'`, { path: l.path });
      const settings = el['model-settings'];
      const file = path.join(opts.cacheDir, 'voice', `${sha(JSON.stringify([model, el.voice ?? '', el.text, ...(settings ? [settings] : [])]))}.audio`);
      if (!useCache || !existsSync(file)) {
        await fs.mkdir(path.dirname(file), { recursive: true });
        const tmp = `${file}.${randomUUID()}.tmp`;
        try {
          await provider.synthesize({ text: el.text, voice: el.voice, model, ...(settings ? { settings } : {}), connection: connectionOf(l), signal: opts.signal }, tmp);
        } catch (err) {
          if (err instanceof RenderError) throw new RenderError(err.code, `${l.label} (${l.path}): ${err.message}`, { path: l.path, retryable: err.retryable, cause: err });
          throw err;
        }
        await fs.rename(tmp, file);
      }
      r.file = file;
      r.probe = await probeMedia(file, 'voice audio', l);
    } else if (el.type === 'text') {
      const s = el.settings ?? {};
      const fontUrl = s['font-url'] ?? (/^https?:\/\//.test(s['font-family'] ?? '') ? s['font-family'] : undefined);
      // The subset file covering the text's characters: layout measures what drawtext draws.
      const font = fontUrl ? undefined : await resolveFont({ family: s['font-family'], weight: s['font-weight'] }, { cacheDir: opts.cacheDir, allowPrivateUrls: opts.allowPrivateUrls, signal: opts.signal });
      r.fontFile = fontUrl ? await materialise(fontUrl, l, useCache) : faceForText(font!.faces, el.text).file;
      r.font = font ?? { family: 'Reelay font-url', source: 'installed', weight: 400, style: 'normal', faces: [{ file: r.fontFile, weight: 400, style: 'normal' }] };
      try {
        loadFontMetrics(r.fontFile);
      } catch {
        throw new RenderError('asset_failed', `${l.label} (${l.path}): '${fontUrl ?? r.fontFile}' is not a TrueType/OpenType font`, { path: l.path });
      }
    }
  }, opts.signal);

  // Durations: -1 becomes the asset's length now that everything is probed.
  const ownSeconds = (el: Element): number | undefined => {
    const p = resolved.get(el)?.probe;
    if (el.type === 'video' || el.type === 'audio') {
      if (el.loop === -1) return undefined; // endless loop: follows its container
      return assetSeconds(p?.duration ?? 0, el.seek ?? 0, el.loop ?? 0);
    }
    if (el.type === 'voice') return p?.duration ?? 0;
    return undefined;
  };
  const timed = (el: Element) => {
    const defaultDuration = el.type === 'video' || el.type === 'audio' || el.type === 'voice' ? -1 : -2;
    let duration = el.duration ?? defaultDuration;
    if (duration === -1) duration = ownSeconds(el) ?? -2;
    return { start: el.start ?? 0, duration, extraTime: el['extra-time'] ?? 0 };
  };
  // Element variables only the assets could tell ({{intro_end}} of a video of its own length): now they can.
  if (opts.deferred?.length) applyElementTimes(movie, opts.deferred, timed);
  // A movie of movie-level elements only (JSON2Video allows no scenes) is one empty scene as long as they are.
  if (movie.scenes.length === 0) movie = { ...movie, scenes: [{ elements: [], duration: fitDuration(movie.elements.map(timed), undefined) }] };
  const sceneDurations = movie.scenes.map((scene) => fitDuration(scene.elements.map(timed), scene.duration));
  const { slots, total } = layoutScenes(movie.scenes.map((scene, i) => ({ duration: sceneDurations[i], transition: scene.transition })));
  // The JSON's own lengths were checked at submit; the assets' lengths are known only now.
  const [overBudget] = checkRenderBudget({ width, height, fps: movie.fps, seconds: total });
  if (overBudget) throw new RenderError('invalid_movie', `the movie is over a limit: ${overBudget.message}`, { issues: [overBudget] });

  const inputs: PlanInput[] = [];
  const audio: AudioLayer[] = [];
  const addInput = (input: PlanInput) => inputs.push(input) - 1;

  const buildLayers = async (l: Located, containerStart: number, containerDuration: number, index: number): Promise<VisualLayer | undefined> => {
    const el = l.el;
    const t = timed(el);
    const duration = elementSeconds(t, containerDuration);
    if (duration <= 0) return undefined;
    const r = resolved.get(el)!;
    const style = el.type === 'text' ? textStyleEffect(el.style) : {};
    const fadeIn = el['fade-in'] ?? Math.min(style.fadeIn ?? 0, duration);
    const base = { path: l.path, zIndex: el['z-index'] ?? 0, start: t.start, duration, containerStart, fadeIn, fadeOut: el['fade-out'] ?? 0 };
    if (el.type === 'audio' || el.type === 'voice' || (el.type === 'video' && r.probe?.hasAudio && !el.muted && (el.volume ?? 1) > 0)) {
      const media = el as Extract<Element, { type: 'audio' | 'voice' | 'video' }>;
      const seek = media.seek ?? 0;
      const input = el.type === 'video' ? -1 : addInput({ file: r.file!, seek, duration, loop: media.loop ?? 0, still: false });
      audio.push({ path: l.path, input, start: containerStart + t.start, duration, volume: media.muted ? 0 : (media.volume ?? 1), fadeIn: base.fadeIn, fadeOut: base.fadeOut });
      if (el.type !== 'video') return undefined;
    }
    if (el.type !== 'image' && el.type !== 'video' && el.type !== 'text' && el.type !== 'audiogram' && el.type !== 'html' && el.type !== 'component') return undefined;
    const p = r.probe;
    const geometry = placeElement({
      canvasWidth: width, canvasHeight: height, width: el.width, height: el.height, position: el.position, x: el.x, y: el.y,
      resize: el.resize, sourceWidth: p?.width, sourceHeight: p?.height,
    });
    const effects: Effects = { flipHorizontal: el['flip-horizontal'] === true, flipVertical: el['flip-vertical'] === true };
    if (el.crop) effects.crop = { x: el.crop.x ?? 0, y: el.crop.y ?? 0, width: el.crop.width, height: el.crop.height };
    if (el['chroma-key']) effects.chromaKey = { color: parseColour(el['chroma-key'].color)!, similarity: (el['chroma-key'].tolerance ?? 25) / 100 };
    if (el.correction) {
      const c = el.correction;
      effects.correction = { brightness: c.brightness ?? 0, contrast: c.contrast ?? 1, gamma: c.gamma ?? 1, saturation: c.saturation ?? 1 };
    }
    if (el.zoom || el.pan) {
      const f = 1 + Math.abs(el.zoom ?? 0) * 0.05;
      const factor = f === 1 && el.pan ? 1 + 2 * (el['pan-distance'] ?? 0.1) : f;
      effects.zoom = (el.zoom ?? 0) < 0 ? { from: factor, to: 1, pan: el.pan, panDistance: el['pan-distance'] ?? 0.1 } : { from: el.zoom ? 1 : factor, to: factor, pan: el.pan, panDistance: el['pan-distance'] ?? 0.1 };
    }
    if (el.rotate && (el.rotate.angle || el.rotate.speed)) effects.rotate = { angle: el.rotate.angle ?? 0, speed: el.rotate.speed ?? 0 };
    if (el.type !== 'audiogram' && el.opacity !== undefined && el.opacity < 1) effects.opacity = el.opacity;
    const covers = (sourceLasts: boolean) =>
      sourceLasts && !p?.hasAlpha && t.start === 0 && duration >= containerDuration - 1e-6 && base.fadeIn === 0 && base.fadeOut === 0 &&
      geometry.x <= 0 && geometry.y <= 0 && geometry.x + geometry.width >= width && geometry.y + geometry.height >= height &&
      geometry.resize !== 'contain' && !effects.chromaKey && !effects.rotate && effects.opacity === undefined;
    if (el.type === 'html' || el.type === 'component' || (el.type === 'text' && needsBrowser(el))) {
      const ctx: DrawContext = { engine, canvasWidth: width, canvasHeight: height, fps: movie.fps, duration, useCache: movie.cache !== false && el.cache !== false, where: l.label, path: l.path,
        fonts: { cacheDir: opts.cacheDir, allowPrivateUrls: opts.allowPrivateUrls, signal: opts.signal } };
      // The input's place is taken before the browser draws, so layers drawn side by side keep inputs in element order.
      const input = addInput({ file: '', seek: 0, duration, loop: 0, still: true });
      const drawn = el.type === 'html' ? await drawHtml(el, ctx) : el.type === 'component' ? await drawComponent(el, geometry, ctx) : await drawText(el, geometry, ctx, r.font!);
      // A trimmed html snapshot is placed like a picture of its own size; a text keeps its box's place.
      const trimmed = el.type === 'html' && !(el.width && el.width > 0 && el.height && el.height > 0);
      const at = trimmed
        ? placeElement({ canvasWidth: width, canvasHeight: height, width: drawn.box.width, height: drawn.box.height, position: el.position, x: el.x, y: el.y, resize: 'fill' })
        : { ...geometry, x: geometry.x + drawn.box.x, y: geometry.y + drawn.box.y, width: drawn.box.width, height: drawn.box.height, boxWidth: drawn.box.width, boxHeight: drawn.box.height, resize: 'fill' as const };
      // The browser drew the text style's own fade; the layer fades only as the element says.
      const own = { ...base, fadeIn: el['fade-in'] ?? 0 };
      inputs[input] = drawn.animated
        ? { file: drawn.file, seek: 0, duration, loop: 0, still: false, pngFrames: { fps: movie.fps } }
        : { file: drawn.file, seek: 0, duration, loop: 0, still: true };
      return { ...own, geometry: at, effects, source: drawn.animated ? { kind: 'video', input, held: true } : { kind: 'image', input } };
    }
    if (el.type === 'image') {
      return { ...base, geometry, effects, coversContainer: covers(true), source: { kind: 'image', input: addInput({ file: r.file!, seek: 0, duration, loop: 0, still: true }) } };
    }
    if (el.type === 'video') {
      const input = addInput({ file: r.file!, seek: el.seek ?? 0, duration, loop: el.loop ?? 0, still: false });
      if (audio.length > 0 && audio[audio.length - 1].path === l.path) audio[audio.length - 1].input = input;
      const lasts = el.loop === -1 || assetSeconds(p?.duration ?? 0, el.seek ?? 0, el.loop ?? 0) >= duration - 1e-6;
      return { ...base, geometry, effects, coversContainer: covers(lasts), source: { kind: 'video', input } };
    }
    if (el.type === 'text') {
      await fs.mkdir(path.join(opts.workDir, 'text'), { recursive: true });
      const text = await layoutText({
        text: el.text, settings: el.settings ?? {}, fontFile: r.fontFile!, boxWidth: geometry.width, boxHeight: geometry.height,
        canvasWidth: width, canvasHeight: height, filePrefix: path.join(opts.workDir, 'text', `t${index}`), style, duration,
      });
      // Without rotation or flips only the text's bounds matter: overlay just those.
      const bounds = !effects.rotate && !effects.flipHorizontal && !effects.flipVertical && !effects.zoom
        ? textBounds(text, geometry.width, geometry.height) : undefined;
      if (bounds) {
        text.lines = text.lines.map((l) => ({ ...l, x: l.x - bounds.x, y: l.y - bounds.y }));
        text.pieces = text.pieces?.map((piece) => ({ ...piece, x: piece.x - bounds.x, y: piece.y - bounds.y }));
        if (text.background) text.background = { ...text.background, x: text.background.x - bounds.x, y: text.background.y - bounds.y };
        return { ...base, effects, source: { kind: 'text', text }, geometry: { ...geometry, x: geometry.x + bounds.x, y: geometry.y + bounds.y, width: bounds.width, height: bounds.height } };
      }
      return { ...base, geometry, effects, source: { kind: 'text', text } };
    }
    return { ...base, geometry, effects, source: { kind: 'audiogram', color: parseColour(el.color ?? '#ffffff')!, opacity: el.opacity ?? 1, amplitude: el.amplitude ?? 5 } };
  };

  // Stable order: z-index first, then the order elements were written (later on top).
  const ordered = (layers: (VisualLayer | undefined)[]) =>
    layers.map((l, i) => ({ l, i })).filter((x): x is { l: VisualLayer; i: number } => x.l !== undefined)
      .sort((a, b) => a.l.zIndex - b.l.zIndex || a.i - b.i).map((x) => x.l);

  // Every layer is started at once (the browser draws several side by side, html/layers.ts); each takes
  // its inputs' places before its first wait, so the plan is the same whatever finishes first.
  let counter = 0;
  const sceneLayers = movie.scenes.map((_, s) =>
    located.filter((x) => x.scene === s && x.el.type !== 'subtitles').map((l) => buildLayers(l, slots[s].start, slots[s].duration, counter++)));
  const movieLevel = located.filter((x) => x.scene === undefined && x.el.type !== 'subtitles');
  const overlayLayers = movieLevel.map((l) => buildLayers(l, 0, total, counter++));
  const settled = await Promise.allSettled([...sceneLayers.flat(), ...overlayLayers]);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const scenes: PlannedScene[] = await Promise.all(movie.scenes.map(async (scene, s) => ({
    path: `scenes[${o?.scenes[s] ?? s}]`, start: slots[s].start, duration: slots[s].duration,
    background: parseColour(scene['background-color'] ?? '#000000')!, transition: slots[s].transition, layers: ordered(await Promise.all(sceneLayers[s])),
  })));
  const overlays = await Promise.all(overlayLayers);

  let subtitles: Plan['subtitles'];
  // One per movie (the schema checks it); real movies also put it in a scene: it subtitles the whole movie either way.
  const subs = located.find((l) => l.el.type === 'subtitles');
  if (subs) subtitles = await writeSubtitles(subs, movie, audio, resolved, { width, height }, opts, materialise);

  return {
    width, height, fps: movie.fps, duration: total, format: movie.format, quality: movie.quality,
    draft: movie.draft ? { fontFile: DEFAULT_BOLD_FONT } : undefined,
    inputs, scenes, overlays: ordered(overlays), audio, subtitles, output: opts.output,
  };
}

/**
 * Works out the deferred fields container by container, in order: each element sees the element
 * variables of those before it, with their real lengths. The element is checked again by the schema.
 */
function applyElementTimes(movie: Movie, deferred: DeferredField[], timed: (el: Element) => { start: number; duration: number; extraTime: number }): void {
  const containers: { scene: number | undefined; elements: Element[] }[] = [
    ...movie.scenes.map((scene, s) => ({ scene: s as number | undefined, elements: scene.elements })),
    { scene: undefined, elements: movie.elements },
  ];
  for (const { scene, elements } of containers) {
    const known: Record<string, number> = {};
    elements.forEach((el, e) => {
      const fields = deferred.filter((d) => d.scene === scene && d.element === e);
      if (fields.length > 0) {
        const copy = structuredClone(el) as Record<string, unknown>;
        for (const d of fields) {
          let value: unknown;
          try {
            value = d.evaluate(known);
          } catch (err) {
            const why = err instanceof ExpressionError ? err.message : String(err);
            throw new RenderError('invalid_movie', `${d.path}: ${why} (an element that lasts as long as its container gives no times)`, { path: d.path });
          }
          let target = copy;
          for (const key of d.field.slice(0, -1)) target = target[key] as Record<string, unknown>;
          target[d.field[d.field.length - 1]] = value;
        }
        const checked = elementSchema.safeParse(copy);
        if (!checked.success) {
          const issue = checked.error.issues[0];
          throw new RenderError('invalid_movie', `${fields[0].path}: once the assets' lengths are known, ${issue.path.join('.') || 'the element'}: ${issue.message}`, { path: fields[0].path });
        }
        Object.assign(el, checked.data);
      }
      if (typeof el.id === 'string' && el.id !== '') {
        const t = timed(el);
        if (t.duration > 0) Object.assign(known, timeVariables(el.id, { start: t.start, duration: t.duration, extratime: t.extraTime }));
      }
    });
  }
}

async function writeSubtitles(
  l: Located, movie: Movie, audio: AudioLayer[], resolved: Map<Element, Resolved>, video: { width: number; height: number },
  opts: NormaliseOptions, materialise: (src: string, l: Located, useCache: boolean) => Promise<string>,
): Promise<Plan['subtitles']> {
  const el = l.el as SubtitlesElement;
  const settings = el.settings ?? {};
  const maxWords = settings['max-words-per-line'] ?? 4;
  const file = path.join(opts.workDir, 'subtitles.ass');
  let cues: Cue[];
  if (el.captions) {
    const text = looksLikeInlineCaptions(el.captions) ? el.captions : await fs.readFile(await materialise(el.captions, l, movie.cache !== false && el.cache !== false), 'utf8');
    if (isAss(text)) {
      await fs.writeFile(file, text);
      return { file };
    }
    cues = limitWords(parseCaptions(text), maxWords);
    if (cues.length === 0) throw new RenderError('asset_failed', `${l.label} (${l.path}): captions contain no SRT/VTT cues`, { path: l.path });
  } else {
    // No captions: the voice elements' text, timed over their audio.
    const voices = new Map<string, string>();
    for (const [el2] of resolved) if (el2.type === 'voice') voices.set(JSON.stringify(el2), el2.text);
    cues = [];
    const all = [...movie.scenes.flatMap((s, si) => s.elements.map((e, ei) => ({ e, p: `scenes[${opts.origin?.scenes[si] ?? si}].elements[${opts.origin?.sceneElements[si]?.[ei] ?? ei}]` }))), ...movie.elements.map((e, ei) => ({ e, p: `elements[${opts.origin?.elements[ei] ?? ei}]` }))];
    for (const { e, p } of all) {
      if (e.type !== 'voice') continue;
      const a = audio.find((x) => x.path === p);
      if (a) cues.push(...cuesFromSpeech(e.text, a.start, a.duration, maxWords));
    }
    if (cues.length === 0) return undefined;
  }
  // libass finds the family by name among the faces in fontsDir (bundled and Google fonts are not installed).
  const font = await resolveFont({ family: settings['font-family'], weight: settings['font-weight'] }, { cacheDir: opts.cacheDir, allowPrivateUrls: opts.allowPrivateUrls, signal: opts.signal });
  const fontsDir = path.join(opts.workDir, 'subtitle-fonts');
  await fs.mkdir(fontsDir, { recursive: true });
  for (const [i, face] of font.faces.entries()) await fs.symlink(face.file, path.join(fontsDir, `${i}${path.extname(face.file)}`));
  await fs.writeFile(file, buildAss(cues, { ...settings, 'font-family': font.family }, video, font.faces[0].file));
  return { file, fontsDir };
}
