/**
 * Consumes the renderer's `render-events` Bull queue and applies each event to its render row. The
 * queue is durable (an event waits in Redis while no bridge runs) and delivers at least once, so
 * every step is idempotent: transitions are guarded UPDATEs, refunds happen only on the call that
 * made the transition, and webhooks deduplicate per project and event.
 */
import Bull from 'bull';
import { closeProcessingQueue, skipWorkerName } from '@reelay/renderer/src/jobs/close-queue';
import { nowIso } from '../ids';
import type { Services } from '../services';
import { creditsFor } from '../movies/cost';
import { addRefund, getRenderById, markDone, markError, markRunning, type RenderExport, type RenderRow } from './repository';
import { notifyRenderEnded } from './notify';
import { renderCodeLabel } from '../metrics/registry';
import { RENDER_EVENTS_QUEUE, type RenderEvent } from './queue';

export async function applyRenderEvent(services: Services, event: RenderEvent): Promise<void> {
  const row = await getRenderById(services.db, event.project);
  if (!row) return; // the account was deleted, or another installation's event
  const at = event.at && !Number.isNaN(Date.parse(event.at)) ? new Date(event.at).toISOString() : nowIso();
  switch (event.type) {
    case 'running':
    case 'progress':
      await markRunning(services.db, row.project, at, event.progress);
      return;
    case 'done':
      return finishDone(services, row, event, at);
    case 'error':
      // A passing fault the queue will try again: the render is still under way.
      if (event.retryable === true) {
        await markRunning(services.db, row.project, at);
        return;
      }
      return finishError(services, row, event.message || 'The render failed', event.code ?? 'internal', at);
  }
}

async function finishDone(services: Services, row: RenderRow, event: RenderEvent, at: string): Promise<void> {
  const r = event.result;
  if (!r) return finishError(services, row, 'The renderer reported success without a result', 'internal', at);
  const { pipeline } = services;
  if (row.status === 'error' || row.status === 'done') {
    // Cancelled (or already done) while the renderer finished: keep nothing it wrote for a cancelled one.
    if (row.status === 'error' && row.file_key === null) await pipeline.storage.deletePrefix(pipeline.prefixOf(row));
    return;
  }
  const fileKey = pipeline.keyOfOutput(row, r.file);
  const changed = await markDone(services.db, row.project, {
    fileKey,
    posterKey: r.poster ? pipeline.keyOfOutput(row, r.poster) : null,
    format: r.format,
    duration: r.duration,
    size: r.size,
    width: r.width,
    height: r.height,
    fps: r.fps,
    // The renderer reports milliseconds; JSON2Video's rendering_time is seconds.
    renderingTime: Math.round(r.renderingTime) / 1000,
    endedAt: at,
    exports: exportsOf(r.exports),
    message: (r.exports ?? [])
      .filter((e) => e.status === 'error')
      .map((e) => `export to ${e.type}${e.id ? ` '${e.id}'` : ''} failed: ${e.message ?? 'unknown error'}`)
      .join('; '),
  });
  if (!changed) return;
  services.metrics.renders.inc({ status: 'done', code: 'none' });
  services.metrics.renderSeconds.observe(r.renderingTime / 1000);
  services.metrics.encodedVideoSeconds.inc(r.duration);
  // The price was estimated from the JSON; the real length is known now: refund any surplus.
  const actual = creditsFor(r.duration, { width: r.width, height: r.height });
  const surplus = Number(row.cost) - Number(row.refunded) - actual;
  if (surplus > 0) {
    await services.credits.refund(row.account_id, surplus);
    await addRefund(services.db, row.project, surplus);
  }
  await notifyRenderEnded(services, row.project);
}

/** The renderer's export outcomes, kept to the fields the status body shows. */
function exportsOf(list: unknown): RenderExport[] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e) => ({
      type: String(e.type ?? ''),
      ...(typeof e.id === 'string' ? { id: e.id } : {}),
      status: e.status === 'done' ? ('done' as const) : ('error' as const),
      ...(typeof e.message === 'string' && e.message ? { message: e.message } : {}),
    }));
}

async function finishError(services: Services, row: RenderRow, message: string, code: string, at: string): Promise<void> {
  if (!(await markError(services.db, row.project, message, at, code))) return;
  services.metrics.renders.inc({ status: 'error', code: renderCodeLabel(code) });
  await refundAll(services, row);
  await notifyRenderEnded(services, row.project);
}

/** Gives back whatever the render still holds (a failed or cancelled render costs nothing). */
export async function refundAll(services: Services, row: Pick<RenderRow, 'project' | 'account_id' | 'cost' | 'refunded'>): Promise<void> {
  const owed = Number(row.cost) - Number(row.refunded);
  if (owed <= 0) return;
  await services.credits.refund(row.account_id, owed);
  await addRefund(services.db, row.project, owed);
}

/** Starts consuming render events; returns a function that stops it. */
export function consumeRenderEvents(services: Services): () => Promise<void> {
  const queue = new Bull<RenderEvent>(RENDER_EVENTS_QUEUE, services.config.redisUrl, {
    prefix: services.config.queuePrefix,
    defaultJobOptions: { removeOnComplete: true, removeOnFail: 1000 },
  });
  // One at a time keeps a render's events in order (running → progress… → done) on this consumer.
  // The promise settles only when the queue closes, and Bull 4 rejects it (with no reason) when that
  // happens before its blocking client was up: nothing to report.
  skipWorkerName(queue);
  queue.process(1, async (job) => {
    // A busy or briefly unreachable store should not lose the event: try a few times before failing it.
    for (let attempt = 1; ; attempt++) {
      try {
        return await applyRenderEvent(services, job.data);
      } catch (err) {
        if (attempt >= 4) throw err;
        await new Promise((r) => setTimeout(r, 250 * 4 ** (attempt - 1)));
      }
    }
  }).catch(() => undefined);
  queue.on('error', (err) => services.logger.warn({ err }, 'render-events queue error'));
  queue.on('failed', (job, err) => services.logger.error({ err, project: job.data?.project }, 'render event not applied'));
  return () => closeProcessingQueue(queue);
}
