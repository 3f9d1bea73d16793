/**
 * The Bull processor for the `render` queue. ffmpeg runs as a child process, so the event loop stays
 * free and Bull keeps renewing job locks. Invalid movies and broken assets fail without retry
 * (`job.discard()`); passing faults throw and Bull retries them with the job's backoff.
 *
 * A job that kills its worker (the process dies while rendering it) comes back through Bull's
 * stalled-job recovery. Each start is counted in Redis (`render-starts`, cleared when the job ends);
 * the POISON_STARTS-th start without an end fails at once with `render_crashed`, so one movie cannot
 * crash renderers for ever. A cancelled render is stopped at once (ffmpeg and downloads aborted) and
 * never tried again, on any worker.
 */
import Queue, { type Job } from 'bull';
import Redis, { type RedisOptions } from 'ioredis';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { RenderError, type RenderErrorCode } from '../errors';
import { closeBrowser } from '../html/browser';
import { closeProcessingQueue, skipWorkerName } from '../jobs/close-queue';
import { openConnections } from '../jobs/connections';
import { runInJobContext } from '../jobs/job-context';
import {
  cancelChannel, cancelledKey, DEFAULT_QUEUE_PREFIX, POISON_STARTS, RENDER_EVENTS_QUEUE, RENDER_QUEUE, renderCrashedMessage, renderStartsKey,
  STALLED_LIMIT_MESSAGE, type RenderEvent, type RenderJobData,
} from '../jobs/contract';
import { silentLogger, type Logger } from '../logger';
import { renderMovie } from '../render/render-movie';
import { DEFAULT_MEMORY_MB, DEFAULT_STALL_SECONDS } from '../run/ffmpeg';
import { sweepStaleWorkDirs } from '../run/workdirs';
import { createSegmentWorker } from '../segments/queue';
import type { SegmentSettings } from '../segments/sizing';
import { DirectoryStorage, storeFile, type IntermediateStorage } from '../segments/storage';

const DEFAULT_TIMEOUT_SECONDS = 3600;
/**
 * Bull's job lock (renewed every half of it) and how often workers look for jobs whose lock lapsed
 * (their worker died): a crashed render is picked up again within about 20 s. maxStalledCount is
 * above POISON_STARTS so that the start counter, not Bull, decides when a job is given up.
 */
const LOCK_MS = 15_000;
const STALLED_CHECK_MS = 5_000;
/** How often a running job looks at its cancel mark in Redis (in case the pub/sub message was lost). */
const CANCEL_POLL_MS = 2_000;
/** How long the start counter of a job outlives its last start (it is cleared when the job ends). */
const STARTS_TTL_SECONDS = 24 * 3600;
/** Stale work directories (from a crashed process) are looked for at start, after each job and this often. */
const SWEEP_EVERY_MS = 10 * 60 * 1000;

export interface RenderWorkerOptions {
  /** Redis URL (`redis://127.0.0.1:6379`) or ioredis options. */
  redis: string | RedisOptions;
  /** @default 'reelay' */
  prefix?: string;
  /** Renders at once in this process. @default 1 */
  concurrency?: number;
  /** Holds the shared asset cache (`<dataDir>/cache`). */
  dataDir: string;
  /** REELAY_ALLOW_PRIVATE_URLS: let assets on loopback/private addresses through. @default false */
  allowPrivateUrls?: boolean;
  /**
   * A render still running after this many seconds is stopped (ffmpeg killed) and fails with code
   * `timeout`, not retried: a hung download or encoder must not hold a worker slot for ever.
   * @default 3600
   */
  timeoutSeconds?: number;
  /**
   * REELAY_RENDER_STALL_SECONDS: ffmpeg whose output time has not advanced for this long is killed and
   * the render fails with code `stalled`, not retried. @default 120
   */
  stallSeconds?: number;
  /**
   * REELAY_RENDER_MEMORY_MB: ffmpeg whose resident memory passes this is killed and the render fails
   * with code `memory_limit`, not retried. @default 2048
   */
  memoryMb?: number;
  logger?: Logger;
  /** How long movies are cut into segments (REELAY_RENDER_SEGMENT_SCENES). @default from the memory budget */
  segments?: SegmentSettings;
  /** Where segments rendered by different renderers meet (the bridge's storage driver). @default `<dataDir>/segments` */
  intermediates?: IntermediateStorage;
  /**
   * The bridge's storage driver, for jobs whose output names a storage key (`output.key`, a bucket)
   * rather than a shared directory: the files are rendered into a local directory, then uploaded.
   */
  outputStorage?: IntermediateStorage;
}

export interface RenderWorker {
  /** Stops taking jobs and waits for running renders to finish (Bull requeues stalled ones otherwise). */
  close(): Promise<void>;
  /** Resolves once the cancel channel is subscribed (tests wait for it; production need not). */
  ready: Promise<void>;
}

/** How long a cancel for a project that is not running yet is remembered. */
const EARLY_CANCEL_MS = 10 * 60 * 1000;

function redisClient(redis: string | RedisOptions): Redis {
  return typeof redis === 'string' ? new Redis(redis, { maxRetriesPerRequest: null }) : new Redis({ ...redis, maxRetriesPerRequest: null });
}

export function createRenderWorker(opts: RenderWorkerOptions): RenderWorker {
  const prefix = opts.prefix ?? DEFAULT_QUEUE_PREFIX;
  const logger = opts.logger ?? silentLogger;
  const queueOpts = typeof opts.redis === 'string' ? { prefix } : { prefix, redis: opts.redis };
  const renderOpts = { ...queueOpts, settings: { lockDuration: LOCK_MS, stalledInterval: STALLED_CHECK_MS, maxStalledCount: POISON_STARTS } };
  const queue = typeof opts.redis === 'string' ? new Queue<RenderJobData>(RENDER_QUEUE, opts.redis, renderOpts) : new Queue<RenderJobData>(RENDER_QUEUE, renderOpts);
  const events = typeof opts.redis === 'string' ? new Queue<RenderEvent>(RENDER_EVENTS_QUEUE, opts.redis, queueOpts) : new Queue<RenderEvent>(RENDER_EVENTS_QUEUE, queueOpts);
  const running = new Map<string, AbortController>();
  const cancelledEarly = new Map<string, number>();
  const limit = opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const redis = redisClient(opts.redis);
  redis.on('error', () => undefined); // ioredis reconnects; commands report their own failures

  // Directories left in the temp dir by a process that died mid-render, older than any render may
  // run: looked for at start, after each job and every few minutes (a readdir of the temp dir).
  let sweeping = false;
  const sweep = () => {
    if (sweeping) return;
    sweeping = true;
    void sweepStaleWorkDirs(limit * 1000).then((removed) => {
      sweeping = false;
      if (removed.length) logger.info({ removed: removed.length }, 'removed stale render work directories');
    });
  };
  sweep();
  const sweeper = setInterval(sweep, SWEEP_EVERY_MS);
  sweeper.unref();

  // Segments of long movies, taken by any renderer: a queue of their own (segments/queue.ts).
  const segmentWorker = createSegmentWorker({
    redis: opts.redis, prefix, concurrency: opts.concurrency, dataDir: opts.dataDir, allowPrivateUrls: opts.allowPrivateUrls === true,
    storage: opts.intermediates ?? new DirectoryStorage(path.join(opts.dataDir, 'segments')), settings: opts.segments ?? {},
    timeoutSeconds: limit, stallSeconds: opts.stallSeconds ?? DEFAULT_STALL_SECONDS, memoryMb: opts.memoryMb ?? DEFAULT_MEMORY_MB, logger,
  });

  const subscriber = redisClient(opts.redis);
  const ready = Promise.all([subscriber.subscribe(cancelChannel(prefix)), segmentWorker.ready]).then(() => undefined);
  ready.catch((err: Error) => logger.error({ err: err.message }, 'could not subscribe to the cancel channel'));
  subscriber.on('message', (_channel: string, project: string) => {
    const controller = running.get(project);
    if (controller) {
      logger.info({ project }, 'render cancelled');
      controller.abort(new RenderError('cancelled', 'cancelled'));
    } else {
      const now = Date.now();
      for (const [p, at] of cancelledEarly) if (now - at > EARLY_CANCEL_MS) cancelledEarly.delete(p);
      cancelledEarly.set(project, now);
    }
  });

  const emit = async (event: Omit<RenderEvent, 'at'>): Promise<RenderEvent> => {
    const full: RenderEvent = { ...event, at: new Date().toISOString() };
    try {
      await events.add(full, { removeOnComplete: true, removeOnFail: 1000 });
    } catch (err) {
      logger.error({ project: event.project, type: event.type, err: (err as Error).message }, 'could not publish render event');
    }
    return full;
  };

  /** Counts this start of the job; returns the count (1 on a first start), or 0 when Redis cannot say. */
  const countStart = async (project: string): Promise<number> => {
    try {
      const key = renderStartsKey(prefix, project);
      const [[, n]] = (await redis.multi().incr(key).expire(key, STARTS_TTL_SECONDS).exec()) as [[Error | null, number]];
      return Number(n) || 0;
    } catch (err) {
      logger.warn({ project, err: (err as Error).message }, 'could not count the render start');
      return 0;
    }
  };
  const clearStarts = (project: string) => redis.del(renderStartsKey(prefix, project)).catch(() => 0);
  const cancelledElsewhere = (project: string) => redis.exists(cancelledKey(prefix, project)).then((n) => n > 0, () => false);

  const processJob = async (job: Job<RenderJobData>): Promise<RenderEvent> => {
    const data = job.data;
    let output: OutputPlace | undefined;
    const project = typeof data?.project === 'string' && data.project !== '' ? data.project : String(job.id);
    const controller = new AbortController();
    running.set(project, controller);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new RenderError('timeout', 'timeout'));
    }, limit * 1000);
    // The pub/sub message is fire-and-forget (lost while the subscriber reconnects): the cancel mark
    // the bridge sets in Redis is looked at too, every few seconds.
    const watch = setInterval(() => {
      void cancelledElsewhere(project).then((yes) => {
        if (yes && !controller.signal.aborted) {
          logger.info({ project }, 'render cancelled');
          controller.abort(new RenderError('cancelled', 'cancelled'));
        }
      });
    }, CANCEL_POLL_MS);
    watch.unref();
    try {
      if (cancelledEarly.delete(project) || (await cancelledElsewhere(project))) throw new RenderError('cancelled', 'cancelled');
      const starts = await countStart(project);
      if (starts >= POISON_STARTS) {
        logger.error({ project, starts }, 'render given up: it stopped the renderer every time');
        throw new RenderError('render_crashed', renderCrashedMessage(starts - 1));
      }
      const place = (output = outputPlace(data?.output, opts, project));
      logger.info({ project, attempt: job.attemptsMade + 1 }, 'render started');
      await emit({ project, type: 'running', progress: 0 });
      let connections = {};
      try {
        connections = await openConnections(data.sealedConnections);
      } catch (err) {
        throw new RenderError('provider_failed', `could not open the movie's connections: ${(err as Error).message}`);
      }
      let lastPct = 0;
      let lastAt = Date.now();
      const context = { publicUrl: data.output.url, assets: data.assets };
      const result = await runInJobContext(context, () => renderMovie({
        project, movie: data.movie, outputDir: place.dir, dataDir: opts.dataDir, allowPrivateUrls: opts.allowPrivateUrls === true,
        fileName: data.output.name, connections, signal: controller.signal, logger,
        stallSeconds: opts.stallSeconds ?? DEFAULT_STALL_SECONDS, memoryMb: opts.memoryMb ?? DEFAULT_MEMORY_MB,
        onFfmpegStart: (pid) => logger.info({ project, pid }, 'ffmpeg started'),
        segments: opts.segments, segmentRunner: (plan) => segmentWorker.runnerFor(project, data, plan),
        onProgress: (pct) => {
          // Throttled: every 5 points or 2 seconds, never per frame.
          if (pct >= 100 || pct - lastPct < 5 && Date.now() - lastAt < 2000) return;
          lastPct = pct;
          lastAt = Date.now();
          void job.progress(pct).catch(() => undefined);
          void emit({ project, type: 'progress', progress: pct });
        },
      }));
      await place.publish();
      logger.info({ project, ms: result.renderingTime, size: result.size }, 'render done');
      return await emit({ project, type: 'done', progress: 100, result });
    } catch (err) {
      // Whatever a stopped render threw on its way out, the reason it was stopped is what it failed of.
      const re = timedOut
        ? new RenderError('timeout', `the render ran longer than its limit of ${limit} s and was stopped`, { cause: err })
        : controller.signal.aborted ? new RenderError('cancelled', 'cancelled', { cause: err })
        : err instanceof RenderError ? err : new RenderError('internal', (err as Error)?.message ?? String(err), { retryable: true, cause: err });
      const attempts = job.opts.attempts ?? 1;
      const willRetry = re.retryable && job.attemptsMade + 1 < attempts;
      if (!re.retryable) await job.discard();
      logger.warn({ project, code: re.code, willRetry }, `render failed: ${re.message}`);
      await emit({ project, type: 'error', message: re.message, code: re.code, retryable: willRetry });
      throw new Error(re.message);
    } finally {
      await output?.discard();
      clearTimeout(timer);
      clearInterval(watch);
      // A second start of the same job in this process (Bull handed out a stalled job again) has its own entry.
      if (running.get(project) === controller) running.delete(project);
      // The job ended here (done, failed, given up): only a start whose process died stays counted.
      await clearStarts(project);
      sweep();
    }
  };

  // Bull fails a job by itself when its worker vanished more than maxStalledCount times (a backstop
  // to the start counter, e.g. jobs started by an older renderer): that is a crash too, reported so.
  queue.on('failed', (job: Job<RenderJobData> | null, err: Error | undefined) => {
    if (!job || err?.message !== STALLED_LIMIT_MESSAGE) return;
    const project = typeof job.data?.project === 'string' && job.data.project !== '' ? job.data.project : String(job.id);
    void (async () => {
      // Each stall Bull counted is a worker that died holding the job; our counter may know more.
      const jobKey = (queue as unknown as { toKey(id: string): string }).toKey(String(job.id));
      const stalls = Number(await redis.hget(jobKey, 'stalledCounter').catch(() => null)) || 0;
      const starts = Math.max(stalls, Number(await redis.get(renderStartsKey(prefix, project)).catch(() => null)) || 0, 1);
      await clearStarts(project);
      const code: RenderErrorCode = 'render_crashed';
      logger.error({ project, starts }, 'render given up: its renderer stopped while running it');
      await emit({ project, type: 'error', code, message: renderCrashedMessage(starts), retryable: false });
    })().catch(() => undefined);
  });

  // Settles only when the queue closes; Bull 4 rejects it (without a reason) when that happens before
  // its blocking client was up, e.g. a worker closed right after start: nothing to report.
  skipWorkerName(queue);
  queue.process('*', opts.concurrency ?? 1, processJob).catch(() => undefined);

  return {
    ready,
    async close() {
      clearInterval(sweeper);
      await closeProcessingQueue(queue);
      await segmentWorker.close();
      await events.close();
      await subscriber.quit().catch(() => undefined);
      await redis.quit().catch(() => undefined);
      await closeBrowser();
    },
  };
}

interface OutputPlace {
  /** Where renderMovie writes the movie and its poster. */
  dir: string;
  /** Uploads what was written when the output is a storage key; nothing for a shared directory. */
  publish(): Promise<void>;
  /** Removes the local copy of an uploaded output (always called, success or not). */
  discard(): Promise<void>;
}

/** The job's output: a shared directory as given, or a local one uploaded under `output.key` afterwards. */
function outputPlace(output: RenderJobData['output'] | undefined, opts: RenderWorkerOptions, project: string): OutputPlace {
  if (output?.dir) {
    if (!path.isAbsolute(output.dir)) throw new RenderError('invalid_movie', 'job output.dir must be an absolute directory');
    return { dir: output.dir, publish: async () => undefined, discard: async () => undefined };
  }
  const key = output?.key;
  const storage = opts.outputStorage;
  if (!key) throw new RenderError('invalid_movie', 'job output needs a directory (output.dir) or a storage key (output.key)');
  if (!storage) throw new RenderError('internal', 'this renderer has no storage to upload outputs to (REELAY_STORAGE differs from the bridge\'s?)');
  // Per start, so a second start of the job in this process never shares the first one's files.
  const dir = path.join(opts.dataDir, 'outputs', `${project}-${process.pid}-${Date.now()}`);
  return {
    dir,
    async publish() {
      for (const file of await listFiles(dir)) await storeFile(storage, `${key}/${path.relative(dir, file).split(path.sep).join('/')}`, file);
    },
    discard: () => fs.rm(dir, { recursive: true, force: true }),
  };
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}
