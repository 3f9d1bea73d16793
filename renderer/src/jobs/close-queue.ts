/**
 * Closing a Bull 4 queue that processes jobs, right after it started if need be. `process()` opens
 * the blocking and event connections lazily once the queue is ready, and `close()` does not wait for
 * that: closed too early, the late connection stays open (a CLI or test process never exits). So
 * the connections are created now (Bull's getters cache them) and awaited, then closed with the rest.
 * Used by the renderer worker and the bridge's render-events consumer, with skipWorkerName.
 */
import type { Queue } from 'bull';
import type Redis from 'ioredis';

/** Redis unreachable: do not hold the shutdown longer than this. */
const READY_WAIT_MS = 3000;

function settled(client: Redis): Promise<void> | undefined {
  if (client.status === 'ready' || client.status === 'end') return undefined;
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, READY_WAIT_MS);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', done);
    client.once('end', done);
  });
}

/**
 * Call before `process()`. Bull names its blocking connection (CLIENT SETNAME, only for
 * `getWorkers()`, which Reelay does not use) from a promise nobody awaits; queued behind the
 * blocking pop, it rejects unhandled ("Connection is closed") when the queue closes.
 */
export function skipWorkerName(queue: Queue): void {
  (queue as unknown as { setWorkerName: () => Promise<void> }).setWorkerName = async () => undefined;
}

export async function closeProcessingQueue(queue: Queue): Promise<void> {
  const lazy = queue as unknown as { eclient: Redis; bclient: Redis };
  await Promise.race([queue.isReady().catch(() => undefined), new Promise((r) => setTimeout(r, READY_WAIT_MS).unref())]);
  await Promise.all([settled(lazy.eclient), settled(lazy.bclient)]);
  await queue.close();
}
