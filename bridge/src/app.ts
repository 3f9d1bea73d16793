/**
 * Builds the express app from the services (no listen: tests and the server share this).
 * Order: request id (+ nosniff) → key-in-query refusal → JSON body → JSON shape check (depth,
 * forbidden keys: http/json-body.ts) → routes → the dashboard's pages (dashboard/static.ts) → 404 →
 * error handler.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { keyInQuery } from './auth/authenticate';
import { ApiError, errorHandler, notFoundHandler } from './errors';
import { safeJsonBody } from './http/json-body';
import { mountDashboard } from './dashboard/static';
import { httpMetrics } from './metrics/http';
import { metricsHandler } from './metrics/server';
import { mountRoutes } from './http/mount';
import type { Route } from './http/route';
import { allRoutes } from './routes';
import type { Services } from './services';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function buildApp(services: Services, routes: readonly Route[] = allRoutes): Express {
  const app = express();
  app.disable('x-powered-by');
  // API answers change with every call (rate-limit headers, progress); hashing each body for an ETag is wasted work.
  app.set('etag', false);
  app.set('trust proxy', parseTrustProxy(services.config.trustProxy));
  app.set('query parser', 'extended');

  // Request lines have a fixed shape with no secret field (path only: no query string, no headers),
  // so they skip redaction, which would cost more than the rest of the line (~8 µs each).
  const requestLog = services.logger.child({}, { redact: { paths: ['__no_secret_fields__'] } });
  app.use((req, res, next) => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.locals.requestId = requestId;
    res.locals.logger = services.logger;
    res.setHeader('X-Request-Id', requestId);
    // Every answer is JSON or a file with a declared type: browsers must never guess another one.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // Path only: query strings may hold things that must not be logged.
      requestLog.info(
        {
          requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
          keyId: res.locals.keyId,
        },
        'request',
      );
    });
    next();
  });
  app.use(httpMetrics(services.metrics));
  // Unauthenticated, so only when the operator asked for it on this port (metrics/server.ts).
  if (services.config.metrics.onBridgePort) app.get('/metrics', metricsHandler(services.metrics.registry));
  app.use((req, _res, next) => {
    if (keyInQuery(req)) {
      next(new ApiError(400, 'key_in_query', 'API keys are not accepted in the query string; send the x-api-key header'));
      return;
    }
    next();
  });
  app.use(express.json({ limit: services.config.bodyLimit }));
  app.use(safeJsonBody);
  mountRoutes(app, routes, services);
  mountDashboard(app, services.config.dashboardDir);
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}

function parseTrustProxy(v: string | undefined): boolean | number | string {
  if (!v) return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  return v;
}
