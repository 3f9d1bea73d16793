/** Store types of the render pipeline (tables created by migration 0002_renders). */
export type RenderStatus = 'pending' | 'running' | 'done' | 'error';

export interface RendersTable {
  /** 16-character base62 id, also the Bull job id. */
  project: string;
  account_id: string;
  /** The key that created it (kept so a render outlives its key's revocation). */
  key_id: string | null;
  status: RenderStatus;
  progress: number;
  message: string;
  /** JSON of the movie as the renderer receives it (variables resolved, uploads mapped). */
  movie: string;
  /** sha256 of the visual part of the movie: `cache: true` lookups. */
  fingerprint: string;
  template_id: string | null;
  batch_id: string | null;
  /** Row number within its batch (migration 0005). */
  batch_index: number | null;
  /** JSON object, echoed as `client-data`. */
  client_data: string;
  /** Sealed (encrypted) connection settings for the job, re-sent when re-enqueued; never clear text. */
  sealed_connections: string | null;
  cost: number;
  refunded: number;
  /** Project whose file this render reuses (`cache: true` hit). */
  cached_from: string | null;
  file_key: string | null;
  poster_key: string | null;
  format: string | null;
  duration: number | null;
  size: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  rendering_time: number | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  updated_at: string;
  /** Set when retention (or DELETE) removed the files. */
  files_deleted_at: string | null;
  /** JSON array of export destination outcomes (migration 0006); null until done or when none ran. */
  exports: string | null;
  /** A failed render's stable code from the renderer (`asset_failed`, `timeout`…; migration 0010). */
  error_code: string | null;
}

export interface RenderBatchesTable {
  id: string;
  account_id: string;
  template_id: string;
  count: number;
  cost: number;
  created_at: string;
}

export interface IdempotencyKeysTable {
  account_id: string;
  key: string;
  body_hash: string;
  /** A project id (POST /v2/movies) or a batch id (POST /v2/movies/batch). */
  result_id: string;
  created_at: string;
}

declare module '../store/schema' {
  interface Database {
    renders: RendersTable;
    render_batches: RenderBatchesTable;
    idempotency_keys: IdempotencyKeysTable;
  }
}
