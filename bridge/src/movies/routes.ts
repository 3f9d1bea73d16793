/** /v2/movies: create (movie or template), status, list, cancel/delete, and batches. */
import express from 'express';
import { ApiError, notFound, validationError } from '../errors';
import { defineRoute } from '../http/route';
import type { Principal } from '../keys/principal';
import type { Services } from '../services';
import { refundAll } from '../renders/events';
import { notifyRenderEnded } from '../renders/notify';
import { getRender, listRenders, markError, type RenderRow } from '../renders/repository';
import { movieStatus } from '../renders/status';
import { nowIso } from '../ids';
import { createBatch, batchStatus } from './batch';
import { bodyFingerprint } from './fingerprint';
import { readIdempotencyKey } from './idempotency';
import { bindTemplate, isTemplateRequest, loadTemplate, missingVariablesError, prepareMovie, type PreparedMovie } from './prepare';
import {
  batchBody,
  batchCreatedResponse,
  batchParams,
  batchQuery,
  batchStatusResponse,
  createMovieBody,
  createMovieResponse,
  deleteResponse,
  listResponse,
  projectParams,
  statusQuery,
  statusResponse,
  storedMovieResponse,
  validateResponse,
} from './schemas';
import { acceptMovie } from './submit';

/** A POST /v2/movies body (a movie, or a template and its variables) checked and priced, ready to queue. */
async function prepareRequest(services: Services, principal: Principal, body: Record<string, unknown>): Promise<PreparedMovie> {
  if (!body || Object.keys(body).length === 0) throw new ApiError(400, 'validation_error', 'No movie JSON received', [{ path: '', message: 'required', in: 'body' }]);
  const accountId = principal.account.id;
  if (!isTemplateRequest(body)) return prepareMovie(services, accountId, body, null, '', principal.scopes);
  const { template: id, variables, ...extra } = body as { template: string; variables?: unknown } & Record<string, unknown>;
  if (variables !== undefined && (typeof variables !== 'object' || variables === null || Array.isArray(variables))) {
    throw validationError([{ path: 'variables', message: 'must be an object', in: 'body' }]);
  }
  const template = await loadTemplate(services, accountId, id);
  const bound = bindTemplate(template, (variables as Record<string, unknown>) ?? {}, extra);
  if (bound.missing.length) throw missingVariablesError(bound.missing);
  return prepareMovie(services, accountId, bound.movie, template.id, '', principal.scopes);
}

/** JSON2Video's largest quota value (a 32-bit int), for what Reelay does not limit: n8n Set nodes typed as numbers fail on null. */
const UNLIMITED = 2_147_483_647;

/** `remaining_quota` as JSON2Video clients read it: `time` (credits), `movies`, `drafts`. */
function remainingQuota(credits: number | null) {
  return { credits, time: credits ?? UNLIMITED, movies: UNLIMITED, drafts: UNLIMITED };
}

/** Status of one of the caller's renders, or 404 (another account's id is never revealed). */
async function ownRender(services: Services, principal: Principal, project: string): Promise<RenderRow> {
  const row = await getRender(services.db, principal.account.id, project);
  if (!row) throw notFound('Movie');
  return row;
}

export const movieRoutes = [
  defineRoute({
    method: 'post',
    path: '/v2/movies',
    scope: 'movies:create',
    rateClass: 'render',
    summary: 'Render a movie',
    description:
      'The body is a JSON2Video movie, or `{ "template": ID, "variables": {…} }`. Costs ceil(seconds) × resolution factor credits (1 up to 1280×720, 2 up to 1920×1080, 4 above); 402 when short. `Idempotency-Key` is honoured for 24 h.',
    tags: ['movies'],
    request: { body: createMovieBody },
    responses: { 200: createMovieResponse },
    handler: async ({ body, principal, services, req }) => {
      const idempotencyKey = readIdempotencyKey(req.headers['idempotency-key']);
      const prepared = await prepareRequest(services, principal, body);
      const accepted = await acceptMovie(services, { accountId: principal.account.id, keyId: principal.key.id }, prepared, { idempotencyKey, bodyHash: bodyFingerprint(body) });
      return { success: true as const, project: accepted.project, timestamp: accepted.timestamp, warnings: prepared.warnings };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v2/movies/validate',
    scope: 'movies:create',
    rateClass: 'other',
    summary: 'Check a movie without rendering it',
    description:
      'The same checks as `POST /v2/movies` (schema, variables, template, connections, asset URL policy, limits); nothing is charged or queued. An invalid movie is a 200 with `valid: false` and every problem with its JSON path and code; `duration` and `credits` say what a valid one would cost.',
    tags: ['movies'],
    request: { body: createMovieBody },
    responses: { 200: validateResponse },
    handler: async ({ body, principal, services }) => {
      try {
        const prepared = await prepareRequest(services, principal, body);
        return { success: true as const, valid: true, errors: [], warnings: prepared.warnings, duration: prepared.seconds, credits: prepared.cost };
      } catch (err) {
        // What the caller can fix is the answer; faults of the service stay errors.
        if (!(err instanceof ApiError) || err.status >= 500) throw err;
        const listed = Array.isArray(err.details) ? (err.details as { path: string; message: string }[]) : [{ path: '', message: err.message }];
        return { success: true as const, valid: false, errors: listed.map((p) => ({ path: p.path, message: p.message, code: err.code })), warnings: [], duration: null, credits: null };
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v2/movies',
    scope: 'movies:read',
    rateClass: 'read',
    summary: 'Movie status, or the list of movies',
    description:
      'With `project` (or `id`, as JSON2Video workflows send it): JSON2Video\'s status shape. Without: the account\'s movies, newest first, `limit` ≤ 100, `next_token` for the next page, optional `status` filter and `search` (words in the project id or the client data); each item has `id` (= project) for pollers.',
    tags: ['movies'],
    request: { query: statusQuery },
    responses: { 200: statusResponse.or(listResponse) },
    handler: async ({ query, principal, services, balance }) => {
      const project = query.project ?? query.id;
      if (project) {
        const row = await ownRender(services, principal, project);
        return {
          success: true as const,
          movie: await movieStatus(services.config, row),
          remaining_quota: remainingQuota(await balance()),
        };
      }
      const page = await listRenders(services.db, principal.account.id, {
        status: query.status,
        limit: query.limit,
        nextToken: query.next_token,
        from: query.from ?? query.date_start,
        to: query.to ?? query.date_end,
        search: query.search,
      });
      const movies = await Promise.all(page.rows.map(async (row) => ({ id: row.project, ...(await movieStatus(services.config, row)) })));
      return {
        success: true as const, count: movies.length, limit: query.limit, has_next: page.nextToken !== null, next_token: page.nextToken, movies,
        remaining_quota: remainingQuota(await balance()),
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v2/movies/:project/movie',
    scope: 'movies:read',
    rateClass: 'read',
    summary: 'The movie JSON a render was made from',
    description:
      'The movie as the render stored it, to render it again (`POST /v2/movies`) or edit it: template variables resolved, uploads as their `reelay://uploads/` refs (or signed links, on object storage), saved connections by name, inline secrets left out (they are sealed with the render, never shown).',
    tags: ['movies'],
    request: { params: projectParams },
    responses: { 200: storedMovieResponse },
    handler: async ({ params, principal, services }) => {
      const row = await ownRender(services, principal, params.project);
      return { success: true as const, project: row.project, template: row.template_id, movie: JSON.parse(row.movie) as Record<string, unknown> };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v2/movies/:project',
    scope: 'movies:delete',
    rateClass: 'other',
    summary: 'Cancel a render, or delete a finished one\'s files',
    description: 'A pending or running render is cancelled (its ffmpeg is stopped) and its credits refunded; a finished render\'s files are removed.',
    tags: ['movies'],
    request: { params: projectParams },
    responses: { 200: deleteResponse },
    handler: async ({ params, principal, services }) => {
      const row = await ownRender(services, principal, params.project);
      const { pipeline } = services;
      if (row.status === 'pending' || row.status === 'running') {
        if (await markError(services.db, row.project, 'Cancelled by request', nowIso(), 'cancelled')) {
          services.metrics.renders.inc({ status: 'error', code: 'cancelled' });
          await refundAll(services, row);
          await pipeline.cancel(row.project);
          await notifyRenderEnded(services, row.project);
          return { success: true as const, project: row.project, result: 'cancelled' as const, refunded: Number(row.cost) - Number(row.refunded) };
        }
      }
      await pipeline.storage.deletePrefix(pipeline.prefixOf(row));
      await services.db.updateTable('renders').set({ files_deleted_at: nowIso(), updated_at: nowIso() }).where('project', '=', row.project).execute();
      return { success: true as const, project: row.project, result: 'deleted' as const, refunded: 0 };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v2/movies/batch',
    scope: 'movies:batch',
    rateClass: 'batch',
    summary: 'Render a template once per row',
    description:
      'JSON `{ template, rows: [ {variables…}, … ] }`, or a `text/csv` body (header row = variable names) with `?template=ID`. Every row is validated before any is queued; problems name the row (`rows[2].variables.title`). The whole batch is charged at once (402 when short). At most 1000 rows.',
    tags: ['movies'],
    before: [express.text({ type: ['text/csv', 'application/csv'], limit: '10mb' })],
    bodyContentType: 'application/json',
    request: { query: batchQuery, body: batchBody },
    responses: { 200: batchCreatedResponse },
    handler: async ({ body, query, principal, services, req }) => {
      const idempotencyKey = readIdempotencyKey(req.headers['idempotency-key']);
      const created = await createBatch(services, principal, body, query.template, idempotencyKey);
      return { success: true as const, ...created };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v2/movies/batch/:id',
    scope: 'movies:read',
    rateClass: 'read',
    summary: 'Progress of a batch',
    tags: ['movies'],
    request: { params: batchParams },
    responses: { 200: batchStatusResponse },
    handler: async ({ params, principal, services }) => ({ success: true as const, batch: await batchStatus(services, principal.account.id, params.id) }),
  }),
];
