/**
 * Every JSON request body is checked right after express.json parses it, before any route sees it:
 * at most MAX_JSON_DEPTH (64) levels deep (400 too_deeply_nested) and no `__proto__`, `constructor` or
 * `prototype` key anywhere (400 forbidden_key), each with its JSON path. The walk itself is shared with
 * the CLI (renderer/src/safe-json.ts) and is iterative, so a 10,000-deep body costs no stack.
 */
import express, { type Request, type RequestHandler } from 'express';
import { jsonValueProblem, MAX_JSON_DEPTH, type JsonProblem } from '@reelay/renderer/src/safe-json';
import { ApiError, formatJsonPath } from '../errors';

export { MAX_JSON_DEPTH, FORBIDDEN_KEYS } from '@reelay/renderer/src/safe-json';

/** The 400 for a problem, in the one error shape; `prefix` is prepended to the path (e.g. `rows[3]`). */
export function jsonProblemError(problem: JsonProblem, where: 'body' | 'query' = 'body', prefix: Array<string | number> = []): ApiError {
  const path = formatJsonPath([...prefix, ...problem.at]);
  const text =
    problem.code === 'too_deeply_nested'
      ? `The ${where} is nested more than ${MAX_JSON_DEPTH} levels deep${path ? ` (at ${path})` : ''}`
      : `${path}: ${problem.message} (JSON keys __proto__, constructor and prototype are refused everywhere)`;
  return new ApiError(400, problem.code, text, [{ path, message: problem.message, in: where }]);
}

/** Throws the 400 for the first problem of `value`. */
export function assertSafeJson(value: unknown, where: 'body' | 'query' = 'body', prefix: Array<string | number> = []): void {
  const problem = jsonValueProblem(value);
  if (problem) throw jsonProblemError(problem, where, prefix);
}

/** Mounted right after the JSON body parser (app.ts). */
export const safeJsonBody: RequestHandler = (req, _res, next) => {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object') return next();
  const problem = jsonValueProblem(body);
  next(problem ? jsonProblemError(problem) : undefined);
};

/**
 * JSON sent as `text/plain`, or with no Content-Type at all, as JSON2Video's API takes it: no-code
 * tools' raw-body HTTP actions and `curl -d` without `-H` send that. Mounted only on routes whose body
 * is JSON (mount.ts), after the key is checked, so raw-byte uploads keep their own reader and a
 * caller without a key never gets a body read. `application/json` is app.ts's parser; any other type
 * (form data, CSV) is left to the route.
 */
export function lenientJsonBody(limit: string | number): RequestHandler {
  const parse = express.json({ limit, type: (req) => plainOrUntyped(req as Request) });
  return (req, res, next) => {
    if (req.body !== undefined) return next(); // already parsed (application/json)
    parse(req, res, (err?: unknown) => (err ? next(err) : safeJsonBody(req, res, next)));
  };
}

function plainOrUntyped(req: Request): boolean {
  const type = req.headers['content-type'];
  return type === undefined || type.trim() === '' || /^text\/plain\s*(;|$)/i.test(type);
}
