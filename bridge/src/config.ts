/**
 * One configuration, read from the environment once at start-up, validated by zod and passed on
 * (never read `process.env` elsewhere in the bridge). Secrets that are absent are generated into the
 * data directory on first start, so a fresh `reelay start` works without setup and restarts keep them.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { S3Settings } from './storage/s3';

export const RATE_CLASSES = ['render', 'batch', 'read', 'keys', 'other'] as const;
export type RateClass = (typeof RATE_CLASSES)[number];

export interface RateLimitRule {
  /** Sustained requests per minute (the bucket refills at limit/60 per second). */
  perMinute: number;
  /** Bucket capacity: how many requests may arrive at once. */
  burst: number;
}

/** @default defaults from the issue: render creation 30/min burst 10, batch 5/2, reads 120/30, key management 30/10, other 60/15. */
export const DEFAULT_RATE_LIMITS: Record<RateClass, RateLimitRule> = {
  render: { perMinute: 30, burst: 10 },
  batch: { perMinute: 5, burst: 2 },
  read: { perMinute: 120, burst: 30 },
  keys: { perMinute: 30, burst: 10 },
  other: { perMinute: 60, burst: 15 },
};

/** Failed authentications per client address: brute-force brake. */
export const DEFAULT_AUTH_FAILURE_LIMIT: RateLimitRule = { perMinute: 10, burst: 20 };

const ruleText = z
  .string()
  .regex(/^\d+\/\d+$/, 'expected PER_MINUTE/BURST, e.g. 30/10')
  .transform((s): RateLimitRule => {
    const [perMinute, burst] = s.split('/').map(Number);
    return { perMinute, burst };
  });

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Address the bridge binds: loopback unless asked (the Docker image sets 0.0.0.0). */
  REELAY_HOST: z.string().min(1).default('127.0.0.1'),
  /** Console output of `reelay start|bridge|renderer`: plain lines, or JSON lines for a log shipper. */
  REELAY_LOG_FORMAT: z.enum(['plain', 'json']).default('plain'),
  REELAY_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  /** PostgreSQL schema to use (created when missing); tests use one per file. */
  REELAY_DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]*$/).optional(),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Prefix of every Redis key and Bull queue of this installation (tests set their own). */
  REELAY_QUEUE_PREFIX: z.string().min(1).default('reelay'),
  REELAY_JWT_SECRET: z.string().min(32).optional(),
  REELAY_ENCRYPTION_KEY: z.string().min(1).optional(),
  /** Emails the email destination may send per account per UTC day, whatever the key. */
  REELAY_EMAIL_DAILY_CAP: z.coerce.number().int().min(0).default(100),
  REELAY_PUBLIC_URL: z.string().url().optional(),
  REELAY_BOOTSTRAP_KEY: z.string().optional(),
  REELAY_ALLOW_PRIVATE_URLS: bool.default(false),
  REELAY_WEBHOOK_RETRY_SCHEDULE: z.string().optional(),
  REELAY_BODY_LIMIT: z.string().default('5mb'),
  /** The dashboard's built files (default: dashboard/dist of this checkout or image). */
  REELAY_DASHBOARD_DIR: z.string().optional(),
  /** Render pipeline: output/upload storage directory (default `<data dir>/storage`), retention, upload caps. */
  REELAY_STORAGE_DIR: z.string().optional(),
  REELAY_RETENTION_DAYS: z.coerce.number().positive().default(7),
  /** Uploads not used by a render for this many days are deleted (0 = kept until deleted by hand). */
  REELAY_UPLOAD_RETENTION_DAYS: z.coerce.number().min(0).default(30),
  /** Where outputs, posters, uploads and segments live: `local` (REELAY_STORAGE_DIR) or an S3-compatible bucket. */
  REELAY_STORAGE: z.enum(['local', 's3']).default('local'),
  REELAY_S3_ENDPOINT: z.string().url().optional(),
  REELAY_S3_PUBLIC_ENDPOINT: z.string().url().optional(),
  REELAY_S3_BUCKET: z.string().min(3).max(63).optional(),
  REELAY_S3_REGION: z.string().min(1).default('us-east-1'),
  REELAY_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  REELAY_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  REELAY_S3_FORCE_PATH_STYLE: bool.default(false),
  REELAY_S3_DOWNLOADS: z.enum(['redirect', 'stream']).default('stream'),
  /** Prometheus `/metrics`: its own listener (loopback by default), `off`, or also on the bridge's port. */
  REELAY_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  REELAY_METRICS_PORT: z.union([z.literal('off'), z.coerce.number().int().min(0).max(65535)]).default(9464),
  REELAY_METRICS_ON_BRIDGE_PORT: bool.default(false),
  REELAY_UPLOAD_MAX_BYTES: z.coerce.number().int().positive().default(100 * 1024 * 1024),
  REELAY_UPLOAD_QUOTA_BYTES: z.coerce.number().int().positive().default(1024 * 1024 * 1024),
  REELAY_RENDER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** A render running longer is stopped and fails with code `timeout`. */
  REELAY_RENDER_TIMEOUT_SECONDS: z.coerce.number().positive().default(3600),
  /** A render whose ffmpeg reports no progress (output time not advancing) this long is stopped: code `stalled`. */
  REELAY_RENDER_STALL_SECONDS: z.coerce.number().positive().default(120),
  /** Resident memory one render's ffmpeg may use; over it, it is stopped: code `memory_limit`. */
  REELAY_RENDER_MEMORY_MB: z.coerce.number().int().min(64).default(2048),
  /** Scenes per segment of a long movie (renderer/src/segments); 0 = as many as the memory budget allows. */
  REELAY_RENDER_SEGMENT_SCENES: z.coerce.number().int().min(0).default(0),
  /** How often a bridge checks that every unfinished render is still queued in Redis. */
  REELAY_RECONCILE_INTERVAL_SECONDS: z.coerce.number().positive().default(30),
  REELAY_TRUST_PROXY: z.string().optional(),
  REELAY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REELAY_RATE_LIMIT_RENDER: ruleText.optional(),
  REELAY_RATE_LIMIT_BATCH: ruleText.optional(),
  REELAY_RATE_LIMIT_READ: ruleText.optional(),
  REELAY_RATE_LIMIT_KEYS: ruleText.optional(),
  REELAY_RATE_LIMIT_OTHER: ruleText.optional(),
  REELAY_AUTH_FAILURE_LIMIT: ruleText.optional(),
});

/**
 * Seconds between webhook delivery attempts (issue 6, Svix's schedule): retries about 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h and 10 h after the first failure (≈ 28 h, 8 attempts in all), ±20 % jitter.
 */
export const DEFAULT_WEBHOOK_RETRY_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000];

export interface Config {
  port: number;
  host: string;
  logFormat: 'plain' | 'json';
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string };
  redisUrl: string;
  queuePrefix: string;
  jwtSecret: string;
  /** Versioned key ring text as given (`kid:base64,…` or one base64 key); the connections vault parses it. */
  encryptionKey: string;
  /** Emails per account per UTC day (REELAY_EMAIL_DAILY_CAP, default 100). */
  emailDailyCap: number;
  publicUrl: string;
  bootstrapKey?: string;
  allowPrivateUrls: boolean;
  webhookRetrySchedule: number[];
  bodyLimit: string;
  /** Built dashboard served at `/`; undefined = dashboard/dist beside the bridge. */
  dashboardDir?: string;
  /** Render pipeline (bridge/src/renders): where files live, how long, upload caps. */
  pipeline: { storageDir: string; retentionDays: number; uploadRetentionDays: number; uploadMaxBytes: number; uploadQuotaBytes: number; renderConcurrency: number; renderTimeoutSeconds: number; renderStallSeconds: number; renderMemoryMb: number; renderSegmentScenes: number; reconcileIntervalMs: number };
  /** REELAY_STORAGE: the driver storage/create.ts builds. */
  storage: { kind: 'local' } | { kind: 's3'; s3: S3Settings };
  /** `/metrics` listener; `port: null` = none of its own. */
  metrics: { host: string; port: number | null; onBridgePort: boolean };
  trustProxy?: string;
  logLevel: string;
  rateLimits: Record<RateClass, RateLimitRule>;
  authFailureLimit: RateLimitRule;
  /** Check every response against its declared schema (tests turn it on; a mismatch is a 500). */
  validateResponses: boolean;
}

/** Reads a secret from the data dir, generating it on first use, so restarts keep the same value. */
function persistedSecret(dataDir: string, file: string, make: () => string): string {
  const full = path.join(dataDir, file);
  if (existsSync(full)) return readFileSync(full, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const value = make();
  writeFileSync(full, value + '\n', { mode: 0o600 });
  return value;
}

export class ConfigError extends Error {}

/** Parses the environment (default: `process.env`) into a Config; throws ConfigError with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.REELAY_DATA_DIR);
  let database: Config['database'];
  if (!e.DATABASE_URL || e.DATABASE_URL.startsWith('sqlite:') || e.DATABASE_URL.startsWith('file:')) {
    const file = e.DATABASE_URL ? e.DATABASE_URL.replace(/^(sqlite|file):(\/\/)?/, '') : path.join(dataDir, 'reelay.db');
    database = { kind: 'sqlite', file: file === ':memory:' ? file : path.resolve(file) };
  } else if (/^postgres(ql)?:\/\//.test(e.DATABASE_URL)) {
    database = { kind: 'postgres', url: e.DATABASE_URL, schema: e.REELAY_DATABASE_SCHEMA };
  } else {
    throw new ConfigError('invalid configuration: DATABASE_URL must start with postgres://, postgresql://, sqlite: or file:');
  }
  const retry = e.REELAY_WEBHOOK_RETRY_SCHEDULE
    ? e.REELAY_WEBHOOK_RETRY_SCHEDULE.split(',').map((s) => Number(s.trim()))
    : DEFAULT_WEBHOOK_RETRY_SCHEDULE;
  if (retry.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new ConfigError('invalid configuration: REELAY_WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds');
  }
  const port = e.PORT;
  let storage: Config['storage'] = { kind: 'local' };
  if (e.REELAY_STORAGE === 's3') {
    if (!e.REELAY_S3_BUCKET) throw new ConfigError('invalid configuration: REELAY_STORAGE=s3 needs REELAY_S3_BUCKET');
    if (!e.REELAY_S3_ACCESS_KEY_ID !== !e.REELAY_S3_SECRET_ACCESS_KEY) {
      throw new ConfigError('invalid configuration: set both REELAY_S3_ACCESS_KEY_ID and REELAY_S3_SECRET_ACCESS_KEY, or neither (the AWS SDK chain)');
    }
    storage = {
      kind: 's3',
      s3: {
        bucket: e.REELAY_S3_BUCKET,
        region: e.REELAY_S3_REGION,
        endpoint: e.REELAY_S3_ENDPOINT,
        publicEndpoint: e.REELAY_S3_PUBLIC_ENDPOINT,
        accessKeyId: e.REELAY_S3_ACCESS_KEY_ID,
        secretAccessKey: e.REELAY_S3_SECRET_ACCESS_KEY,
        forcePathStyle: e.REELAY_S3_FORCE_PATH_STYLE,
        downloads: e.REELAY_S3_DOWNLOADS,
      },
    };
  }
  return {
    port,
    host: e.REELAY_HOST,
    logFormat: e.REELAY_LOG_FORMAT,
    dataDir,
    database,
    redisUrl: e.REDIS_URL,
    queuePrefix: e.REELAY_QUEUE_PREFIX,
    jwtSecret: e.REELAY_JWT_SECRET ?? persistedSecret(dataDir, 'jwt-secret', () => randomBytes(32).toString('base64url')),
    encryptionKey:
      e.REELAY_ENCRYPTION_KEY ?? persistedSecret(dataDir, 'encryption-key', () => `k1:${randomBytes(32).toString('base64')}`),
    emailDailyCap: e.REELAY_EMAIL_DAILY_CAP,
    publicUrl: (e.REELAY_PUBLIC_URL ?? `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
    bootstrapKey: e.REELAY_BOOTSTRAP_KEY || undefined,
    allowPrivateUrls: e.REELAY_ALLOW_PRIVATE_URLS,
    webhookRetrySchedule: retry,
    bodyLimit: e.REELAY_BODY_LIMIT,
    dashboardDir: e.REELAY_DASHBOARD_DIR ? path.resolve(e.REELAY_DASHBOARD_DIR) : undefined,
    pipeline: {
      storageDir: path.resolve(e.REELAY_STORAGE_DIR ?? path.join(dataDir, 'storage')),
      retentionDays: e.REELAY_RETENTION_DAYS,
      uploadRetentionDays: e.REELAY_UPLOAD_RETENTION_DAYS,
      uploadMaxBytes: e.REELAY_UPLOAD_MAX_BYTES,
      uploadQuotaBytes: e.REELAY_UPLOAD_QUOTA_BYTES,
      renderConcurrency: e.REELAY_RENDER_CONCURRENCY,
      renderTimeoutSeconds: e.REELAY_RENDER_TIMEOUT_SECONDS,
      renderStallSeconds: e.REELAY_RENDER_STALL_SECONDS,
      renderMemoryMb: e.REELAY_RENDER_MEMORY_MB,
      renderSegmentScenes: e.REELAY_RENDER_SEGMENT_SCENES,
      reconcileIntervalMs: e.REELAY_RECONCILE_INTERVAL_SECONDS * 1000,
    },
    storage,
    metrics: { host: e.REELAY_METRICS_HOST, port: e.REELAY_METRICS_PORT === 'off' ? null : e.REELAY_METRICS_PORT, onBridgePort: e.REELAY_METRICS_ON_BRIDGE_PORT },
    trustProxy: e.REELAY_TRUST_PROXY,
    logLevel: e.REELAY_LOG_LEVEL,
    rateLimits: {
      render: e.REELAY_RATE_LIMIT_RENDER ?? DEFAULT_RATE_LIMITS.render,
      batch: e.REELAY_RATE_LIMIT_BATCH ?? DEFAULT_RATE_LIMITS.batch,
      read: e.REELAY_RATE_LIMIT_READ ?? DEFAULT_RATE_LIMITS.read,
      keys: e.REELAY_RATE_LIMIT_KEYS ?? DEFAULT_RATE_LIMITS.keys,
      other: e.REELAY_RATE_LIMIT_OTHER ?? DEFAULT_RATE_LIMITS.other,
    },
    authFailureLimit: e.REELAY_AUTH_FAILURE_LIMIT ?? DEFAULT_AUTH_FAILURE_LIMIT,
    validateResponses: false,
  };
}
