/**
 * A render row as the outside sees it: JSON2Video's status object (`GET /v2/movies?project=`), and
 * the data of `movie.done` / `movie.error` webhooks. Finished files are given as signed, expiring
 * links served by the bridge (storage/signed-urls.ts).
 */
import type { Config } from '../config';
import { signFileUrl } from '../storage/signed-urls';
import type { RenderExport, RenderRow } from './repository';

export interface MovieStatus {
  success: true;
  status: RenderRow['status'];
  message: string;
  /** A failed render's stable code (`asset_failed`, `timeout`, `cancelled`, `render_crashed`…); null otherwise. */
  code: string | null;
  project: string;
  /** The movie's own `id` from its JSON (webhooks send it as `id`, as JSON2Video does). */
  movie_id: string | null;
  url: string | null;
  poster: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  duration: number | null;
  size: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  format: string | null;
  rendering_time: number | null;
  progress: number;
  'client-data': Record<string, unknown>;
  /** Credits finally charged (cost minus refunds). */
  credits: number;
  template: string | null;
  batch: string | null;
  cached: boolean;
  /** Each export destination's outcome, in the order of `exports[].destinations[]`. */
  exports: RenderExport[];
}

export async function fileUrl(config: Pick<Config, 'publicUrl' | 'jwtSecret'>, key: string | null, urlLifetimeSeconds?: number): Promise<string | null> {
  if (!key) return null;
  return signFileUrl({ publicUrl: config.publicUrl, secret: config.jwtSecret, storageKey: key, lifetimeSeconds: urlLifetimeSeconds });
}

export async function movieStatus(config: Pick<Config, 'publicUrl' | 'jwtSecret'>, row: RenderRow, urlLifetimeSeconds?: number): Promise<MovieStatus> {
  const filesGone = row.files_deleted_at !== null;
  const movieId = (JSON.parse(row.movie) as { id?: unknown }).id;
  return {
    success: true,
    status: row.status,
    message: row.status === 'done' && filesGone ? 'The files of this render were removed (retention or deletion).' : row.message,
    // Renders that failed before the code was kept (migration 0010) say only that they failed.
    code: row.status === 'error' ? (row.error_code ?? 'render_failed') : null,
    project: row.project,
    movie_id: typeof movieId === 'string' ? movieId : null,
    url: filesGone ? null : await fileUrl(config, row.file_key, urlLifetimeSeconds),
    poster: filesGone ? null : await fileUrl(config, row.poster_key, urlLifetimeSeconds),
    created_at: row.created_at,
    started_at: row.started_at,
    ended_at: row.ended_at,
    duration: row.duration,
    size: row.size === null ? null : Number(row.size),
    width: row.width,
    height: row.height,
    fps: row.fps,
    format: row.format,
    rendering_time: row.rendering_time,
    progress: row.status === 'done' ? 100 : row.progress,
    'client-data': JSON.parse(row.client_data) as Record<string, unknown>,
    credits: Number(row.cost) - Number(row.refunded),
    template: row.template_id,
    batch: row.batch_id,
    cached: row.cached_from !== null,
    exports: row.exports ? (JSON.parse(row.exports) as RenderExport[]) : [],
  };
}
