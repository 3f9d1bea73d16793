/**
 * The contract between the bridge and renderers, through Bull 4 queues in Redis. Both sides import
 * these names and types; change them only together.
 *
 * - Queue `render` (prefix from the `prefix` option, the bridge's REELAY_QUEUE_PREFIX, default `reelay`):
 *   jobs carry `RenderJobData`, job id = project. Add them with `renderJobOptions(project)` so passing
 *   faults are retried with backoff. Any job name is processed.
 * - Queue `render-events`: the renderer adds one job per `RenderEvent` (running, progress, done, error).
 * - Redis pub/sub channel `${prefix}:cancel`: publish a project id to cancel its render (a running
 *   ffmpeg is killed; the job fails with message 'cancelled', not retried). Set `cancelledKey` first
 *   (with a TTL) so a worker that starts the job later, anywhere, refuses it too.
 * - `${prefix}:render-starts:<project>`: how many times the job started without ending (a worker
 *   that dies mid-render never ends it). At POISON_STARTS the job fails at once with code
 *   `render_crashed`, not retried.
 */
import type { JobOptions } from 'bull';

export const RENDER_QUEUE = 'render';
export const RENDER_EVENTS_QUEUE = 'render-events';
export const DEFAULT_QUEUE_PREFIX = 'reelay';

export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`;
}

/** Set (with a TTL) when a render is cancelled: a worker starting that job refuses it. */
export function cancelledKey(prefix: string, project: string): string {
  return `${prefix}:cancelled:${project}`;
}

/** Counts a job's starts that have not ended (cleared when the job ends, crashes aside). */
export function renderStartsKey(prefix: string, project: string): string {
  return `${prefix}:render-starts:${project}`;
}

/**
 * A job starting for this many times without any of its runs having ended (each start before it
 * killed its worker: a crash, an out-of-memory kill) fails at once with code `render_crashed`.
 */
export const POISON_STARTS = 3;

/** Bull's message when a job stalled (its worker vanished) more often than `maxStalledCount` allows. */
export const STALLED_LIMIT_MESSAGE = 'job stalled more than allowable limit';

/** The sentence a render given up on after crashing its renderer ends with. */
export function renderCrashedMessage(crashes: number): string {
  return `this movie stopped the renderer ${crashes} time${crashes === 1 ? '' : 's'} while it was being rendered, so it is not tried again (render_crashed)`;
}

export interface RenderJobData {
  project: string;
  /** The movie JSON as accepted by the bridge; validated again by the renderer. */
  movie: unknown;
  output: {
    /** Absolute directory on shared storage where the movie and its poster are written. */
    dir?: string;
    /**
     * Instead of `dir`, for storage the renderer does not share as a disk (a bucket): the storage
     * prefix the renderer uploads its files under (through the worker's `outputStorage`).
     */
    key?: string;
    /** File name without extension (`<name>.<format>`, poster `<name>.jpg`). @default the project id */
    name?: string;
    /**
     * Signed public URL the movie will have once written (the bridge names the file up front and signs
     * it before enqueueing), so destinations can send a link (email over its attachment limit).
     */
    url?: string;
  };
  /** Opaque sealed connections, opened by the registered connection opener. Never logged. */
  sealedConnections?: string;
  /**
   * `reelay://uploads/<id>` → absolute path of the upload on storage shared with the bridge, or a
   * presigned URL of it in the bucket. The only local files a renderer reads; refs missing here fail
   * the render (see job-context.ts).
   */
  assets?: Record<string, string>;
}

export interface RenderExportOutcome {
  type: string;
  id?: string;
  status: 'done' | 'error';
  message?: string;
}

export interface RenderJobResultInfo {
  /** Absolute path of the movie file. */
  file: string;
  /** Absolute path of the JPEG poster frame. */
  poster: string;
  /** Seconds. */
  duration: number;
  /** Bytes. */
  size: number;
  width: number;
  height: number;
  fps: number;
  /** Milliseconds from job start to finished file. */
  renderingTime: number;
  format: string;
  /** Outcomes of `exports[].destinations[]`, in order. A failed destination never fails the render. */
  exports?: RenderExportOutcome[];
}

export type RenderEventType = 'running' | 'progress' | 'done' | 'error';

/** A `render-events` message, and the Bull job's return value (the `done` event). */
export interface RenderEvent {
  project: string;
  type: RenderEventType;
  /** ISO 8601 time of the event. */
  at: string;
  /** 0..100 */
  progress?: number;
  result?: RenderJobResultInfo;
  /** For errors: names the scene/element and the cause. */
  message?: string;
  /** Stable error code (invalid_movie, asset_failed, asset_forbidden, cancelled, ffmpeg_failed…). */
  code?: string;
  /**
   * For errors: true when the queue will try this job again (a passing fault with attempts left);
   * false when this failure is final.
   */
  retryable?: boolean;
}

/** Job options the bridge should add render jobs with: id = project, retries with backoff. */
export function renderJobOptions(project: string, attempts = 3): JobOptions {
  return { jobId: project, attempts, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: 1000, removeOnFail: 1000 };
}
