/**
 * Per-key usage in Redis: requests per UTC day and endpoint class, and the last client addresses,
 * so a leaked key's unusual use shows up (GET /v2/keys/:id/usage). Written by the rate limiter's
 * admission script (limits/rate-limit.ts) in the same round trip; kept 35 days.
 */
import type { Services } from '../services';

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
