/**
 * Generation counters in Redis: a value that changes whenever the rows it guards change, so every
 * bridge instance may serve a row it cached for as long as the counter still reads what it read
 * when it cached the row. Writers bump before and after writing (see `change`); readers get the
 * counter in the Redis round trip they make anyway (the rate limiter's admission script).
 *
 * A missing counter (a new Redis, or one restarted without persistence) starts from Redis' clock in
 * microseconds, never from 0: a counter restarted at 0 could climb back to a value some instance
 * cached a row under before the restart, and that instance would serve the stale row (a revoked key,
 * an old balance) as current.
 */
import type Redis from 'ioredis';
import { unavailableWithoutRedis } from './errors';

/** Lua: `generation(key)` reads a counter, creating it from the clock when missing. */
export const LUA_GENERATION = `
local function generation(key)
  local g = redis.call('GET', key)
  if not g then
    local t = redis.call('TIME')
    g = t[1] .. string.format('%06d', tonumber(t[2]))
    redis.call('SET', key, g)
  end
  return g
end
`;

type RedisWithGenerations = Redis & {
  reelayGeneration(key: string): Promise<string>;
  reelayBumpGeneration(key: string): Promise<number>;
};

export class Generations {
  private readonly redis: RedisWithGenerations;

  constructor(
    redis: Redis,
    private readonly prefix: string,
  ) {
    if (!(redis as unknown as Partial<RedisWithGenerations>).reelayGeneration) {
      redis.defineCommand('reelayGeneration', { numberOfKeys: 1, lua: `${LUA_GENERATION}\nreturn generation(KEYS[1])` });
      redis.defineCommand('reelayBumpGeneration', { numberOfKeys: 1, lua: `${LUA_GENERATION}\ngeneration(KEYS[1])\nreturn redis.call('INCR', KEYS[1])` });
    }
    this.redis = redis as unknown as RedisWithGenerations;
  }

  /** The counter guarding every API key row (one for all: key changes are rare). */
  keysKey(): string {
    return `${this.prefix}:keys:gen`;
  }

  /** The counter guarding one account's credit balance (one per account: debits are frequent). */
  creditsKey(accountId: string): string {
    return `${this.prefix}:credits:gen:${accountId}`;
  }

  current(key: string): Promise<string> {
    return unavailableWithoutRedis(this.redis.reelayGeneration(key));
  }

  async bump(key: string): Promise<void> {
    await unavailableWithoutRedis(this.redis.reelayBumpGeneration(key));
  }

  /**
   * Runs a write between two bumps: the first makes sure Redis answers before anything changes (no
   * change other instances could miss), the second invalidates what was cached while it ran.
   */
  async change<T>(key: string, write: () => Promise<T>): Promise<T> {
    await this.bump(key);
    const result = await write();
    await this.bump(key);
    return result;
  }
}
