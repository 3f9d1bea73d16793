/**
 * Per-key usage in Redis: requests per UTC day and endpoint class, and the last client addresses,
 * so a leaked key's unusual use shows up (GET /v2/keys/:id/usage). Kept 35 days.
 */
import type { RateClass } from '../config';
import type { Services } from '../services';

const KEEP_DAYS = 35;
const KEEP_ADDRESSES = 10;

export async function recordUsage(services: Services, keyId: string, rateClass: RateClass, ip: string): Promise<void> {
  const day = new Date().toISOString().slice(0, 10);
  const dayKey = services.redisKey('usage', keyId, day);
  const ipKey = services.redisKey('usage', keyId, 'ips');
  await services.redis
    .pipeline()
    .hincrby(dayKey, rateClass, 1)
    .expire(dayKey, KEEP_DAYS * 86400)
    .zadd(ipKey, Date.now(), ip)
    .zremrangebyrank(ipKey, 0, -(KEEP_ADDRESSES + 1))
    .expire(ipKey, KEEP_DAYS * 86400)
    .exec();
}

export interface KeyUsage {
  days: Array<{ date: string; total: number; byClass: Record<string, number> }>;
  lastClientAddresses: Array<{ address: string; lastSeenAt: string }>;
}

export async function readUsage(services: Services, keyId: string, days: number): Promise<KeyUsage> {
  const dates: string[] = [];
  for (let i = 0; i < days; i++) dates.push(new Date(Date.now() - i * 86400_000).toISOString().slice(0, 10));
  const pipe = services.redis.pipeline();
  for (const d of dates) pipe.hgetall(services.redisKey('usage', keyId, d));
  pipe.zrevrange(services.redisKey('usage', keyId, 'ips'), 0, -1, 'WITHSCORES');
  const results = (await pipe.exec()) ?? [];
  const out: KeyUsage = { days: [], lastClientAddresses: [] };
  dates.forEach((date, i) => {
    const h = (results[i]?.[1] ?? {}) as Record<string, string>;
    const byClass = Object.fromEntries(Object.entries(h).map(([k, v]) => [k, Number(v)]));
    const total = Object.values(byClass).reduce((a, b) => a + b, 0);
    if (total > 0) out.days.push({ date, total, byClass });
  });
  const ips = (results[dates.length]?.[1] ?? []) as string[];
  for (let i = 0; i < ips.length; i += 2) out.lastClientAddresses.push({ address: ips[i], lastSeenAt: new Date(Number(ips[i + 1])).toISOString() });
  return out;
}
