import { randomBytes } from 'node:crypto';
import path from 'node:path';

/**
 * What every destination receives and returns, file-name macros, and retries with backoff.
 *
 * A destination only READS the rendered file: it never moves or deletes it, so a failed delivery
 * leaves the movie downloadable from Reelay, and its outcome (with the reason) is recorded on the render.
 */

export interface DeliveryContext {
  /** Local path of the rendered file. */
  file: string;
  /** Project id of the render (`__project__`). */
  project: string;
  /** The movie's own `id` field when it has one (`__id__`); defaults to the project id. */
  movieId?: string;
  /** Public (signed) URL of the movie, used by email when the file is too large to attach. */
  url?: string;
  /** Merged configuration of the destination (saved connection + inline fields). */
  config: Record<string, unknown>;
  /** JSON path of the destination, for messages (`exports[0].destinations[1]`). */
  path: string;
  signal?: AbortSignal;
  /** Clock for macros (tests pin it). */
  now?: Date;
  /** Delays between attempts in ms; the first attempt is immediate. @default [2000, 10000, 30000] */
  retryDelaysMs?: number[];
  /** Allow private/loopback hosts (REELAY_ALLOW_PRIVATE_URLS, tests only). */
  allowPrivateHosts?: boolean;
}

export interface DeliveryOutcome {
  type: string;
  path: string;
  status: 'done' | 'error';
  attempts: number;
  /** Where it went, without credentials: `ftp://host:21/dir/file.mp4`, `email:a@b.c (attached)`. */
  target?: string;
  error?: string;
  startedAt: string;
  endedAt: string;
}

export type Deliver = (ctx: DeliveryContext) => Promise<{ target: string }>;

export const DEFAULT_RETRY_DELAYS_MS = [2000, 10000, 30000];

/** Replaces file-name macros. Values are UTC so a file's name does not depend on the worker's zone. */
export function expandMacros(template: string, ctx: Pick<DeliveryContext, 'project' | 'movieId' | 'now'>): string {
  const now = ctx.now ?? new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  const values: Record<string, string> = {
    yyyy: String(now.getUTCFullYear()),
    mm: pad(now.getUTCMonth() + 1),
    dd: pad(now.getUTCDate()),
    hh: pad(now.getUTCHours()),
    mi: pad(now.getUTCMinutes()),
    ss: pad(now.getUTCSeconds()),
    project: ctx.project,
    id: ctx.movieId ?? ctx.project,
    random: randomBytes(6).toString('hex'),
  };
  return template.replace(/__([a-z]+)__/g, (whole, name: string) => values[name] ?? whole);
}

/** The remote file name: the `file` template (default `__project__.mp4`), extension kept from the render. */
export function remoteFileName(ctx: DeliveryContext): string {
  const template = typeof ctx.config.file === 'string' && ctx.config.file ? ctx.config.file : '__project__';
  let name = expandMacros(template, ctx);
  if (!path.extname(name)) name += path.extname(ctx.file) || '.mp4';
  // A file name is one path segment: a macro value or a user template must not climb directories.
  if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
    throw new DeliveryError(`file name "${name}" must be a single file name without slashes`, false);
  }
  return name;
}

/** The remote directory: the `remote-path` template with macros, `..` refused. */
export function remoteDirectory(ctx: DeliveryContext): string {
  const template = typeof ctx.config['remote-path'] === 'string' ? (ctx.config['remote-path'] as string) : '';
  const dir = expandMacros(template, ctx);
  if (dir.split(/[\\/]/).includes('..')) throw new DeliveryError(`remote-path "${dir}" may not contain ".."`, false);
  return dir;
}

/** A delivery failure; `retryable: false` for errors another attempt cannot fix (bad config, auth). */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** Runs one destination with retries and returns its outcome; never throws. */
export async function runDelivery(type: string, deliver: Deliver, ctx: DeliveryContext): Promise<DeliveryOutcome> {
  const startedAt = new Date().toISOString();
  const delays = ctx.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  let attempts = 0;
  let lastError = 'not attempted';
  for (;;) {
    attempts += 1;
    try {
      const { target } = await deliver(ctx);
      return { type, path: ctx.path, status: 'done', attempts, target, startedAt, endedAt: new Date().toISOString() };
    } catch (e) {
      lastError = describeError(e);
      const retryable = !(e instanceof DeliveryError && !e.retryable);
      if (!retryable || attempts > delays.length || ctx.signal?.aborted) break;
      await sleep(delays[attempts - 1], ctx.signal);
    }
  }
  return { type, path: ctx.path, status: 'error', attempts, error: `${type} delivery (${ctx.path}) failed: ${lastError}`, startedAt, endedAt: new Date().toISOString() };
}

function describeError(e: unknown): string {
  const err = e as { message?: string; code?: string | number };
  const message = typeof err?.message === 'string' && err.message ? err.message : String(e);
  return err?.code !== undefined && !message.includes(String(err.code)) ? `${message} (${err.code})` : message;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
