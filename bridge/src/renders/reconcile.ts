/**
 * Nothing lost: the store is the truth, Redis a work list. At start and then periodically, every
 * render the store says is pending or running (and that has not moved for a while) is checked
 * against the `render` queue; one Redis no longer knows (FLUSHDB, a lost instance, a crash between
 * the insert and the enqueue) is enqueued again under the same job id. A job Redis shows as finished
 * while its row never heard of it (its event lost) is settled from what Redis kept: a completed job's
 * result (the `done` event) is applied; a failed job becomes an error (with its reason) — never a
 * new render: the renderer gave it up (invalid, timed out, it crashed the renderer again and again),
 * and rendering it again would repeat that for ever. Only a completed job without a usable result
 * is replaced and rendered again — charged once, since credits move only at submission and on the
 * final transition.
 */
import { POISON_STARTS, renderCrashedMessage, renderStartsKey, STALLED_LIMIT_MESSAGE } from '@reelay/renderer/src/jobs/contract';
import { nowIso } from '../ids';
import type { Services } from '../services';
import { applyRenderEvent } from './events';
import { finishedJob, forgetJob, jobPresence } from './queue';
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
  const settled: string[] = [];
  for (let page = await unfinishedRenders(db, olderThan); page.length > 0; page = await unfinishedRenders(db, olderThan, 500, page[page.length - 1])) {
    for (const row of page) await reconcileOne(row);
  }
  /** The error a failed job stands for. Bull's own "stalled" failure means its workers kept dying. */
  async function failure(reason: string, project: string): Promise<{ code: string; message: string }> {
    if (reason !== STALLED_LIMIT_MESSAGE) return { code: 'render_failed', message: reason || 'The render failed' };
    const starts = Number(await services.redis.get(renderStartsKey(config.queuePrefix, project)).catch(() => null)) || POISON_STARTS;
    return { code: 'render_crashed', message: renderCrashedMessage(starts) };
  }
  async function reconcileOne(row: RenderRow): Promise<void> {
    const presence = await jobPresence(pipeline.queue, row.project);
    if (presence === 'queued') return;
    if (presence === 'finished') {
      if (Date.parse(row.updated_at) > now - FINISHED_WITHOUT_EVENT_MS) return;
      const ended = await finishedJob(pipeline.queue, row.project);
      if (ended?.state === 'failed') {
        await applyRenderEvent(services, { project: row.project, type: 'error', at: nowIso(), retryable: false, ...(await failure(ended.reason, row.project)) });
        settled.push(row.project);
        return;
      }
      if (ended?.state === 'completed' && ended.result) {
        await applyRenderEvent(services, ended.result);
        settled.push(row.project);
        return;
      }
      await forgetJob(pipeline.queue, row.project);
    }
    await db.updateTable('renders').set({ updated_at: nowIso() }).where('project', '=', row.project).execute();
    await pipeline.enqueue(row);
    requeued.push(row.project);
  }
  if (requeued.length) services.logger.warn({ projects: requeued }, 're-enqueued renders missing from Redis');
  if (settled.length) services.logger.warn({ projects: settled }, 'settled renders whose final event was lost');
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
