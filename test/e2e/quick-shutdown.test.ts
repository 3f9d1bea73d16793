/**
 * Closing the full service set (every feature, the pipeline loops and an in-process render worker)
 * right after creating it: Bull queues still connecting must neither reject unhandled nor keep
 * sockets open. CLIs and tests rely on this (no pause before close).
 */
import os from 'node:os';
import Redis from 'ioredis';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadConfig } from '../../bridge/src/config';
import { startInProcessRenderer } from '../../bridge/src/inprocess-renderer';
import { startPipelineLoops } from '../../bridge/src/renders/loops';
import { createServices } from '../../bridge/src/services';
import { randomBase62 } from '../../bridge/src/ids';
import { REDIS_URL } from './harness';

jest.setTimeout(60_000);

test('services, loops and a render worker closed at once leave no unhandled rejection', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-shutdown-'));
  const prefix = `reelay-test-${randomBase62(10).toLowerCase()}`;
  const failures: unknown[] = [];
  const onFailure = (reason: unknown) => failures.push(reason ?? 'rejected without a reason');
  process.on('unhandledRejection', onFailure);
  const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
  const socketsBefore = sockets();
  try {
    const config = loadConfig({ ...process.env, REELAY_DATA_DIR: dir, REDIS_URL, REELAY_QUEUE_PREFIX: prefix, REELAY_LOG_LEVEL: 'silent' });
    for (let i = 0; i < 5; i++) {
      const services = await createServices(config);
      startPipelineLoops(services);
      const stopRenderer = await startInProcessRenderer(services);
      await stopRenderer();
      await services.close();
    }
    // Late rejections surface on a following tick.
    await new Promise((r) => setTimeout(r, 300));
    expect(failures).toEqual([]);
    // No Redis socket outlives its close (a late lazy Bull connection would keep a process alive).
    expect(sockets()).toBe(socketsBefore);
  } finally {
    process.off('unhandledRejection', onFailure);
    rmSync(dir, { recursive: true, force: true });
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
});
