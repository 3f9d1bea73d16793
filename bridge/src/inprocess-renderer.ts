/**
 * Hook for `reelay start`: runs a renderer worker inside the bridge process (one-process default),
 * consuming the same Bull queues the bridge feeds. `reelay bridge` does not call this, so renderers
 * can run elsewhere (`reelay renderer`).
 */
import { startRenderWorker } from './renders/worker';
import type { Services } from './services';

export async function startInProcessRenderer(services: Services): Promise<() => Promise<void>> {
  const worker = await startRenderWorker(services.config, services.logger);
  return () => worker.close();
}
