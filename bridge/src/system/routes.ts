/** Health, readiness and the OpenAPI document: public, unauthenticated. */
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { buildOpenApi } from '../http/openapi';
import { pingDb } from '../store/db';

let openApiCache: Record<string, unknown> | undefined;
let docsCache: string | undefined;

const escapeHtml = (t: string) => t.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** A plain page listing every operation with its scope; no scripts, nothing fetched from elsewhere. */
function docsPage(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<string, Record<string, { summary: string; 'x-reelay-scope': string; 'x-reelay-rate-class'?: string }>>;
  const rows = Object.entries(paths).flatMap(([p, ops]) =>
    Object.entries(ops).map(
      ([m, op]) =>
        `<tr><td><code>${m.toUpperCase()}</code></td><td><code>${escapeHtml(p)}</code></td><td><code>${escapeHtml(op['x-reelay-scope'])}</code></td><td>${escapeHtml(op.summary)}</td></tr>`,
    ),
  );
  return `<!doctype html><meta charset="utf-8"><title>Reelay API</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}td{padding:.25em .75em;border-bottom:1px solid #ddd;vertical-align:top}</style>
<h1>Reelay API</h1><p>The machine-readable document is <a href="/openapi.json">/openapi.json</a>. Send keys as <code>x-api-key</code>.</p>
<table><tr><th>method</th><th>path</th><th>scope</th><th>summary</th></tr>${rows.join('')}</table>`;
}

/**
 * Loaded at call time: routes.ts lists this module too. A plain require, not `import()`: under tsx's
 * CommonJS loader a dynamic import of an extensionless path does not resolve in real processes.
 */
function routeList(): (typeof import('../routes'))['allRoutes'] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../routes') as typeof import('../routes')).allRoutes;
}

export const systemRoutes = [
  defineRoute({
    method: 'get',
    path: '/healthz',
    scope: 'public',
    summary: 'Liveness: the process answers',
    responses: { 200: z.object({ success: z.literal(true), status: z.literal('ok') }) },
    handler: () => ({ success: true as const, status: 'ok' as const }),
  }),
  defineRoute({
    method: 'get',
    path: '/readyz',
    scope: 'public',
    summary: 'Readiness: the store, Redis and the file storage answer',
    responses: {
      200: z.object({ success: z.literal(true), store: z.literal('ok'), redis: z.literal('ok'), storage: z.literal('ok') }),
      503: z.object({ success: z.literal(false), store: z.string(), redis: z.string(), storage: z.string() }),
    },
    handler: async ({ services, res }) => {
      // A key that never exists: answered "not there" by a reachable bucket (or disk), an error otherwise,
      // so a bridge started before its bucket (a stack restarting) is not ready until it can serve files.
      const [store, redis, storage] = await Promise.allSettled([pingDb(services.db), services.redis.ping(), services.pipeline.storage.stat('readyz-probe')]);
      const state = (r: PromiseSettledResult<unknown>) => (r.status === 'fulfilled' ? ('ok' as const) : 'unreachable');
      const body = { store: state(store), redis: state(redis), storage: state(storage) };
      if (body.store === 'ok' && body.redis === 'ok' && body.storage === 'ok') return { success: true as const, store: 'ok' as const, redis: 'ok' as const, storage: 'ok' as const };
      res.status(503).json({ success: false, ...body });
      return undefined;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/openapi.json',
    scope: 'public',
    summary: 'This API as an OpenAPI 3.1 document (generated from the mounted routes)',
    responses: { 200: z.record(z.string(), z.unknown()) },
    handler: async ({ services }) => {
      const allRoutes = routeList();
      openApiCache ??= buildOpenApi(allRoutes, services.config.publicUrl);
      return openApiCache;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/docs',
    scope: 'public',
    summary: 'A readable list of every operation and the scope it needs',
    responseContentType: 'text/html',
    responses: { 200: z.string() },
    handler: async ({ services, res }) => {
      const allRoutes = routeList();
      docsCache ??= docsPage((openApiCache ??= buildOpenApi(allRoutes, services.config.publicUrl)));
      res.type('html').send(docsCache);
    },
  }),
];
