/**
 * The one error type of the bridge, its stable codes, and the one express handler that turns any
 * thrown value into `{ success:false, error, code, details, requestId }`. Throw `new ApiError(...)`
 * anywhere in a handler or service; zod errors (from any zod copy, e.g. the renderer's) become
 * 400 validation_error with JSON paths.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';

/** Stable machine codes. Append new ones (one line, alphabetical within your block); never rename. */
export const ERROR_CODES = [
  // request shape
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'validation_error',
  'key_in_query',
  'not_found',
  'method_not_allowed',
  'conflict',
  // authentication (401)
  'missing_api_key',
  'malformed_api_key',
  'unknown_api_key',
  'expired_api_key',
  'revoked_api_key',
  'invalid_session',
  // authorisation (403)
  'insufficient_scope',
  'scope_widening',
  'primary_key_protected',
  'forbidden',
  'csrf_failed',
  // limits
  'rate_limited',
  'auth_rate_limited',
  'insufficient_credits',
  'limit_exceeded',
  // idempotency
  'idempotency_conflict',
  'idempotency_in_flight',
  // features (movies, templates, uploads, connections, webhooks) — add yours here
  'template_not_found',
  'connection_not_found',
  'connection_override_forbidden',
  'email_cap_reached',
  'forbidden_url',
  'upload_quota_exceeded',
  'unsupported_upload',
  'invalid_file_link',
  'range_not_satisfiable',
  'preview_failed',
  // request bodies (http/json-body.ts, body-parser): refused before any route sees them
  'forbidden_key',
  'invalid_body',
  'invalid_body_encoding',
  'too_deeply_nested',
  // server
  'internal_error',
  'service_unavailable',
  'response_validation_failed',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ValidationProblem {
  /** JSON path inside the checked part, e.g. `scenes[1].elements[0].src` ('' = the whole value). */
  path: string;
  message: string;
  /** Which part of the request: body, query or params. */
  in?: 'body' | 'query' | 'params' | 'headers';
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers?: Record<string, string>,
    /** The underlying error, logged for 5xx answers, never sent. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ApiError';
  }
}

/** Keys, limits and cached rows can not be checked without Redis: answer 503 (retry later), not an opaque 500. */
export async function unavailableWithoutRedis<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    throw new ApiError(503, 'service_unavailable', 'Redis does not answer, so keys and limits can not be checked; retry shortly', null, { 'Retry-After': '5' }, err);
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `['scenes', 1, 'elements', 0, 'src']` → `scenes[1].elements[0].src`; odd keys → `["client-data"]`. */
export function formatJsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && IDENTIFIER.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
}
interface ZodLikeError {
  name: string;
  issues: ZodLikeIssue[];
}

/** Duck-typed: the renderer has its own zod copy, so `instanceof ZodError` is not reliable. */
export function isZodError(err: unknown): err is ZodLikeError {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'ZodError' &&
    Array.isArray((err as { issues?: unknown }).issues)
  );
}

/** Zod issues → our validation problems (one per issue, each with its JSON path). */
export function zodProblems(issues: ReadonlyArray<ZodLikeIssue>, where?: ValidationProblem['in']): ValidationProblem[] {
  return issues.map((i) => ({ path: formatJsonPath(i.path), message: i.message, ...(where ? { in: where } : {}) }));
}

export function validationError(problems: ValidationProblem[], message?: string): ApiError {
  const first = problems[0];
  const text =
    message ??
    (first ? `Invalid request: ${first.path ? `${first.path}: ` : ''}${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}` : 'Invalid request');
  return new ApiError(400, 'validation_error', text, problems);
}

export function notFound(what = 'Resource'): ApiError {
  return new ApiError(404, 'not_found', `${what} not found`);
}

/** Converts whatever was thrown into an ApiError (unknown errors become an opaque 500). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (isZodError(err)) return validationError(zodProblems(err.issues, 'body'));
  const e = err as { type?: string; status?: number; statusCode?: number } | undefined;
  // body-parser errors (express.json)
  if (e?.type === 'entity.parse.failed') return new ApiError(400, 'invalid_json', 'The request body is not valid JSON');
  if (e?.type === 'entity.too.large') return new ApiError(413, 'payload_too_large', 'The request body is too large');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new ApiError(415, 'unsupported_media_type', 'Unsupported body encoding');
  // Any other body-parser error (a broken gzip/deflate/br body, an aborted upload, a wrong length)
  // carries its own 4xx status: it is the client's, never a 500.
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && isBodyParserError(err)) {
    const zlib = /^(Z_|ERR_BROTLI|ERR__?ZLIB)/.test(String((err as { code?: unknown }).code ?? ''));
    if (zlib) return new ApiError(400, 'invalid_body_encoding', 'The request body does not match its Content-Encoding (broken gzip, deflate or br data)');
    if (status === 413) return new ApiError(413, 'payload_too_large', 'The request body is too large');
    if (status === 415) return new ApiError(415, 'unsupported_media_type', 'Unsupported body encoding');
    return new ApiError(400, 'invalid_body', 'The request body could not be read');
  }
  return new ApiError(500, 'internal_error', 'Internal server error');
}

/** body-parser / raw-body errors are http-errors with `expose`, or carry a body-parser `type`. */
function isBodyParserError(err: unknown): boolean {
  const e = err as { expose?: unknown; type?: unknown };
  return e?.expose === true || typeof e?.type === 'string';
}

export function errorBody(err: ApiError, requestId?: string) {
  return { success: false as const, error: err.message, code: err.code, details: err.details ?? null, requestId: requestId ?? null };
}

/** The last middleware: one JSON shape for every error; 5xx are logged with their cause, never sent. */
export const errorHandler: ErrorRequestHandler = (err, req, res, next) => {
  if (res.headersSent) return next(err);
  const apiError = toApiError(err);
  const requestId = res.locals.requestId as string | undefined;
  if (apiError.status >= 500) {
    // app.ts puts the logger in res.locals; the cause is logged here and never sent
    const logger = res.locals.logger as { error: (o: object, m: string) => void } | undefined;
    logger?.error({ err, requestId, method: req.method, path: req.path }, 'request failed');
  }
  if (apiError.headers) for (const [k, v] of Object.entries(apiError.headers)) res.setHeader(k, v);
  res.status(apiError.status).json(errorBody(apiError, requestId));
};

/** Mounted after every route: unknown paths answer 404 not_found in the same shape. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `No route ${req.method} ${req.path}`));
};
