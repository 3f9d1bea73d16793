/**
 * Queue depth and age, read from Redis when Prometheus scrapes (a gauge per scrape, no polling):
 * Bull 4 keeps `<prefix>:<queue>:wait|active|delayed|failed` and each job's hash with its `timestamp`.
 */
import type Redis from 'ioredis';
import { Gauge, type Registry } from 'prom-client';
import { RENDER_EVENTS_QUEUE, RENDER_QUEUE } from '@reelay/renderer/src/jobs/contract';
import { WEBHOOKS_QUEUE } from '../webhooks/delivery-queue';

export const WATCHED_QUEUES = [RENDER_QUEUE, RENDER_EVENTS_QUEUE, WEBHOOKS_QUEUE] as const;

export function registerQueueGauges(registry: Registry, redis: Redis, prefix: string): void {
  const key = (queue: string, part: string) => `${prefix}:${queue}:${part}`;
  new Gauge({
    name: 'reelay_queue_jobs',
    help: 'Jobs in each Bull queue by state (waiting, active, delayed, failed)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      const pipeline = redis.pipeline();
      for (const q of WATCHED_QUEUES) {
        pipeline.llen(key(q, 'wait')).llen(key(q, 'active')).zcard(key(q, 'delayed')).zcard(key(q, 'failed'));
      }
      const answers = (await pipeline.exec()) ?? [];
      WATCHED_QUEUES.forEach((queue, i) => {
        (['waiting', 'active', 'delayed', 'failed'] as const).forEach((state, j) => {
          const [err, n] = answers[i * 4 + j] ?? [];
          if (!err) this.set({ queue, state }, Number(n));
        });
      });
    },
  });
  new Gauge({
    name: 'reelay_queue_oldest_waiting_age_seconds',
    help: 'Age of the job next in line in each queue (0 when none waits): a growing value means renderers or consumers fall behind',
    labelNames: ['queue'],
    registers: [registry],
    async collect() {
      for (const queue of WATCHED_QUEUES) {
        // Bull pushes new jobs on the left and takes from the right: the right end waited longest.
        const id = await redis.lindex(key(queue, 'wait'), -1);
        const at = id ? Number(await redis.hget(key(queue, id), 'timestamp')) : NaN;
        this.set({ queue }, Number.isFinite(at) && at > 0 ? Math.max(0, (Date.now() - at) / 1000) : 0);
      }
    },
  });
}
