/**
 * Mounts route definitions on an express router: auth → rate limit → scope check → validation →
 * handler. Rate limiting runs before the scope check so every authenticated response (403 included)
 * carries the rate-limit headers and a key can not probe for free.
 */
import type { Request, Response, Router } from 'express';
import { authenticate } from '../auth/authenticate';
import { ApiError, validationError, zodProblems, type ValidationProblem } from '../errors';
import type { Principal } from '../keys/principal';
import { SCOPES } from '../keys/scopes';
import { rateLimitHeaders } from '../limits/rate-limit';
import { lenientJsonBody } from './json-body';
import { RATE_CLASSES } from '../config';
import type { Logger } from '../logger';
import type { Services } from '../services';
import type { z } from 'zod';
import type { Route, RouteContext, RouteScope } from './route';

/** Throws when a route is missing its scope or rate class, or two routes collide. */
export function assertRouteDeclarations(routes: readonly Route[]): void {
  const seen = new Set<string>();
  const valid = new Set<RouteScope>([...SCOPES, 'authenticated', 'public']);
  for (const r of routes) {
    const id = `${r.method.toUpperCase()} ${r.path}`;
    if (!r.scope || !valid.has(r.scope)) throw new Error(`route ${id} declares no valid scope (got ${String(r.scope)})`);
    if (r.scope !== 'public' && (!r.rateClass || !RATE_CLASSES.includes(r.rateClass))) {
      throw new Error(`route ${id} declares no rate class`);
    }
    if (!r.responses || Object.keys(r.responses).length === 0) throw new Error(`route ${id} declares no responses`);
    if (seen.has(id)) throw new Error(`route ${id} is declared twice`);
    seen.add(id);
  }
}

function parsePart(schema: z.ZodType | undefined, value: unknown, where: ValidationProblem['in'], problems: ValidationProblem[]) {
  if (!schema) return value;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  problems.push(...zodProblems(r.error.issues, where));
  return undefined;
}

function successStatus(route: Route): number {
  const codes = Object.keys(route.responses).map(Number).filter((c) => c >= 200 && c < 300).sort();
  return codes[0] ?? 200;
}

/**
 * What a handler receives. A class so that `log` is a getter on the prototype: a getter in an object
 * literal makes V8 build the object in dictionary mode, and with such a context per request every
 * request's objects (req, res, principal, closures) outlived the young-generation GC: 7 KB promoted
 * per /v2/auth/verify, scavenges ten times longer, a quarter of its CPU.
 */
class HandlerContext implements RouteContext<unknown, unknown, unknown, RouteScope> {
  private logger: Logger | undefined;

  constructor(
    readonly params: unknown,
    readonly query: unknown,
    readonly body: unknown,
    readonly principal: Principal | null,
    readonly services: Services,
    readonly requestId: string,
    readonly ip: string,
    readonly req: Request,
    readonly res: Response,
    readonly balance: () => Promise<number | null>,
    readonly status: (code: number) => void,
  ) {}

  /** Made on first use: most handlers never log. */
  get log(): Logger {
    return (this.logger ??= this.services.logger.child({ requestId: this.requestId }));
  }
}

export function mountRoute(router: Router, route: Route, services: Services): void {
  const defaultStatus = successStatus(route);
  // Without a trusted proxy, req.ip is the socket's address; Express would still parse
  // X-Forwarded-For into a list on every call to find that out.
  const behindProxy = Boolean(services.config.trustProxy);
  // A JSON body may also come as text/plain or untyped, as JSON2Video takes it (json-body.ts).
  const before = route.request?.body ? [lenientJsonBody(services.config.bodyLimit), ...(route.before ?? [])] : route.before;
  const run = async (req: Request, res: Response) => {
    const requestId = res.locals.requestId as string;
    const ip = (behindProxy ? req.ip : req.socket.remoteAddress) ?? 'unknown';
    let principal: Principal | null = null;
    let creditsGeneration: string | undefined;
    if (route.scope !== 'public') {
      const rateClass = route.rateClass!;
      const admitted = await authenticate(services, req, ip, rateClass);
      principal = admitted.principal;
      const decision = admitted.decision;
      creditsGeneration = decision.creditsGeneration;
      res.locals.keyId = principal.key.id;
      const headers = rateLimitHeaders(decision);
      if (!decision.allowed) {
        throw new ApiError(429, 'rate_limited', `Rate limit for "${rateClass}" requests exceeded; retry in ${decision.retryAfter}s`, { rateClass, retryAfter: decision.retryAfter }, headers);
      }
      for (const name in headers) res.setHeader(name, headers[name]);
      if (route.scope !== 'authenticated' && !principal.scopes.has(route.scope)) {
        throw new ApiError(403, 'insufficient_scope', `This API key lacks the scope "${route.scope}"`, { requiredScope: route.scope });
      }
    }
    if (before?.length) {
      for (const mw of before) {
        await new Promise<void>((resolve, reject) => mw(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
        if (res.headersSent) return;
      }
    }
    const problems: ValidationProblem[] = [];
    const params = parsePart(route.request?.params, req.params, 'params', problems);
    const query = parsePart(route.request?.query, req.query, 'query', problems);
    const body = parsePart(route.request?.body, req.body, 'body', problems);
    if (problems.length) throw validationError(problems);

    let status = defaultStatus;
    const result = await route.handler(
      new HandlerContext(params, query, body, principal, services, requestId, ip, req, res, () => {
        if (!principal || creditsGeneration === undefined) throw new Error(`${route.method} ${route.path}: balance() needs an authenticated route`);
        return services.credits.current(principal.account.id, creditsGeneration);
      }, (code) => void (status = code)),
    );
    if (res.headersSent) return;
    if (result === undefined) {
      res.status(status === 200 ? 204 : status).end();
      return;
    }
    const schema = route.responses[status];
    if (services.config.validateResponses && schema) {
      const check = schema.safeParse(result);
      if (!check.success) {
        services.logger.error({ route: `${route.method} ${route.path}`, issues: check.error.issues }, 'response does not match its schema');
        throw new ApiError(500, 'response_validation_failed', 'The response did not match its declared schema', zodProblems(check.error.issues));
      }
    }
    // What res.json() sends (no ETag: disabled app-wide), without its content-type parsing and
    // charset rewriting on every response.
    const json = JSON.stringify(result);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(json));
    res.end(json);
  };
  const routeClass = route.rateClass ?? route.scope;
  router[route.method](route.path, (req, res, next) => {
    res.locals.routeClass = routeClass; // the metrics' route label (metrics/http.ts)
    run(req, res).catch(next);
  });
}

/** Mounts the routes on `router` itself (the app: a nested router would be one more dispatch per request). */
export function mountRoutes(router: Router, routes: readonly Route[], services: Services): void {
  assertRouteDeclarations(routes);
  // Fixed paths before parameterised ones (`/v2/keys/primary/reset` before `/v2/keys/:id/roll`).
  const ordered = [...routes].sort((a, b) => paramCount(a.path) - paramCount(b.path));
  for (const r of ordered) mountRoute(router, r, services);
}

function paramCount(path: string): number {
  return (path.match(/:/g) ?? []).length;
}
