/**
 * Renderer workers run by the `reelay` CLI: inside the bridge (`reelay start`) or alone
 * (`reelay renderer`, any number of them, on any machine that shares Redis and the storage:
 * the directory, or the bucket with REELAY_STORAGE=s3). They consume the Bull `render` queue and
 * write into the storage the bridge names.
 */
import { createRenderWorker, type RenderWorker } from '@reelay/renderer/src/worker/render-worker';
import { installConnections } from '@reelay/renderer/src/connections/install';
import { parseKeyRing, useKeyRing } from '@reelay/renderer/src/vault';
import type { Config } from '../config';
import { trustUploadOrigin } from '@reelay/renderer/src/assets/fetch';
import { createStorage } from '../storage';
import type { Logger } from '../logger';

export async function startRenderWorker(config: Config, logger: Logger): Promise<RenderWorker> {
  // Sealed connections are opened with the bridge's key ring; providers and destinations plug in here.
  useKeyRing(parseKeyRing(config.encryptionKey));
  installConnections({ allowPrivateHosts: config.allowPrivateUrls });
  const storage = createStorage(config);
  // The bucket's endpoint (often loopback or private when self-hosted) serves the presigned inputs.
  if (storage.trustedOrigin) trustUploadOrigin(storage.trustedOrigin);
  const worker = createRenderWorker({
    redis: config.redisUrl,
    prefix: config.queuePrefix,
    concurrency: config.pipeline.renderConcurrency,
    timeoutSeconds: config.pipeline.renderTimeoutSeconds,
    stallSeconds: config.pipeline.renderStallSeconds,
    memoryMb: config.pipeline.renderMemoryMb,
    segments: { maxScenes: config.pipeline.renderSegmentScenes },
    // Segments of one movie rendered by different renderers meet in the storage driver.
    intermediates: storage,
    outputStorage: storage,
    dataDir: config.dataDir,
    allowPrivateUrls: config.allowPrivateUrls,
    // The bridge's logger already names its service; a second `service` key would repeat it in every line.
    logger: logger.child({ component: 'renderer' }),
  });
  return {
    ...worker,
    async close() {
      await worker.close();
      storage.close?.();
    },
  };
}
