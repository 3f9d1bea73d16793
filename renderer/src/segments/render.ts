/**
 * Rendering a movie in segments: the segments' pictures (by a SegmentRunner: one after the other in
 * this process, or as jobs any renderer takes — segments/queue.ts), the sound mixed once, then the
 * join. Used by render/render-movie.ts when segments/sizing.ts says the movie is long enough.
 */
import path from 'node:path';
import type { FfmpegCommand } from '../compile/command';
import type { Plan } from '../normalise/plan';
import { runFfmpeg, type RunOptions } from '../run/ffmpeg';
import { audioFileExtension, compileMovieAudio } from './audio';
import { joinCommand } from './join';
import type { SegmentPlan } from './split';

export interface SegmentRunContext {
  signal: AbortSignal;
  /** Segment `index` is `percent` done (0..100). */
  onProgress(index: number, percent: number): void;
}

export interface SegmentRunner {
  /** Produces the segments' files (in order) on this machine's disk. */
  render(segments: SegmentPlan[], ctx: SegmentRunContext): Promise<string[]>;
  /** Removes what rendering them left elsewhere (intermediate files), joined or not. */
  cleanup?(): Promise<void>;
}

export type RunSettings = Pick<RunOptions, 'stallSeconds' | 'memoryMb' | 'onSpawn'> & { workDir: string };

/** The runner of `reelay render --local` and of a renderer alone: segment after segment, here. */
export function localSegmentRunner(compileSegment: (plan: Plan) => Promise<FfmpegCommand>, run: RunSettings): SegmentRunner {
  return {
    async render(segments, ctx) {
      const files: string[] = [];
      for (const s of segments) {
        await runFfmpeg(await compileSegment(s.plan), { ...run, signal: ctx.signal, onProgress: (p) => ctx.onProgress(s.index, p) });
        files.push(s.plan.output);
      }
      return files;
    },
  };
}

/** Share of the progress bar the segments' pictures take; the sound and the join share the rest. */
const PICTURE_SHARE = 0.97;

export async function renderInSegments(plan: Plan, segments: SegmentPlan[], runner: SegmentRunner, opts: RunSettings & { signal: AbortSignal; onProgress?: (percent: number) => void }): Promise<void> {
  const total = segments.reduce((a, s) => a + s.frames, 0);
  const done = new Map<number, number>();
  let last = -1;
  const report = () => {
    const frames = segments.reduce((a, s) => a + (s.frames * (done.get(s.index) ?? 0)) / 100, 0);
    const pct = Math.min(99, Math.floor((frames / total) * 100 * PICTURE_SHARE));
    if (pct > last) opts.onProgress?.((last = pct));
  };
  const audioFile = path.join(opts.workDir, `sound.${audioFileExtension(plan)}`);
  // Either part failing stops the other.
  const inner = new AbortController();
  const stop = () => inner.abort(opts.signal.reason);
  opts.signal.addEventListener('abort', stop, { once: true });
  if (opts.signal.aborted) stop();
  const failing = <T>(p: Promise<T>) => p.catch((err: unknown) => {
    inner.abort(err);
    throw err;
  });
  const run = { workDir: opts.workDir, stallSeconds: opts.stallSeconds, memoryMb: opts.memoryMb, signal: inner.signal };
  try {
    // The sound is mixed while the pictures render, at the lowest priority: this renderer takes
    // segments too, and on a busy core a mix at equal priority slowed its segments by twice its own
    // cost (bench (e), 2 renderers: its segments took 15 s where the other's took 10).
    const [files] = await Promise.all([
      failing(runner.render(segments, { signal: inner.signal, onProgress: (i, p) => { done.set(i, p); report(); } })),
      failing(runFfmpeg(compileMovieAudio(plan, audioFile), { ...run, background: true })),
    ]);
    const format = plan.format === 'webm' ? 'webm' : 'mp4';
    const join = await joinCommand({ segments: segments.map((s, i) => ({ file: files[i], frames: s.frames })), audioFile, fps: plan.fps, format, duration: plan.duration, output: plan.output }, opts.workDir);
    await runFfmpeg(join, run);
    opts.onProgress?.(100);
  } finally {
    opts.signal.removeEventListener('abort', stop);
    await runner.cleanup?.();
  }
}
