/**
 * The service container handed to every route handler and feature: config, store, Redis, logger,
 * rate limiter, credits, audit log — plus whatever features hang on it.
 *
 * Features add their own services WITHOUT editing this file:
 *   1. declare the fields by module augmentation (in your folder):
 *        declare module '../services' { interface FeatureServices { renderQueue: Queue } }
 *   2. export a `Feature` ({ name, init(services) }) that assigns them (and registers cleanup with
 *      `services.onClose(fn)`), and add one line for it in `bridge/src/features.ts`.
 * Redis keys and Bull queues must use `config.queuePrefix` (tests give each file its own prefix):
 * `services.redisKey('x', id)` or `new Bull(name, { prefix: services.config.queuePrefix, ... })`.
 */
import Redis from 'ioredis';
import type { Config } from './config';
import { createAuditLog, type AuditLog } from './audit/log';
import { createCreditsService, type CreditsService } from './credits';
import { features } from './features';
import { Generations } from './generations';
import { KeyCache } from './keys/cache';
import { RateLimiter } from './limits/rate-limit';
import { createLogger, type Logger } from './logger';
import { migrateToLatest, openDb, type Db } from './store/db';
import { assertPrefixClaim, readInstallationId } from './system/installation';
import type { DestinationStream } from 'pino';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface FeatureServices {}

export interface CoreServices {
  config: Config;
  /** This installation's id (from the store); it holds the Redis prefix (system/installation.ts). */
  installationId: string;
  db: Db;
  redis: Redis;
  logger: Logger;
  rateLimiter: RateLimiter;
  /** Redis counters that tell instances whether what they cached is current (keys, balances). */
  generations: Generations;
  /** Key rows by hash; wrap every write to api_keys in `keyCache.change(() => …)`. */
  keyCache: KeyCache;
  credits: CreditsService;
  audit: AuditLog;
  /** `${queuePrefix}:${parts.join(':')}` */
  redisKey(...parts: string[]): string;
  /** Registers cleanup run by close(), in reverse order. */
  onClose(fn: () => Promise<void> | void): void;
  close(): Promise<void>;
}

export type Services = CoreServices & FeatureServices;

export interface Feature {
  name: string;
  init(services: Services): Promise<void> | void;
}

export class RedisUnavailableError extends Error {}

/** Connects to Redis, failing fast with one readable line when it does not answer. */
export async function connectRedis(url: string, timeoutMs = 3000): Promise<Redis> {
  // No auto-pipelining: it defers even a lone command to the next loop turn and builds a Pipeline
  // per batch (at 1 connection, 0.90× the requests/s of bench:bridge). The hot path's admission
  // commands share writes through limits/write-coalescing.ts instead, and only when replies are pending.
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: timeoutMs, enableOfflineQueue: true, enableAutoPipelining: false });
  // Without a listener ioredis prints every reconnect error with a stack trace.
  let lastError: Error | undefined;
  redis.on('error', (err) => {
    lastError = err;
  });
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref()),
    ]);
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    const why = (lastError ?? (err as Error)).message;
    throw new RedisUnavailableError(
      `cannot reach Redis at ${url} (${why}); start one with \`redis-server --daemonize yes --port 6379\` (Debian: apt-get install -y redis-server) or set REDIS_URL`,
    );
  }
  return redis;
}

export interface ServiceOptions {
  /** Log destination (tests capture logs to scan them for keys). */
  logDestination?: DestinationStream;
  /** Skip migrations (they normally run at start-up). */
  skipMigrations?: boolean;
}

export async function createServices(config: Config, opts: ServiceOptions = {}): Promise<Services> {
  // A test's capture destination gets JSON to parse; the console gets the configured format.
  const logger = createLogger(config.logLevel, opts.logDestination, opts.logDestination ? 'json' : config.logFormat);
  const redis = await connectRedis(config.redisUrl);
  const db = openDb(config.database);
  const closers: Array<() => Promise<void> | void> = [() => redis.quit().then(() => undefined), () => db.destroy()];
  let installationId: string;
  try {
    if (!opts.skipMigrations) await migrateToLatest(db, config.database);
    // Before any queue opens: another installation's jobs and events must never reach this one.
    installationId = await readInstallationId(db);
    await assertPrefixClaim(redis, config.queuePrefix, installationId);
  } catch (err) {
    await Promise.allSettled(closers.map((c) => c()));
    throw err;
  }
  const generations = new Generations(redis, config.queuePrefix);
  const core: CoreServices = {
    config,
    installationId,
    db,
    redis,
    logger,
    rateLimiter: new RateLimiter(redis, config.queuePrefix, generations),
    generations,
    keyCache: new KeyCache(generations),
    credits: createCreditsService(db, generations),
    audit: createAuditLog(db),
    redisKey: (...parts) => [config.queuePrefix, ...parts].join(':'),
    onClose: (fn) => void closers.push(fn),
    async close() {
      for (const fn of closers.splice(0).reverse()) {
        try {
          await fn();
        } catch (err) {
          logger.warn({ err }, 'error during shutdown');
        }
      }
    },
  };
  // Features assign their own fields during init (declared via FeatureServices augmentation).
  const services = core as Services;
  try {
    for (const feature of features) await feature.init(services);
  } catch (err) {
    // A feature refusing to start (e.g. a missing encryption key version) must not leave Redis/DB open.
    await core.close();
    throw err;
  }
  return services;
}
