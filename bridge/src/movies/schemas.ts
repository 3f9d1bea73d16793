/** Request and response schemas of /v2/movies (they also produce the OpenAPI document). */
import { z } from 'zod';

export const movieStatusSchema = z.object({
  success: z.literal(true),
  status: z.enum(['pending', 'running', 'done', 'error']),
  message: z.string(),
  code: z.string().nullable().describe('a failed render\'s stable code (asset_failed, timeout, cancelled, stalled, memory_limit, render_crashed…); null otherwise'),
  project: z.string(),
  movie_id: z.string().nullable(),
  url: z.string().nullable(),
  poster: z.string().nullable(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  ended_at: z.string().nullable(),
  duration: z.number().nullable(),
  size: z.number().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  fps: z.number().nullable(),
  format: z.string().nullable(),
  rendering_time: z.number().nullable(),
  progress: z.number(),
  'client-data': z.record(z.string(), z.unknown()),
  credits: z.number(),
  template: z.string().nullable(),
  batch: z.string().nullable(),
  cached: z.boolean(),
  /** Each export destination's outcome, in the order of `exports[].destinations[]`. */
  exports: z.array(
    z.object({ type: z.string(), id: z.string().optional(), status: z.enum(['done', 'error']), message: z.string().optional() }),
  ),
});

export const movieListItemSchema = movieStatusSchema.extend({
  /** = project; pollers (Zapier) deduplicate on `id`. */
  id: z.string(),
});

export const createMovieBody = z
  .record(z.string(), z.unknown())
  .describe('A JSON2Video movie (`scenes`, `elements`, `resolution`…), or `{ "template": ID, "variables": {…} }`');

const warningsSchema = z.array(z.object({ path: z.string(), message: z.string() })).describe('what the movie says that Reelay accepts without acting on it');

export const createMovieResponse = z.object({ success: z.literal(true), project: z.string(), timestamp: z.string(), warnings: warningsSchema });

export const validateResponse = z.object({
  success: z.literal(true),
  /** True when POST /v2/movies would accept the same body (credits aside). */
  valid: z.boolean(),
  errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string() })),
  warnings: warningsSchema,
  /** Seconds, as far as the JSON tells (assets of unknown length count 10 s), and the credits it would cost; null when invalid. */
  duration: z.number().nullable(),
  credits: z.number().nullable(),
});

/** An ISO-8601 instant, or a day (`2026-05-01`, as JSON2Video's examples send) meaning its first or last instant (UTC). */
function instantOrDay(edge: 'start' | 'end') {
  return z.union([z.iso.datetime({ offset: true }), z.iso.date().transform((day) => `${day}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}Z`)]);
}

export const statusQuery = z.object({
  project: z.string().min(1).max(64).optional(),
  /** What most n8n workflows polling JSON2Video send: the same as `project`. */
  id: z.string().min(1).max(64).optional().describe('same as `project` (JSON2Video workflows poll `?id=`)'),
  status: z.enum(['pending', 'running', 'done', 'error']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100).describe(`page size, 1–100 (JSON2Video's default: 100)`),
  next_token: z.string().max(200).optional(),
  search: z.string().max(200).optional().describe('list only: words that must all be found, any case, in the project id or the client data (`client-data` JSON); pages as usual'),
  from: instantOrDay('start').optional(),
  to: instantOrDay('end').optional(),
  /** JSON2Video's names for the same range. */
  date_start: instantOrDay('start').optional().describe('same as `from` (JSON2Video\'s name)'),
  date_end: instantOrDay('end').optional().describe('same as `to` (JSON2Video\'s name)'),
  format: z.string().max(20).optional().describe('JSON2Video\'s `simple` leaves the movie JSON out of the answer; Reelay\'s answer never carries it'),
});

export const statusResponse = z.object({
  success: z.literal(true),
  movie: movieStatusSchema,
  remaining_quota: z.lazy(() => remainingQuotaSchema),
});

/** What JSON2Video clients read (`time`; its newer answers add `movies` and `drafts`), with Reelay's meaning. */
export const remainingQuotaSchema = z.object({
  credits: z.number().nullable().describe('the account\'s credits; null = unlimited'),
  time: z.number().describe('seconds of output (up to 1280×720) the credits buy: the credits, or 2147483647 when unlimited'),
  movies: z.number().describe('Reelay does not count movies: always 2147483647'),
  drafts: z.number().describe('Reelay does not count drafts: always 2147483647'),
});

export const listResponse = z.object({
  success: z.literal(true),
  count: z.number(),
  limit: z.number(),
  remaining_quota: remainingQuotaSchema,
  has_next: z.boolean(),
  next_token: z.string().nullable(),
  movies: z.array(movieListItemSchema),
});

export const projectParams = z.object({ project: z.string().min(1).max(64) });

export const storedMovieResponse = z.object({
  success: z.literal(true),
  project: z.string(),
  template: z.string().nullable(),
  /** As the render stored it: variables resolved, uploads as their refs (or links), inline secrets left out. */
  movie: z.record(z.string(), z.unknown()),
});

export const deleteResponse = z.object({
  success: z.literal(true),
  project: z.string(),
  /** `cancelled`: it was pending or running, credits were refunded; `deleted`: its files were removed. */
  result: z.enum(['cancelled', 'deleted']),
  refunded: z.number(),
});

export const batchBody = z.union([
  z.object({
    template: z.string().min(1),
    rows: z.array(z.record(z.string(), z.unknown())).min(1).max(1000),
    'client-data': z.record(z.string(), z.unknown()).optional(),
  }).loose(),
  z.string().describe('text/csv: a header row naming the variables, one row per movie; ?template=ID'),
]);

export const batchQuery = z.object({ template: z.string().min(1).optional() });

export const batchCreatedResponse = z.object({
  success: z.literal(true),
  batch: z.string(),
  count: z.number(),
  credits: z.number(),
  projects: z.array(z.string()),
  timestamp: z.string(),
});

export const batchParams = z.object({ id: z.string().min(1).max(64) });

export const batchStatusResponse = z.object({
  success: z.literal(true),
  batch: z.object({
    id: z.string(),
    template: z.string(),
    created_at: z.string(),
    count: z.number(),
    /** done when every movie is done; error when all ended and one failed; else running/pending. */
    status: z.enum(['pending', 'running', 'done', 'error']),
    progress: z.number(),
    counts: z.object({ pending: z.number(), running: z.number(), done: z.number(), error: z.number() }),
    credits: z.number(),
    movies: z.array(movieListItemSchema),
  }),
});
