/**
 * Retention: the files of renders that ended more than REELAY_RETENTION_DAYS ago are removed from
 * storage (JSON2Video keeps 7 days, our default too); the row stays, with `files_deleted_at`, so
 * its status and billing history remain readable. Uploads unused for REELAY_UPLOAD_RETENTION_DAYS
 * go too (uploads/retention.ts). The same sweep drops expired idempotency claims, and the segments of
 * long movies that were never joined (their movie's renderer died for good before the join removed them).
 */
import type { Logger } from 'pino';
import type { Db } from '../store/db';
import type { Storage } from '../storage';
import { nowIso } from '../ids';
import { purgeIdempotencyKeys } from '../movies/idempotency';
import { sweepExpiredUploads } from '../uploads/retention';
import { SEGMENTS_ROOT } from '@reelay/renderer/src/segments/queue';
import { POISON_STARTS } from '@reelay/renderer/src/jobs/contract';
import './table';

export const DEFAULT_RETENTION_DAYS = 7;

export function renderPrefix(accountId: string, project: string): string {
  return `renders/${accountId}/${project}`;
}

export async function sweepExpiredRenders(opts: { db: Db; storage: Storage; retentionDays: number; now?: number }): Promise<number> {
  const cutoff = new Date((opts.now ?? Date.now()) - opts.retentionDays * 24 * 3600 * 1000).toISOString();
  let removed = 0;
  for (;;) {
    const rows = await opts.db
      .selectFrom('renders')
      .select(['project', 'account_id'])
      .where('status', 'in', ['done', 'error'])
      .where('files_deleted_at', 'is', null)
      .where('ended_at', '<', cutoff)
      .limit(200)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      await opts.storage.deletePrefix(renderPrefix(row.account_id, row.project));
      await opts.db.updateTable('renders').set({ files_deleted_at: nowIso() }).where('project', '=', row.project).execute();
      removed++;
    }
  }
  await purgeIdempotencyKeys(opts.db, opts.now);
  return removed;
}

/**
 * How long a movie's segments may wait for their join: a restarted movie keeps the segments it has,
 * and it may start POISON_STARTS times, each within the render timeout; a day at least.
 */
export function segmentsLifetimeMs(renderTimeoutSeconds: number): number {
  return Math.max(24 * 3600_000, (POISON_STARTS + 1) * renderTimeoutSeconds * 1000);
}

/** Removes the segments of movies none of whose segments was written for `olderThanMs`; returns how many movies'. */
export async function sweepAbandonedSegments(opts: { storage: Storage; olderThanMs: number; now?: number }): Promise<number> {
  const newest = new Map<string, number>();
  for (const object of await opts.storage.list(SEGMENTS_ROOT)) {
    const movie = object.key.split('/').slice(0, 2).join('/');
    newest.set(movie, Math.max(newest.get(movie) ?? 0, object.modifiedAt.getTime()));
  }
  let removed = 0;
  for (const [movie, written] of newest) {
    if ((opts.now ?? Date.now()) - written <= opts.olderThanMs) continue;
    await opts.storage.deletePrefix(movie);
    removed++;
  }
  return removed;
}

/** Runs the sweep now and then every `intervalMs` (default hourly); returns a stop function. */
export function scheduleRetention(opts: { db: Db; storage: Storage; retentionDays: number; uploadRetentionDays: number; renderTimeoutSeconds: number; logger: Logger; intervalMs?: number }): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      const removed = await sweepExpiredRenders(opts);
      if (removed) opts.logger.info({ removed }, 'retention: removed files of expired renders');
      const uploads = await sweepExpiredUploads({ db: opts.db, storage: opts.storage, retentionDays: opts.uploadRetentionDays });
      if (uploads) opts.logger.info({ removed: uploads }, 'retention: removed unused uploads');
      const segments = await sweepAbandonedSegments({ storage: opts.storage, olderThanMs: segmentsLifetimeMs(opts.renderTimeoutSeconds) });
      if (segments) opts.logger.warn({ movies: segments }, 'retention: removed segments of movies never joined');
    } catch (err) {
      opts.logger.error({ err }, 'retention sweep failed');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(tick, opts.intervalMs ?? 3600_000);
  timer.unref();
  return () => clearInterval(timer);
}
