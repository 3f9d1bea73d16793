/**
 * The background work of a serving bridge: consume render events, re-enqueue renders Redis lost,
 * remove expired files. Any number of bridges may run them at once (each step is idempotent).
 */
import type { Services } from '../services';
import { consumeRenderEvents } from './events';
import { scheduleReconcile } from './reconcile';
import { scheduleRetention } from './retention';

export function startPipelineLoops(services: Services): () => Promise<void> {
  const stopEvents = consumeRenderEvents(services);
  const stopReconcile = scheduleReconcile(services, services.config.pipeline.reconcileIntervalMs);
  const stopRetention = scheduleRetention({
    db: services.db,
    storage: services.pipeline.storage,
    retentionDays: services.config.pipeline.retentionDays,
    uploadRetentionDays: services.config.pipeline.uploadRetentionDays,
    renderTimeoutSeconds: services.config.pipeline.renderTimeoutSeconds,
    logger: services.logger,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    stopReconcile();
    stopRetention();
    await stopEvents();
  };
  services.onClose(stop);
  return stop;
}
