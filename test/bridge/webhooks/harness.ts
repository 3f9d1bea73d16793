/**
 * The delivery engine on its own: a fresh SQLite store with every migration, a Bull queue under a
 * random prefix on the real Redis, and a short retry schedule. Used by the engine tests, which need no
 * HTTP API; the API tests go through the bridge's own test helpers.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import IORedis from 'ioredis';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { KeyRing } from '../../../renderer/src/vault';
import { migrateToLatest, openDb } from '../../../bridge/src/store/db';
import { DeliveryQueue, type DeliveryQueueOptions } from '../../../bridge/src/webhooks/delivery-queue';
import type { WebhookTables } from '../../../bridge/src/webhooks/store';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface EngineHarness {
  db: Kysely<WebhookTables>;
  deliveries: DeliveryQueue;
  cipher: KeyRing;
  prefix: string;
  audits: unknown[];
  /** A second engine on the same store and Redis (a restarted or second bridge). */
  restart(overrides?: Partial<DeliveryQueueOptions>): Promise<DeliveryQueue>;
  close(): Promise<void>;
}

export async function startEngine(overrides: Partial<DeliveryQueueOptions> = {}): Promise<EngineHarness> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-webhooks-'));
  const database = { kind: 'sqlite' as const, file: path.join(dir, 'store.db') };
  const store = openDb(database);
  await migrateToLatest(store, database);
  const db = store as unknown as Kysely<WebhookTables>;
  const cipher = new KeyRing([{ kid: 'k1', key: randomBytes(32) }]);
  const prefix = `reelay-test-${randomBytes(6).toString('hex')}`;
  const audits: unknown[] = [];
  const engines: DeliveryQueue[] = [];
  const make = async (more: Partial<DeliveryQueueOptions> = {}) => {
    const engine = new DeliveryQueue({
      db,
      redisUrl: REDIS_URL,
      queuePrefix: prefix,
      retrySchedule: [0.2, 0.2, 0.2, 0.2, 0.2],
      // Loopback receivers: the SSRF policy is exercised in its own test.
      agents: { httpAgent: new http.Agent(), httpsAgent: new https.Agent() },
      cipher,
      logger: pino({ level: 'silent' }),
      audit: async (entry) => void audits.push(entry),
      sweepIntervalMs: 500,
      ...overrides,
      ...more,
    });
    engines.push(engine);
    await engine.start();
    return engine;
  };
  const deliveries = await make();
  return {
    db,
    deliveries,
    cipher,
    prefix,
    audits,
    restart: make,
    async close() {
      for (const engine of engines) await engine.close().catch(() => undefined);
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
      await deleteRedisPrefix(prefix);
    },
  };
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = new IORedis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

export function movieData(project: string, overrides: Record<string, unknown> = {}) {
  return {
    project,
    id: `movie-${project}`,
    status: 'done' as const,
    url: `http://127.0.0.1:8080/files/${project}.mp4`,
    duration: 5,
    size: 12345,
    width: 640,
    height: 360,
    rendering_time: 2,
    message: '',
    'client-data': { order: project },
    ...overrides,
  };
}

export async function waitUntil<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
