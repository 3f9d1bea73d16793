/**
 * The pipeline for one movie: validate → normalise (assets, probes) → compile (pure) → run ffmpeg →
 * probe the output → poster → export destinations. Used by the Bull worker and `reelay render --local`.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { compile } from '../compile/compile';
import type { StillSource } from '../compile/inputs';
import { RenderError } from '../errors';
import { getDestination, type DestinationResultFile, type OpenedConnections } from '../jobs/connections';
import { silentLogger, type Logger } from '../logger';
import { normalise } from '../normalise/normalise';
import { probeCached } from '../normalise/probe-cache';
import type { Plan } from '../normalise/plan';
import { extractFrame, probe, runFfmpeg } from '../run/ffmpeg';
import { makeWorkDir } from '../run/workdirs';
import type { Movie } from '../schema/movie';
import { validateMovie } from '../schema/validate';
import { mergeDestination } from '../destinations/merge';
import { localSegmentRunner, renderInSegments, type SegmentRunner } from '../segments/render';
import { planSegments, type SegmentSettings } from '../segments/sizing';

export interface RenderOptions {
  project: string;
  movie: unknown;
  /** Directory the movie and its poster are written to (created if missing). */
  outputDir: string;
  /** Data directory: the shared asset/voice/image cache lives in `<dataDir>/cache`. */
  dataDir: string;
  allowPrivateUrls: boolean;
  /** `reelay render --local` only: plain paths in `src` are files relative to this directory. */
  localBaseDir?: string;
  connections?: OpenedConnections;
  signal?: AbortSignal;
  onProgress?: (percent: number) => void;
  logger?: Logger;
  /** Output file name without extension. @default the project id */
  fileName?: string;
  /** Milliseconds spent preparing (validate, assets, probes), in ffmpeg, and finishing (probe, poster). */
  onTimings?: (t: { prepareMs: number; encodeMs: number; finishMs: number }) => void;
  /** REELAY_RENDER_STALL_SECONDS: ffmpeg whose output time stops advancing this long is killed (`stalled`). @default 120 */
  stallSeconds?: number;
  /** REELAY_RENDER_MEMORY_MB: ffmpeg whose resident memory passes this is killed (`memory_limit`). @default 2048 */
  memoryMb?: number;
  /** Called with the main ffmpeg's pid once it runs. */
  onFfmpegStart?: (pid: number) => void;
  /** How long movies are cut into segments (segments/sizing.ts). @default from the memory budget */
  segments?: SegmentSettings;
  /** Who renders the segments of a long movie. @default this process, one after the other */
  segmentRunner?: (plan: Plan) => SegmentRunner;
}

export interface ExportOutcome {
  type: string;
  id?: string;
  status: 'done' | 'error';
  message?: string;
}

export interface RenderResult extends DestinationResultFile {
  exports: ExportOutcome[];
}

export function invalidMovieError(issues: { path: string; message: string }[]): RenderError {
  const list = issues.slice(0, 10).map((i) => `${i.path || '(movie)'}: ${i.message}`).join('; ');
  return new RenderError('invalid_movie', `invalid movie: ${list}${issues.length > 10 ? `; and ${issues.length - 10} more` : ''}`, { issues, path: issues[0]?.path });
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'movie';

type PlanOptions = Pick<RenderOptions, 'dataDir' | 'allowPrivateUrls' | 'localBaseDir' | 'connections'>;

function planChecked(checked: Extract<ReturnType<typeof validateMovie>, { ok: true }>, opts: PlanOptions, workDir: string, output: string, signal: AbortSignal): Promise<Plan> {
  return normalise(checked.movie, {
    workDir, cacheDir: path.join(opts.dataDir, 'cache'), allowPrivateUrls: opts.allowPrivateUrls, localBaseDir: opts.localBaseDir,
    connections: opts.connections ?? {}, signal, output, origin: checked.origin, deferred: checked.deferred,
  });
}

/** validate → normalise: a segment job plans the whole movie (assets from this renderer's cache), then renders its part. */
export async function planMovie(movie: unknown, opts: PlanOptions, workDir: string, output: string, signal: AbortSignal): Promise<Plan> {
  const checked = validateMovie(movie);
  if (!checked.ok) throw invalidMovieError(checked.issues);
  return planChecked(checked, opts, workDir, output, signal);
}

export async function renderMovie(opts: RenderOptions): Promise<RenderResult> {
  const began = Date.now();
  const logger = opts.logger ?? silentLogger;
  const signal = opts.signal ?? new AbortController().signal;
  const checked = validateMovie(opts.movie);
  if (!checked.ok) throw invalidMovieError(checked.issues);
  const movie: Movie = checked.movie;
  await fs.mkdir(opts.outputDir, { recursive: true });
  const workDir = await makeWorkDir();
  const ext = movie.format;
  const base = safeName(opts.fileName ?? opts.project);
  const file = path.join(opts.outputDir, `${base}.${ext}`);
  const poster = path.join(opts.outputDir, `${base}.jpg`);
  // Write next to the target and rename, so a watcher never serves half a movie.
  const partial = path.join(opts.outputDir, `.${base}.partial.${ext}`);
  try {
    const plan = await planChecked(checked, opts, workDir, partial, signal);
    const cacheDir = path.join(opts.dataDir, 'cache');
    const encodeStart = Date.now();
    const run = { workDir, stallSeconds: opts.stallSeconds, memoryMb: opts.memoryMb, onSpawn: opts.onFfmpegStart };
    const segments = planSegments(plan, opts.segments ?? {}, (i) => path.join(workDir, `segment-${i}.${ext}`));
    if (segments) {
      logger.info({ project: opts.project, segments: segments.length, scenes: plan.scenes.length }, 'rendering in segments');
      const runner = opts.segmentRunner?.(plan) ?? localSegmentRunner(async (p) => compile(p, await stillSources(p, cacheDir)), run);
      await renderInSegments(plan, segments, runner, { ...run, signal, onProgress: opts.onProgress });
    } else {
      const command = compile(plan, await stillSources(plan, cacheDir));
      logger.debug({ project: opts.project, inputs: command.inputs.length, chains: command.filterGraph.length }, 'ffmpeg command compiled');
      await runFfmpeg(command, { ...run, signal, onProgress: opts.onProgress });
    }
    const encodeEnd = Date.now();
    // The check of the output and the poster (a short decode from the start) run side by side.
    const [out] = await Promise.all([probe(partial, signal), extractFrame(partial, Math.min(1, plan.duration / 3), poster, signal, opts.memoryMb)]);
    await fs.rename(partial, file);
    const stat = await fs.stat(file);
    const result: RenderResult = {
      file, poster, duration: Math.round(out.duration * 1000) / 1000, size: stat.size, width: out.width ?? plan.width, height: out.height ?? plan.height,
      fps: plan.fps, renderingTime: Date.now() - began, format: ext, exports: [],
    };
    opts.onTimings?.({ prepareMs: encodeStart - began, encodeMs: encodeEnd - encodeStart, finishMs: Date.now() - encodeEnd });
    result.exports = await deliver(movie, opts, result, signal, logger);
    return result;
  } catch (err) {
    await Promise.all([fs.rm(partial, { force: true }), fs.rm(poster, { force: true })]);
    if (signal.aborted) throw new RenderError('cancelled', 'cancelled', { cause: err });
    throw err;
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

/** Codec and size of each still input (probed while normalising, so from the probe cache). */
export async function stillSources(plan: Plan, cacheDir: string): Promise<Map<number, StillSource>> {
  const out = new Map<number, StillSource>();
  await Promise.all(plan.inputs.map(async (input, i) => {
    if (!input.still) return;
    try {
      const p = await probeCached(input.file, cacheDir);
      out.set(i, { codec: p.videoCodec, width: p.width, height: p.height });
    } catch {
      // unknown: decoded at full size
    }
  }));
  return out;
}

/** Runs registered destinations in order. A failing destination is reported, never fatal. */
async function deliver(movie: Movie, opts: RenderOptions, result: RenderResult, signal: AbortSignal, logger: Logger): Promise<ExportOutcome[]> {
  const outcomes: ExportOutcome[] = [];
  for (const [e, exp] of movie.exports.entries()) {
    for (const [d, dest] of exp.destinations.entries()) {
      const p = `exports[${e}].destinations[${d}]`;
      const saved = opts.connections?.[p] ?? {};
      // Inline fields override the saved connection's, except its type.
      const merged = mergeDestination(saved, dest);
      const type = String(merged.type ?? '');
      const outcome: ExportOutcome = { type, ...(dest.id ? { id: dest.id } : {}), status: 'done' };
      const run = getDestination(type);
      try {
        if (!run) throw new Error(`no destination of type '${type}' is available`);
        const r = await run({ project: opts.project, destination: merged, path: p, result, movieId: movie.id, clientData: movie['client-data'], signal, logger });
        if (r && r.message) outcome.message = r.message;
      } catch (err) {
        outcome.status = 'error';
        outcome.message = `${p}: ${(err as Error).message}`;
        logger.warn({ project: opts.project, destination: p, type }, 'export destination failed');
      }
      outcomes.push(outcome);
    }
  }
  return outcomes;
}
