/**
 * Nothing lost: the store is the truth, Redis a work list. At start and then periodically, every
 * render the store says is pending or running (and that has not moved for a while) is checked
 * against the `render` queue; one Redis no longer knows (FLUSHDB, a lost instance, a crash between
 * the insert and the enqueue) is enqueued again under the same job id. A job Redis shows as finished
 * while its row never heard of it (its event lost) is replaced and rendered again — charged once,
 * since credits move only at submission and on the final transition.
 */
import { nowIso } from '../ids';
import type { Services } from '../services';
import { forgetJob, jobPresence } from './queue';
import { unfinishedRenders, type RenderRow } from './repository';

/** A row untouched this long is checked (fresh ones are between insert and enqueue, or just started); shorter when the interval is. */
export const RECONCILE_GRACE_MS = 10_000;
/** A finished job whose event has not arrived after this long counts as lost. */
const FINISHED_WITHOUT_EVENT_MS = 120_000;

export async function reenqueueLostRenders(services: Services, now = Date.now()): Promise<string[]> {
  const { pipeline, db, config } = services;
  const grace = Math.min(RECONCILE_GRACE_MS, config.pipeline.reconcileIntervalMs);
  const olderThan = new Date(now - grace).toISOString();
  const requeued: string[] = [];
  for (let page = await unfinishedRenders(db, olderThan); page.length > 0; page = await unfinishedRenders(db, olderThan, 500, page[page.length - 1])) {
    for (const row of page) await reconcileOne(row);
  }
  async function reconcileOne(row: RenderRow): Promise<void> {
    const presence = await jobPresence(pipeline.queue, row.project);
    if (presence === 'queued') return;
    if (presence === 'finished') {
      if (Date.parse(row.updated_at) > now - FINISHED_WITHOUT_EVENT_MS) return;
      await forgetJob(pipeline.queue, row.project);
    }
    await db.updateTable('renders').set({ updated_at: nowIso() }).where('project', '=', row.project).execute();
    await pipeline.enqueue(row);
    requeued.push(row.project);
  }
  if (requeued.length) services.logger.warn({ projects: requeued }, 're-enqueued renders missing from Redis');
  return requeued;
}

/** Runs the sweep now and every `intervalMs` (default 30 s); returns a stop function. */
export function scheduleReconcile(services: Services, intervalMs = 30_000): () => void {
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await reenqueueLostRenders(services);
    } catch (err) {
      services.logger.error({ err }, 're-enqueue sweep failed');
    } finally {
      running = false;
    }
  };
  void tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
