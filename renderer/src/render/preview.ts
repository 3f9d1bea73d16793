/**
 * One frame of a movie as a PNG, for the dashboard's editor: the render pipeline (validate →
 * normalise → compile) restricted to one frame, with no encode. Assets come from the shared cache,
 * so after the first preview of a movie only ffmpeg's work on one frame is left.
 *
 * The frame is cut out with the segment machinery of long movies (segments/split.ts): the graph holds
 * only the scene showing the frame (plus the next when a transition blends into it), its `trim` keeps
 * the one frame. So a frame late in a long movie costs one scene's frames, not the movie's.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { compile } from '../compile/compile';
import { RenderError } from '../errors';
import type { OpenedConnections } from '../jobs/connections';
import type { Plan } from '../normalise/plan';
import { runFfmpeg } from '../run/ffmpeg';
import { makeWorkDir } from '../run/workdirs';
import { movieFrameCount, splitPlan, unsplittable } from '../segments/split';
import { seekPlan } from './frame-seek';
import { planMovie, stillSources } from './render-movie';

export interface PreviewOptions {
  movie: unknown;
  /** Seconds into the movie; clamped to its last frame. */
  time: number;
  /** Data directory: the shared asset cache lives in `<dataDir>/cache`. */
  dataDir: string;
  allowPrivateUrls: boolean;
  connections?: OpenedConnections;
  signal?: AbortSignal;
  /** @default 120 */
  stallSeconds?: number;
  /** @default 2048 */
  memoryMb?: number;
  /**
   * Start the graph at the frame (frame-seek.ts) rather than at its scene's start, with one thread
   * per stage. false: as first built (benchmarks compare both). @default true
   */
  seek?: boolean;
  /** zlib level of the PNG, 0..9. @default 1 */
  compressionLevel?: number;
}

export interface PreviewFrame {
  png: Buffer;
  width: number;
  height: number;
  /** The time of the frame drawn (`time` rounded to a frame, clamped to the movie). */
  time: number;
  duration: number;
}

/** The plan of the one scene holding movie frame `frame`, trimmed to that frame. */
export function framePlan(plan: Plan, frame: number, output: string): Plan {
  // Picture only, no palette: a GIF's frame is previewed as the frame before its palette.
  const picture: Plan = { ...plan, format: plan.format === 'gif' ? 'mp4' : plan.format, output };
  if (!unsplittable(picture)) {
    const segments = splitPlan(picture, picture.scenes.map((_, k) => k), () => output);
    const seg = segments.find((s) => frame < s.startFrame + s.frames) ?? segments[segments.length - 1];
    const skipFrames = seg.plan.segment!.skipFrames + (frame - seg.startFrame);
    return { ...seg.plan, duration: (skipFrames + 1.5) / plan.fps, segment: { ...seg.plan.segment!, skipFrames, frames: 1 } };
  }
  return { ...picture, audio: [], duration: (frame + 1.5) / plan.fps, segment: { movieFrame: 0, skipFrames: frame, frames: 1 } };
}

export async function previewFrame(opts: PreviewOptions): Promise<PreviewFrame> {
  const signal = opts.signal ?? new AbortController().signal;
  const workDir = await makeWorkDir();
  const output = path.join(workDir, 'frame.png');
  try {
    const plan = await planMovie(opts.movie, { dataDir: opts.dataDir, allowPrivateUrls: opts.allowPrivateUrls, connections: opts.connections }, workDir, output, signal);
    const last = Math.max(0, movieFrameCount(plan) - 1);
    const frame = Math.min(last, Math.max(0, Math.round(opts.time * plan.fps)));
    const fast = opts.seek !== false;
    const one = fast ? seekPlan(framePlan(plan, frame, output)) : framePlan(plan, frame, output);
    const command = compile(one, await stillSources(one, path.join(opts.dataDir, 'cache')));
    // One thread per decoder, filter graph and encoder: for one frame, starting ffmpeg's thread pools
    // cost more CPU (~170 ms of ~600 ms measured) than they save, and previews run two at a time.
    if (fast) command.inputs = command.inputs.map((input) => ({ ...input, options: ['-threads', '1', ...input.options] }));
    // The graph's [vout] (after the trim) as one PNG: no encoder settings, no sound. zlib level 1
    // instead of 6: ~100 ms less per 1080p frame for a file ~10% larger (it goes over loopback).
    command.outputOptions = [
      ...(fast ? ['-filter_complex_threads', '1', '-threads', '1'] : []),
      '-map', '[vout]', '-an', '-frames:v', '1', '-c:v', 'png', '-compression_level', String(opts.compressionLevel ?? 1), '-f', 'image2', '-update', '1',
    ];
    await runFfmpeg(command, { workDir, signal, stallSeconds: opts.stallSeconds, memoryMb: opts.memoryMb });
    const png = await fs.readFile(output).catch((err: unknown) => {
      throw new RenderError('ffmpeg_failed', 'ffmpeg drew no frame', { cause: err });
    });
    return { png, width: plan.width, height: plan.height, time: frame / plan.fps, duration: plan.duration };
  } finally {
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
