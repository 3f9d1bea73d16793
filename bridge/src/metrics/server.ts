/**
 * `GET /metrics` in Prometheus' text format. It needs no API key, so by default it has a listener of
 * its own on loopback (REELAY_METRICS_HOST/REELAY_METRICS_PORT, default 127.0.0.1:9464) that serves
 * nothing else; REELAY_METRICS_ON_BRIDGE_PORT=true serves it on the bridge's port as well.
 */
import express, { type RequestHandler } from 'express';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import type { Services } from '../services';

export function metricsHandler(registry: Registry): RequestHandler {
  return (_req, res, next) => {
    registry.metrics().then((text) => {
      res.setHeader('Content-Type', registry.contentType);
      res.setHeader('Cache-Control', 'no-store');
      res.end(text);
    }, next);
  };
}

/**
 * Starts the metrics listener when configured; resolves with it, or undefined when `off` or when its
 * address is taken (several bridges on one machine): that is logged as an error, not fatal, since
 * the API matters more than its metrics.
 */
export async function listenMetrics(services: Services): Promise<Server | undefined> {
  const { host, port } = services.config.metrics;
  if (port === null) return undefined;
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', metricsHandler(services.metrics.registry));
  app.use((_req, res) => void res.status(404).end());
  let server: Server;
  try {
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(s)));
    });
  } catch (err) {
    services.logger.error({ err: (err as Error).message }, `metrics not served: cannot listen on ${host}:${port} (set REELAY_METRICS_PORT to a free port, or off)`);
    return undefined;
  }
  services.onClose(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const addr = server.address();
  services.logger.info({ address: typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : addr }, 'metrics listening');
  return server;
}
