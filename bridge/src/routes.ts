/**
 * Every route of the bridge, in one list. The app mounts exactly these, the OpenAPI document lists
 * exactly these, and the role-matrix test walks exactly these.
 *
 * How to add a route
 * ------------------
 * 1. In your feature folder (e.g. `bridge/src/templates/routes.ts`) export an array:
 *
 *      export const templateRoutes = [
 *        defineRoute({
 *          method: 'get', path: '/v2/templates/:id',
 *          scope: 'templates:read',          // a Scope from keys/scopes.ts, 'authenticated' or 'public'
 *          rateClass: 'read',                // render | batch | read | keys | other (not for 'public')
 *          summary: 'Get a template',
 *          request: { params: z.object({ id: z.string() }) },   // also query, body (zod)
 *          responses: { 200: TemplateResponse },                 // zod; produces OpenAPI
 *          handler: async ({ params, principal, services }) => { ... return { success: true, ... } },
 *        }),
 *      ];
 *
 *    Handlers get parsed params/query/body, the principal (account, key, scopes) and the services.
 *    Throw `new ApiError(status, code, message, details?)` (errors.ts) for failures; an object of
 *    another account answers 404 (`notFound()`), never 403. Return the body; the status is the
 *    lowest 2xx in `responses` unless you call `ctx.status(n)`. Check `principal.account.id` on every
 *    lookup. Import zod from 'zod' inside bridge/ (the root has an older zod).
 * 2. Add ONE line below: `...templateRoutes,`.
 * 3. The role-matrix test (test/bridge/role-matrix.test.ts) then covers it automatically: it calls
 *    each route with path params set to a placeholder id and expects 401 without a valid key, 403
 *    without the declared scope and neither with it. Your route must answer a request with a
 *    placeholder id and an empty body without a 5xx (404 or 400 are fine).
 */
import type { Route } from './http/route';
import { accountRoutes } from './account/routes';
import { auditRoutes } from './audit/routes';
import { connectionRoutes } from './connections/routes';
import { keyRoutes } from './keys/routes';
import { systemRoutes } from './system/routes';
import { movieRoutes } from './movies/routes';
import { previewRoutes } from './movies/preview';
import { sessionRoutes } from './dashboard/routes';
import { templateRoutes } from './templates/routes';
import { uploadRoutes } from './uploads/routes';
import { fileRoutes } from './storage/routes';
import { webhookRoutes } from './webhooks/routes';

export const allRoutes: Route[] = [
  ...systemRoutes,
  ...accountRoutes,
  ...sessionRoutes,
  ...keyRoutes,
  ...auditRoutes,
  ...connectionRoutes,
  ...movieRoutes,
  ...previewRoutes,
  ...templateRoutes,
  ...uploadRoutes,
  ...fileRoutes,
  ...webhookRoutes,
];
