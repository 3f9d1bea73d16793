/**
 * The renderer's one error type. `code` is stable (the bridge maps it to its error shape), `path` is the
 * JSON path of the scene/element at fault, and `retryable` says whether the queue should try again:
 * invalid movies and broken assets never heal by retrying, network faults and 5xx answers may.
 */
export type RenderErrorCode =
  | 'invalid_movie'
  | 'not_supported'
  | 'asset_forbidden'
  | 'asset_failed'
  | 'asset_unavailable'
  | 'provider_missing'
  | 'provider_failed'
  | 'ffmpeg_failed'
  | 'cancelled'
  | 'timeout'
  /** ffmpeg's output time stopped advancing for REELAY_RENDER_STALL_SECONDS; it was killed. */
  | 'stalled'
  /** ffmpeg's resident memory passed REELAY_RENDER_MEMORY_MB; it was killed. */
  | 'memory_limit'
  /** The job's renderer died while running it (kill -9, out of memory) POISON_STARTS - 1 times: not tried again. */
  | 'render_crashed'
  | 'internal';

export interface MovieIssue {
  path: string;
  message: string;
  /** Set when the problem is a cap on what a movie may hold (schema/limits.ts), not a mistake in it. */
  code?: 'limit_exceeded';
}

export class RenderError extends Error {
  readonly code: RenderErrorCode;
  readonly retryable: boolean;
  readonly path?: string;
  readonly issues?: MovieIssue[];

  constructor(code: RenderErrorCode, message: string, opts: { retryable?: boolean; path?: string; issues?: MovieIssue[]; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RenderError';
    this.code = code;
    this.retryable = opts.retryable ?? false;
    this.path = opts.path;
    this.issues = opts.issues;
  }
}

export function isRenderError(err: unknown): err is RenderError {
  return err instanceof RenderError;
}

/** Formats a path array the way JSON2Video users read it: `scenes[1].elements[0].src`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}
