/**
 * The bridge's side of the Bull `render` queue: enqueue a render (job id = project id, so a second
 * add of the same project is a no-op while the first job exists), cancel one (remove it when still
 * waiting, and publish its id on `${prefix}:cancel` so the worker running it kills ffmpeg), and tell
 * whether Redis still knows a render (the re-enqueue sweep).
 */
import Bull from 'bull';
import type Redis from 'ioredis';
import {
  RENDER_EVENTS_QUEUE,
  RENDER_QUEUE,
  cancelChannel,
  cancelledKey,
  renderJobOptions,
  type RenderEvent,
  type RenderJobData,
} from '@reelay/renderer/src/jobs/contract';
import type { RenderRow } from './repository';

export { RENDER_QUEUE, RENDER_EVENTS_QUEUE, cancelChannel, type RenderJobData, type RenderEvent };

/**
 * Finished jobs stay in Redis for an hour: long enough that the re-enqueue sweep can tell "finished,
 * its event not consumed yet" from "lost" (a missing job), short enough to keep Redis small.
 */
const KEEP_FINISHED = { age: 3600, count: 10000 };

export function openRenderQueue(redisUrl: string, prefix: string): Bull.Queue<RenderJobData> {
  return new Bull<RenderJobData>(RENDER_QUEUE, redisUrl, {
    prefix,
    defaultJobOptions: { removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED },
  });
}

export async function enqueueRender(
  queue: Bull.Queue<RenderJobData>,
  row: Pick<RenderRow, 'project' | 'movie' | 'sealed_connections'>,
  output: RenderJobData['output'],
  assets: Record<string, string> = {},
): Promise<void> {
  await queue.add(
    {
      project: row.project,
      movie: JSON.parse(row.movie),
      output,
      ...(row.sealed_connections ? { sealedConnections: row.sealed_connections } : {}),
      ...(Object.keys(assets).length > 0 ? { assets } : {}),
    },
    // The renderer's retry policy (passing faults retried with backoff), our retention of finished jobs.
    { ...renderJobOptions(row.project), removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED },
  );
}

/** A cancelled project is refused by any worker that starts its job within this long. */
const CANCELLED_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Removes a job that has not started and asks any worker running it to stop. The mark in Redis is
 * set first: a worker that takes the job between the removal and the message (or a retry of it,
 * on any machine) refuses it instead of rendering a movie nobody wants.
 */
export async function cancelRender(queue: Bull.Queue<RenderJobData>, publisher: Redis, prefix: string, project: string): Promise<void> {
  await publisher.set(cancelledKey(prefix, project), '1', 'EX', CANCELLED_TTL_SECONDS);
  const job = await queue.getJob(project);
  if (job) {
    const state = await job.getState();
    if (state === 'waiting' || state === 'delayed' || state === 'paused') await job.remove().catch(() => undefined);
  }
  await publisher.publish(cancelChannel(prefix), project);
}

export type JobPresence = 'queued' | 'finished' | 'missing';

export async function jobPresence(queue: Bull.Queue<RenderJobData>, project: string): Promise<JobPresence> {
  const job = await queue.getJob(project);
  if (!job) return 'missing';
  const state = await job.getState();
  return state === 'completed' || state === 'failed' ? 'finished' : 'queued';
}

export type FinishedJob =
  | { state: 'completed'; result: RenderEvent | undefined }
  | { state: 'failed'; reason: string };

/** How a job Redis shows as finished ended: its return value (the `done` event) or its failure reason. */
export async function finishedJob(queue: Bull.Queue<RenderJobData>, project: string): Promise<FinishedJob | undefined> {
  const job = await queue.getJob(project);
  if (!job) return undefined;
  const state = await job.getState();
  if (state === 'completed') {
    const r = job.returnvalue as RenderEvent | undefined;
    return { state, result: r && typeof r === 'object' && r.type === 'done' && r.project === project ? r : undefined };
  }
  if (state === 'failed') return { state, reason: job.failedReason ?? '' };
  return undefined;
}

/** Drops whatever Redis holds for the project so it can be enqueued again under the same id. */
export async function forgetJob(queue: Bull.Queue<RenderJobData>, project: string): Promise<void> {
  const job = await queue.getJob(project);
  if (job) await job.remove().catch(() => undefined);
}
