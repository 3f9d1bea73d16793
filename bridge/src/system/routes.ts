/** Health, readiness and the OpenAPI document: public, unauthenticated. */
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { buildOpenApi } from '../http/openapi';
import { pingDb } from '../store/db';

let openApiCache: Record<string, unknown> | undefined;

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
    summary: 'Readiness: the store and Redis answer',
    responses: {
      200: z.object({ success: z.literal(true), store: z.literal('ok'), redis: z.literal('ok') }),
      503: z.object({ success: z.literal(false), store: z.string(), redis: z.string() }),
    },
    handler: async ({ services, res }) => {
      const [store, redis] = await Promise.allSettled([pingDb(services.db), services.redis.ping()]);
      const body = {
        store: store.status === 'fulfilled' ? 'ok' : 'unreachable',
        redis: redis.status === 'fulfilled' ? 'ok' : 'unreachable',
      };
      if (body.store === 'ok' && body.redis === 'ok') return { success: true as const, store: 'ok' as const, redis: 'ok' as const };
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
      // Imported at call time: routes.ts lists this module too.
      const { allRoutes } = await import('../routes');
      openApiCache ??= buildOpenApi(allRoutes, services.config.publicUrl);
      return openApiCache;
    },
  }),
];
