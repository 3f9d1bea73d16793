/** Counts and times every HTTP answer by route class (set by http/mount.ts), method and status class. */
import type { RequestHandler } from 'express';
import { statusClass, type Metrics } from './registry';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function httpMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const labels = {
        // Routes name their rate class; the dashboard's pages and unknown paths have none.
        route: typeof res.locals.routeClass === 'string' ? res.locals.routeClass : req.path.startsWith('/v2/') || req.path.startsWith('/files/') ? 'unmatched' : 'dashboard',
        method: METHODS.has(req.method) ? req.method : 'OTHER',
        status: statusClass(res.statusCode),
      };
      metrics.httpRequests.inc(labels);
      end(labels);
    });
    next();
  };
}
