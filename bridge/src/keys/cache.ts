/**
 * In-process cache of key rows by hash, kept honest across bridge instances by a generation counter
 * in Redis: every key mutation (change, revoke, roll, reset) bumps it before and after writing, and
 * every authenticated request reads it in the same Redis round trip as its rate-limit check. A
 * cached row is used only if the generation it was read under is still current, so revocation,
 * expiry and scope changes hold on the next request on every instance, with no pub/sub race.
 * Expiry needs no invalidation: it is compared with the clock on every request.
 */
import type Redis from 'ioredis';
import { keyGenerationKey, unavailableWithoutRedis } from '../limits/rate-limit';
import type { Principal } from './principal';
import type { findKeyByHash } from './repository';

export type KeyRecord = NonNullable<Awaited<ReturnType<typeof findKeyByHash>>>;

/** A cached row, the generation it was read under, and the principal built from it on first use. */
export interface CachedKey {
  record: KeyRecord;
  generation: string;
  principal?: Principal;
}

const MAX_ENTRIES = 10_000;

export class KeyCache {
  private readonly entries = new Map<string, CachedKey>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get(hash: string): CachedKey | undefined {
    return this.entries.get(hash);
  }

  set(hash: string, record: KeyRecord, generation: string): CachedKey {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const entry = { record, generation };
    this.entries.set(hash, entry);
    return entry;
  }

  delete(hash: string): void {
    this.entries.delete(hash);
  }

  async generation(): Promise<string> {
    return (await unavailableWithoutRedis(this.redis.get(keyGenerationKey(this.prefix)))) ?? '0';
  }

  /** Bumps the generation (every instance re-reads its cached rows) and empties this instance's cache. */
  async bump(): Promise<void> {
    this.entries.clear();
    await unavailableWithoutRedis(this.redis.incr(keyGenerationKey(this.prefix)));
  }

  /**
   * Runs a change to key rows between two bumps: the first makes sure Redis answers before anything
   * changes (no change that other instances could miss), the second invalidates rows cached while
   * the change ran. Use it for every write to api_keys.
   */
  async change<T>(write: () => Promise<T>): Promise<T> {
    await this.bump();
    const result = await write();
    await this.bump();
    return result;
  }

  /** Forget everything (e.g. after Redis failed: a bump may have been missed meanwhile). */
  clear(): void {
    this.entries.clear();
  }
}
