/**
 * What the bridge tells a renderer about one job beyond the movie, scoped to that job's async work
 * (AsyncLocalStorage), so concurrent renders in one process never see each other's values.
 * - `publicUrl`: the signed link the movie will have (job data `output.url`); destinations send it.
 * - `assets`: `reelay://uploads/<id>` → absolute path on shared storage (job data `assets`). The
 *   renderer reads local files ONLY through this map, never from paths in the movie JSON.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface JobContext {
  publicUrl?: string;
  assets?: Record<string, string>;
}

const storage = new AsyncLocalStorage<JobContext>();

export function runInJobContext<T>(context: JobContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(context, fn);
}

export function currentJobContext(): JobContext | undefined {
  return storage.getStore();
}
