/**
 * The render pipeline's services: storage, the `render` queue, and the operations routes need
 * (enqueue, cancel, where a render's files go). Registered as a Feature, so every bridge process
 * has them; the background loops (event consumer, re-enqueue sweep, retention) are started only by
 * the processes that serve (`startPipelineLoops`, called by `reelay start` / `reelay bridge`).
 */
import path from 'node:path';
import type Bull from 'bull';
import type { Feature, Services } from '../services';
import { uploadPaths } from '../movies/assets';
import { createStorage, type Storage } from '../storage';
import { signFileUrl } from '../storage/signed-urls';
import { cancelRender, enqueueRender, openRenderQueue, type RenderJobData } from './queue';
import type { RenderRow } from './repository';
import { renderPrefix } from './retention';

export interface Pipeline {
  storage: Storage & { close?(): void };
  queue: Bull.Queue<RenderJobData>;
  /** Storage prefix of a render's files. */
  prefixOf(row: Pick<RenderRow, 'account_id' | 'project'>): string;
  /** Puts the render on the queue (idempotent while its job exists). */
  enqueue(row: RenderRow): Promise<void>;
  /** Removes a waiting job and tells a running worker to stop. */
  cancel(project: string): Promise<void>;
  /** Storage key for a file the renderer wrote into the render's output directory. */
  keyOfOutput(row: Pick<RenderRow, 'account_id' | 'project'>, file: string): string;
}

declare module '../services' {
  interface FeatureServices {
    pipeline: Pipeline;
  }
}

export function createPipeline(services: Services): Pipeline {
  const { config } = services;
  const storage = createStorage(config);
  const queue = openRenderQueue(config.redisUrl, config.queuePrefix);
  const prefixOf = (row: Pick<RenderRow, 'account_id' | 'project'>) => renderPrefix(row.account_id, row.project);
  // A shared disk: the renderer writes into the render's directory; a bucket: it uploads under the prefix.
  const outputDir = (row: Pick<RenderRow, 'account_id' | 'project'>) => storage.localPath(prefixOf(row));
  return {
    storage,
    queue,
    prefixOf,
    async enqueue(row) {
      // The file is named here, so its signed link exists before the render (email sends it).
      const format = (JSON.parse(row.movie) as { format?: unknown }).format;
      const name = row.project;
      const storageKey = `${prefixOf(row)}/${name}.${typeof format === 'string' ? format : 'mp4'}`;
      const url = await signFileUrl({ publicUrl: config.publicUrl, secret: config.jwtSecret, storageKey });
      const dir = outputDir(row);
      const output = dir ? { dir, name, url } : { key: prefixOf(row), name, url };
      await enqueueRender(queue, row, output, await uploadPaths(services, row.account_id, row.movie === '' ? {} : JSON.parse(row.movie)));
    },
    cancel: (project) => cancelRender(queue, services.redis, config.queuePrefix, project),
    keyOfOutput(row, file) {
      // A renderer uploading to a bucket reports paths of its own temp directory: the name is what counts.
      const dir = outputDir(row) ?? path.dirname(file);
      const rel = path.isAbsolute(file) ? path.relative(dir, file) : file;
      const clean = rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(file) : rel;
      return `${prefixOf(row)}/${clean.split(path.sep).join('/')}`;
    },
  };
}

export const pipelineFeature: Feature = {
  name: 'pipeline',
  init(services) {
    services.pipeline = createPipeline(services);
    // Bull rejects "Connection is closed" when closed while its client still connects: wait for it.
    services.onClose(async () => {
      const { queue } = services.pipeline;
      await queue.isReady().catch(() => undefined);
      await queue.close();
      services.pipeline.storage.close?.();
    });
  },
};
