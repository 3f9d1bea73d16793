/**
 * Renderer workers run by the `reelay` CLI: inside the bridge (`reelay start`) or alone
 * (`reelay renderer`, any number of them, on any machine that shares Redis and the storage
 * directory). They consume the Bull `render` queue and write into the storage the bridge names.
 */
import { createRenderWorker, type RenderWorker } from '@reelay/renderer/src/worker/render-worker';
import { installConnections } from '@reelay/renderer/src/connections/install';
import { parseKeyRing, useKeyRing } from '@reelay/renderer/src/vault';
import type { Config } from '../config';
import { LocalStorage } from '../storage';
import type { Logger } from '../logger';

export async function startRenderWorker(config: Config, logger: Logger): Promise<RenderWorker> {
  // Sealed connections are opened with the bridge's key ring; providers and destinations plug in here.
  useKeyRing(parseKeyRing(config.encryptionKey));
  installConnections({ allowPrivateHosts: config.allowPrivateUrls });
  return createRenderWorker({
    redis: config.redisUrl,
    prefix: config.queuePrefix,
    concurrency: config.pipeline.renderConcurrency,
    timeoutSeconds: config.pipeline.renderTimeoutSeconds,
    stallSeconds: config.pipeline.renderStallSeconds,
    memoryMb: config.pipeline.renderMemoryMb,
    segments: { maxScenes: config.pipeline.renderSegmentScenes },
    // Segments of one movie rendered by different renderers meet in the storage driver.
    intermediates: new LocalStorage(config.pipeline.storageDir),
    dataDir: config.dataDir,
    allowPrivateUrls: config.allowPrivateUrls,
    // The bridge's logger already names its service; a second `service` key would repeat it in every line.
    logger: logger.child({ component: 'renderer' }),
  });
}
