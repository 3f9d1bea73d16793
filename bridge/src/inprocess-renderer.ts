/**
 * Hook for `reelay start`: runs a renderer worker inside the bridge process (one-process default).
 * The pipeline owner wires the renderer's worker here (renderer/src), consuming the same Bull queues
 * the bridge feeds; it must return a function that stops the worker (`await worker.close()`).
 * `reelay bridge` does not call this, so renderers can run elsewhere (`reelay renderer`).
 */
import type { Services } from './services';

export async function startInProcessRenderer(services: Services): Promise<() => Promise<void>> {
  services.logger.warn('no in-process renderer is wired yet (bridge/src/inprocess-renderer.ts)');
  return async () => undefined;
}
