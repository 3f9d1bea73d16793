/**
 * One movie, many renderers: a long movie's segments are Bull jobs that any renderer takes.
 *
 * - The movie's own job (queue `render`) plans the movie, adds one job per segment to the queue
 *   `render-segments` (job id `<project>-segment-<i>`), mixes the sound while they render, waits for
 *   them, joins them and finishes the render as before (one `done` event: credits move once).
 *   Segments have a queue of their own so that a movie waiting for its segments never holds the
 *   slot they need: every renderer takes segments beside its movies (REELAY_RENDER_CONCURRENCY of each).
 * - A segment job plans the whole movie on its renderer (assets from that renderer's cache: fetched
 *   once per renderer), renders its segment and puts the file in the storage driver
 *   (`segments/<project>/<i>.<format>`); the join fetches them and removes them all.
 * - A renderer killed mid-segment: Bull's stalled-job check hands that segment to another renderer
 *   (about 20 s); the others are kept. Passing faults are retried; a segment that failed for good
 *   fails the movie. A segment already in storage is not rendered again when the movie's job restarts.
 * - Cancelling the movie (`<prefix>:cancel`, the cancel mark) stops its running segments and drops
 *   the waiting ones; a movie that fails or times out stops its segments through `<prefix>:segments-stop`.
 */
import Queue, { type Job } from 'bull';
import Redis, { type RedisOptions } from 'ioredis';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { compile } from '../compile/compile';
import { RenderError, type RenderErrorCode } from '../errors';
import { closeProcessingQueue, skipWorkerName } from '../jobs/close-queue';
import { openConnections } from '../jobs/connections';
import { runInJobContext } from '../jobs/job-context';
import { cancelChannel, cancelledKey, POISON_STARTS, STALLED_LIMIT_MESSAGE, type RenderJobData } from '../jobs/contract';
import { silentLogger, type Logger } from '../logger';
import type { Plan } from '../normalise/plan';
import { planMovie, stillSources } from '../render/render-movie';
import { runFfmpeg } from '../run/ffmpeg';
import { makeWorkDir } from '../run/workdirs';
import type { SegmentRunner } from './render';
import { planSegments, type SegmentSettings } from './sizing';
import { fetchFile, storeFile, type IntermediateStorage } from './storage';

export const SEGMENTS_QUEUE = 'render-segments';

export function segmentsStopChannel(prefix: string): string {
  return `${prefix}:segments-stop`;
}

export interface SegmentJobData {
  project: string;
  movie: unknown;
  index: number;
  /** Segments the movie's job planned: a renderer that splits the movie otherwise refuses the job. */
  count: number;
  settings: SegmentSettings;
  /** Storage key the segment's file is put under. */
  key: string;
  sealedConnections?: string;
  assets?: Record<string, string>;
}

export const segmentJobId = (project: string, index: number) => `${project}-segment-${index}`;
const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'movie';
/** Storage folder of every movie's intermediate segments (`segments/<project>/<i>.<format>`). */
export const SEGMENTS_ROOT = 'segments';
export const segmentsPrefix = (project: string) => `${SEGMENTS_ROOT}/${safe(project)}`;

const LOCK_MS = 15_000;
const STALLED_CHECK_MS = 5_000;
const POLL_MS = 500;
const CANCEL_POLL_MS = 2_000;
const SEGMENT_ATTEMPTS = 3;

export interface SegmentWorkerOptions {
  redis: string | RedisOptions;
  prefix: string;
  /** Segments at once in this process. @default 1 */
  concurrency?: number;
  dataDir: string;
  allowPrivateUrls: boolean;
  storage: IntermediateStorage;
  settings: SegmentSettings;
  timeoutSeconds: number;
  stallSeconds?: number;
  memoryMb?: number;
  logger?: Logger;
}

export interface SegmentWorker {
  /** The runner of a movie's job: its segments as jobs on the queue. */
  runnerFor(project: string, data: Pick<RenderJobData, 'movie' | 'sealedConnections' | 'assets'>, plan: Plan): SegmentRunner;
  ready: Promise<void>;
  close(): Promise<void>;
}

function client(redis: string | RedisOptions): Redis {
  return typeof redis === 'string' ? new Redis(redis, { maxRetriesPerRequest: null }) : new Redis({ ...redis, maxRetriesPerRequest: null });
}

/** `[code] message`: how a segment's failure reaches its movie through Bull's failedReason. */
const failureReason = (e: RenderError) => `[${e.code}] ${e.message}`;
function parseFailure(reason: string | undefined): RenderError {
  if (reason === STALLED_LIMIT_MESSAGE) return new RenderError('render_crashed', `a segment of this movie stopped its renderer ${POISON_STARTS} times, so it is not tried again (render_crashed)`);
  const m = /^\[([a-z_]+)\] ([\s\S]*)$/.exec(reason ?? '');
  return m ? new RenderError(m[1] as RenderErrorCode, m[2]) : new RenderError('internal', reason || 'a segment failed');
}

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(done, ms);
  function done() {
    clearTimeout(t);
    signal.removeEventListener('abort', done);
    resolve();
  }
  signal.addEventListener('abort', done, { once: true });
});

export function createSegmentWorker(opts: SegmentWorkerOptions): SegmentWorker {
  const logger = opts.logger ?? silentLogger;
  const settings = { prefix: opts.prefix, settings: { lockDuration: LOCK_MS, stalledInterval: STALLED_CHECK_MS, maxStalledCount: POISON_STARTS } };
  const queue = typeof opts.redis === 'string' ? new Queue<SegmentJobData>(SEGMENTS_QUEUE, opts.redis, settings) : new Queue<SegmentJobData>(SEGMENTS_QUEUE, { ...settings, redis: opts.redis });
  const redis = client(opts.redis);
  redis.on('error', () => undefined);
  const subscriber = client(opts.redis);
  subscriber.on('error', () => undefined);
  /** Running segments by project. */
  const running = new Map<string, Set<AbortController>>();
  const stop = (project: string, why: RenderError) => {
    for (const c of running.get(project) ?? []) c.abort(why);
  };
  const ready = subscriber.subscribe(cancelChannel(opts.prefix), segmentsStopChannel(opts.prefix)).then(() => undefined);
  ready.catch((err: Error) => logger.error({ err: err.message }, 'could not subscribe to the segment channels'));
  subscriber.on('message', (channel: string, project: string) => stop(project, new RenderError('cancelled', channel === cancelChannel(opts.prefix) ? 'cancelled' : 'its movie stopped')));
  const cancelled = (project: string) => redis.exists(cancelledKey(opts.prefix, project)).then((n) => n > 0, () => false);

  const processSegment = async (job: Job<SegmentJobData>) => {
    const { project, index } = job.data;
    const controller = new AbortController();
    const mine = running.get(project) ?? new Set();
    running.set(project, mine.add(controller));
    const timer = setTimeout(() => controller.abort(new RenderError('timeout', `the segment ran longer than ${opts.timeoutSeconds} s and was stopped`)), opts.timeoutSeconds * 1000);
    const watch = setInterval(() => void cancelled(project).then((yes) => yes && controller.abort(new RenderError('cancelled', 'cancelled'))), CANCEL_POLL_MS);
    watch.unref();
    let workDir: string | undefined;
    try {
      if (await cancelled(project)) throw new RenderError('cancelled', 'cancelled');
      logger.info({ project, segment: index, attempt: job.attemptsMade + 1 }, 'segment started');
      workDir = await makeWorkDir();
      const signal = controller.signal;
      const connections = await openConnections(job.data.sealedConnections);
      const plan = await runInJobContext({ assets: job.data.assets }, () => planMovie(job.data.movie, { dataDir: opts.dataDir, allowPrivateUrls: opts.allowPrivateUrls, connections }, workDir!, path.join(workDir!, 'movie'), signal));
      const segments = planSegments(plan, job.data.settings, (i) => path.join(workDir!, `segment-${i}.${plan.format}`));
      if (!segments || segments.length !== job.data.count) {
        throw new RenderError('internal', `this renderer splits the movie into ${segments?.length ?? 1} segments, its movie's job into ${job.data.count}`);
      }
      const segment = segments[index];
      let last = 0;
      await runFfmpeg(compile(segment.plan, await stillSources(segment.plan, path.join(opts.dataDir, 'cache'))), {
        workDir, signal, stallSeconds: opts.stallSeconds, memoryMb: opts.memoryMb,
        onSpawn: (pid) => logger.info({ project, segment: index, pid }, 'segment ffmpeg started'),
        onProgress: (pct) => {
          if (pct - last < 5) return;
          last = pct;
          void job.progress(pct).catch(() => undefined);
        },
      });
      await storeFile(opts.storage, job.data.key, segment.plan.output);
      logger.info({ project, segment: index, frames: segment.frames }, 'segment done');
      return { key: job.data.key, frames: segment.frames };
    } catch (err) {
      const why = controller.signal.aborted && controller.signal.reason instanceof RenderError ? controller.signal.reason : undefined;
      const re = why ?? (err instanceof RenderError ? err : new RenderError('internal', (err as Error)?.message ?? String(err), { retryable: true }));
      if (!re.retryable) await job.discard();
      logger.warn({ project, segment: index, code: re.code }, `segment failed: ${re.message}`);
      throw new Error(failureReason(re));
    } finally {
      clearTimeout(timer);
      clearInterval(watch);
      mine.delete(controller);
      if (mine.size === 0) running.delete(project);
      if (workDir) await fs.rm(workDir, { recursive: true, force: true });
    }
  };

  skipWorkerName(queue);
  queue.process(opts.concurrency ?? 1, processSegment).catch(() => undefined);

  const runnerFor = (project: string, data: Pick<RenderJobData, 'movie' | 'sealedConnections' | 'assets'>, plan: Plan): SegmentRunner => {
    const prefix = segmentsPrefix(project);
    const keyOf = (i: number) => `${prefix}/${i}.${plan.format}`;
    let ids: string[] = [];
    /** Drops the segments not started and stops the running ones (the movie failed or was cancelled). */
    const abandon = async () => {
      await Promise.all(ids.map(async (id) => {
        const job = await queue.getJob(id).catch(() => null);
        if (job && ['waiting', 'delayed', 'paused'].includes(await job.getState())) await job.remove().catch(() => undefined);
      }));
      await redis.publish(segmentsStopChannel(opts.prefix), project).catch(() => 0);
    };
    return {
      async render(segments, ctx) {
        ids = segments.map((s) => segmentJobId(project, s.index));
        const add = (i: number) => queue.add(
          { project, movie: data.movie, index: i, count: segments.length, settings: opts.settings, key: keyOf(i), ...(data.sealedConnections ? { sealedConnections: data.sealedConnections } : {}), ...(data.assets ? { assets: data.assets } : {}) },
          { jobId: ids[i], attempts: SEGMENT_ATTEMPTS, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: true, removeOnFail: { age: 3600 } },
        );
        const pending = new Set<number>();
        for (const s of segments) {
          // A restarted movie keeps the segments it already has.
          if (await opts.storage.stat(keyOf(s.index))) continue;
          // A job left failed by an earlier try of the movie is replaced; one waiting or running is kept.
          const old = await queue.getJob(ids[s.index]);
          const failed = old !== null && (await old.getState()) === 'failed';
          if (failed) await old.remove();
          if (!old || failed) await add(s.index);
          pending.add(s.index);
        }
        logger.info({ project, segments: segments.length, queued: pending.size }, 'segments queued');
        try {
          while (pending.size > 0) {
            if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new RenderError('cancelled', 'cancelled');
            for (const i of [...pending]) {
              const job = await queue.getJob(ids[i]);
              const state = job ? await job.getState() : 'missing';
              if (state === 'failed') throw parseFailure(job!.failedReason);
              if (state === 'completed' || state === 'missing') {
                // Completed jobs are removed at once: the file in storage is what counts.
                if (await opts.storage.stat(keyOf(i))) {
                  pending.delete(i);
                  ctx.onProgress(i, 100);
                } else if (state === 'missing') await add(i); // lost (a Redis flush): again
                continue;
              }
              const pct = Number(job!.progress());
              if (Number.isFinite(pct)) ctx.onProgress(i, pct);
            }
            if (pending.size > 0) await sleep(POLL_MS, ctx.signal);
          }
        } catch (err) {
          await abandon();
          throw err;
        }
        return Promise.all(segments.map((s) => fetchFile(opts.storage, keyOf(s.index), path.dirname(s.plan.output))));
      },
      async cleanup() {
        await Promise.all(ids.map(async (id) => (await queue.getJob(id).catch(() => null))?.remove().catch(() => undefined)));
        await opts.storage.deletePrefix(prefix).catch(() => undefined);
      },
    };
  };

  return {
    runnerFor,
    ready,
    async close() {
      // Running segments finish first (Bull waits for them), as renders do.
      await closeProcessingQueue(queue);
      await subscriber.quit().catch(() => undefined);
      await redis.quit().catch(() => undefined);
    },
  };
}
