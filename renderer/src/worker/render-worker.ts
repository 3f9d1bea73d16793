/**
 * The Bull processor for the `render` queue. ffmpeg runs as a child process, so the event loop stays
 * free and Bull keeps renewing job locks. Invalid movies and broken assets fail without retry
 * (`job.discard()`); passing faults throw and Bull retries them with the job's backoff.
 */
import Queue, { type Job } from 'bull';
import Redis, { type RedisOptions } from 'ioredis';
import path from 'node:path';
import { RenderError } from '../errors';
import { closeProcessingQueue, skipWorkerName } from '../jobs/close-queue';
import { openConnections } from '../jobs/connections';
import { runInJobContext } from '../jobs/job-context';
import { cancelChannel, DEFAULT_QUEUE_PREFIX, RENDER_EVENTS_QUEUE, RENDER_QUEUE, type RenderEvent, type RenderJobData } from '../jobs/contract';
import { silentLogger, type Logger } from '../logger';
import { renderMovie } from '../render/render-movie';
import { warmUpFfmpeg } from '../run/ffmpeg';

const DEFAULT_TIMEOUT_SECONDS = 3600;

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
  logger?: Logger;
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
  const queue = typeof opts.redis === 'string' ? new Queue<RenderJobData>(RENDER_QUEUE, opts.redis, queueOpts) : new Queue<RenderJobData>(RENDER_QUEUE, queueOpts);
  const events = typeof opts.redis === 'string' ? new Queue<RenderEvent>(RENDER_EVENTS_QUEUE, opts.redis, queueOpts) : new Queue<RenderEvent>(RENDER_EVENTS_QUEUE, queueOpts);
  void warmUpFfmpeg(); // the first render then starts ffmpeg at once
  const running = new Map<string, AbortController>();
  const cancelledEarly = new Map<string, number>();

  const subscriber = redisClient(opts.redis);
  const ready = subscriber.subscribe(cancelChannel(prefix)).then(() => undefined);
  ready.catch((err: Error) => logger.error({ err: err.message }, 'could not subscribe to the cancel channel'));
  subscriber.on('message', (_channel: string, project: string) => {
    const controller = running.get(project);
    if (controller) {
      logger.info({ project }, 'render cancelled');
      controller.abort();
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

  const processJob = async (job: Job<RenderJobData>): Promise<RenderEvent> => {
    const data = job.data;
    const project = typeof data?.project === 'string' && data.project !== '' ? data.project : String(job.id);
    const controller = new AbortController();
    running.set(project, controller);
    const limit = opts.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, limit * 1000);
    try {
      if (cancelledEarly.delete(project)) throw new RenderError('cancelled', 'cancelled');
      if (!data?.output?.dir || !path.isAbsolute(data.output.dir)) throw new RenderError('invalid_movie', 'job output.dir must be an absolute directory');
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
        project, movie: data.movie, outputDir: data.output.dir, dataDir: opts.dataDir, allowPrivateUrls: opts.allowPrivateUrls === true,
        fileName: data.output.name, connections, signal: controller.signal, logger,
        onProgress: (pct) => {
          // Throttled: every 5 points or 2 seconds, never per frame.
          if (pct >= 100 || pct - lastPct < 5 && Date.now() - lastAt < 2000) return;
          lastPct = pct;
          lastAt = Date.now();
          void job.progress(pct).catch(() => undefined);
          void emit({ project, type: 'progress', progress: pct });
        },
      }));
      logger.info({ project, ms: result.renderingTime, size: result.size }, 'render done');
      return await emit({ project, type: 'done', progress: 100, result });
    } catch (err) {
      const re = timedOut
        ? new RenderError('timeout', `the render ran longer than its limit of ${limit} s and was stopped`, { cause: err })
        : err instanceof RenderError ? err : new RenderError('internal', (err as Error)?.message ?? String(err), { retryable: true, cause: err });
      const attempts = job.opts.attempts ?? 1;
      const willRetry = re.retryable && job.attemptsMade + 1 < attempts;
      if (!re.retryable) await job.discard();
      logger.warn({ project, code: re.code, willRetry }, `render failed: ${re.message}`);
      await emit({ project, type: 'error', message: re.message, code: re.code, retryable: willRetry });
      throw new Error(re.message);
    } finally {
      clearTimeout(timer);
      running.delete(project);
    }
  };

  // Settles only when the queue closes; Bull 4 rejects it (without a reason) when that happens before
  // its blocking client was up, e.g. a worker closed right after start: nothing to report.
  skipWorkerName(queue);
  queue.process('*', opts.concurrency ?? 1, processJob).catch(() => undefined);

  return {
    ready,
    async close() {
      await closeProcessingQueue(queue);
      await events.close();
      await subscriber.quit().catch(() => undefined);
    },
  };
}
