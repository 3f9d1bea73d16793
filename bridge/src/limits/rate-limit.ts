/**
 * Token-bucket rate limiting in Redis: one atomic Lua script per check, using Redis' own clock so
 * every bridge instance shares one bucket per (key, endpoint class) without clock skew.
 * A bucket holds `burst` tokens and refills at `perMinute / 60` tokens per second.
 *
 * Headers (every authenticated response):
 *   X-RateLimit-Limit = burst, X-RateLimit-Remaining = whole tokens left,
 *   X-RateLimit-Reset = epoch seconds when the bucket is full again;
 *   RateLimit-Policy: "<class>";q=<burst>;w=<seconds to refill a full bucket>
 *   RateLimit: "<class>";r=<remaining>;t=<seconds until full>
 *   and on 429 an integer Retry-After (seconds until one token, rounded up).
 */
import type Redis from 'ioredis';
import type { RateLimitRule } from '../config';
import { unavailableWithoutRedis } from '../errors';
import { LUA_GENERATION, type Generations } from '../generations';
import { WriteCoalescer } from './write-coalescing';

const TOKEN_BUCKET = `
local cap = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1])
local ts = tonumber(b[2])
if tokens == nil or ts == nil then
  tokens = cap
  ts = now
end
if now > ts then
  tokens = math.min(cap, tokens + (now - ts) * rate)
  ts = now
end
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(ts))
redis.call('PEXPIRE', KEYS[1], math.ceil((cap - tokens) / rate) + 1000)
return { allowed, tostring(tokens), tostring(now) }
`;

/**
 * One round trip per authenticated request: the token bucket above, plus the key's usage counters
 * (KEYS[2] day hash, KEYS[3] recent addresses) and two generation counters (../generations.ts) that
 * tell this instance whether what it cached is still current: every key row (KEYS[4], keys/cache.ts)
 * and the key's account balance (KEYS[5], credits.ts).
 * ARGV: cap, rate per ms, cost, rate class, client address, usage TTL seconds, addresses kept.
 */
const ADMIT = LUA_GENERATION + TOKEN_BUCKET.replace(
  'return { allowed, tostring(tokens), tostring(now) }',
  `-- expiry and trimming only when something new appears: this runs on every request
if redis.call('HINCRBY', KEYS[2], ARGV[4], 1) == 1 then redis.call('EXPIRE', KEYS[2], tonumber(ARGV[6])) end
if redis.call('ZADD', KEYS[3], now, ARGV[5]) == 1 then
  redis.call('ZREMRANGEBYRANK', KEYS[3], 0, -(tonumber(ARGV[7]) + 1))
  redis.call('EXPIRE', KEYS[3], tonumber(ARGV[6]))
end
return { allowed, tostring(tokens), tostring(now), generation(KEYS[4]), generation(KEYS[5]) }`,
);


export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** seconds until the bucket is full again */
  resetSeconds: number;
  /** epoch seconds of resetSeconds */
  resetAt: number;
  /** integer seconds until a request of this cost would pass (0 when allowed) */
  retryAfter: number;
  policyName: string;
  windowSeconds: number;
}

type RedisWithBucket = Redis & {
  reelayTokenBucket(key: string, cap: number, ratePerMs: number, cost: number): Promise<[number, string, string]>;
  reelayAdmit(
    bucket: string,
    usageDay: string,
    usageIps: string,
    keysGeneration: string,
    creditsGeneration: string,
    cap: number,
    ratePerMs: number,
    cost: number,
    rateClass: string,
    ip: string,
    ttl: number,
    keep: number,
  ): Promise<[number, string, string, string, string]>;
};

export const USAGE_TTL_SECONDS = 35 * 86400;
export const USAGE_ADDRESSES_KEPT = 10;

/** An admission: the rate-limit decision, and the generations of what the instance may have cached. */
export interface Admitted extends RateDecision {
  keysGeneration: string;
  creditsGeneration: string;
}

export class RateLimiter {
  private readonly redis: RedisWithBucket;
  private readonly writes: WriteCoalescer;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly generations: Generations,
  ) {
    if (!(redis as unknown as Partial<RedisWithBucket>).reelayTokenBucket) {
      redis.defineCommand('reelayTokenBucket', { numberOfKeys: 1, lua: TOKEN_BUCKET });
      redis.defineCommand('reelayAdmit', { numberOfKeys: 5, lua: ADMIT });
    }
    this.redis = redis as unknown as RedisWithBucket;
    this.writes = new WriteCoalescer(redis);
  }

  /**
   * An authenticated request: takes a token from the key's bucket for this class, counts the
   * request in the key's usage, and reads the generations of key rows and of the account's
   * balance — one Redis round trip.
   */
  async admit(keyId: string, accountId: string, rateClass: string, rule: RateLimitRule, ip: string): Promise<Admitted> {
    const ratePerMs = rule.perMinute / 60000;
    const day = new Date().toISOString().slice(0, 10);
    const p = this.prefix;
    this.writes.beforeSend();
    const [allowed, tokensText, nowText, keysGeneration, creditsGeneration] = await unavailableWithoutRedis(this.redis.reelayAdmit(
      `${p}:rl:key:${keyId}:${rateClass}`,
      `${p}:usage:${keyId}:${day}`,
      `${p}:usage:${keyId}:ips`,
      this.generations.keysKey(),
      this.generations.creditsKey(accountId),
      rule.burst,
      ratePerMs,
      1,
      rateClass,
      ip,
      USAGE_TTL_SECONDS,
      USAGE_ADDRESSES_KEPT,
    ));
    return { ...this.decide(rule, rateClass, 1, allowed, tokensText, nowText), keysGeneration, creditsGeneration };
  }

  /** Takes `cost` tokens from bucket `name` (e.g. `key:<id>:read`) if it holds them. */
  async take(name: string, rule: RateLimitRule, policyName: string, cost = 1): Promise<RateDecision> {
    const ratePerMs = rule.perMinute / 60000;
    this.writes.beforeSend();
    const [allowed, tokensText, nowText] = await unavailableWithoutRedis(
      this.redis.reelayTokenBucket(`${this.prefix}:rl:${name}`, rule.burst, ratePerMs, cost),
    );
    return this.decide(rule, policyName, cost, allowed, tokensText, nowText);
  }

  private decide(rule: RateLimitRule, policyName: string, cost: number, allowed: number, tokensText: string, nowText: string): RateDecision {
    const ratePerMs = rule.perMinute / 60000;
    const tokens = Number(tokensText);
    const now = Number(nowText);
    const resetMs = (rule.burst - tokens) / ratePerMs;
    const resetSeconds = Math.ceil(resetMs / 1000);
    return {
      allowed: allowed === 1,
      limit: rule.burst,
      remaining: Math.max(0, Math.floor(tokens)),
      resetSeconds,
      resetAt: Math.ceil((now + resetMs) / 1000),
      retryAfter: allowed === 1 ? 0 : Math.max(1, Math.ceil((cost - tokens) / ratePerMs / 1000)),
      policyName,
      windowSeconds: Math.ceil(rule.burst / ratePerMs / 1000),
    };
  }
}

export function rateLimitHeaders(d: RateDecision): Record<string, string> {
  const h: Record<string, string> = {
    'X-RateLimit-Limit': String(d.limit),
    'X-RateLimit-Remaining': String(d.remaining),
    'X-RateLimit-Reset': String(d.resetAt),
    'RateLimit-Policy': `"${d.policyName}";q=${d.limit};w=${d.windowSeconds}`,
    RateLimit: `"${d.policyName}";r=${d.remaining};t=${d.resetSeconds}`,
  };
  if (!d.allowed) h['Retry-After'] = String(d.retryAfter);
  return h;
}
