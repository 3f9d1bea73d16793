/**
 * In-process cache of key rows by hash, kept honest across bridge instances by a generation counter
 * in Redis: every key mutation (create, change, revoke, roll, reset) bumps it BEFORE answering, and
 * every authenticated request reads it in the same Redis round trip as its rate-limit check. A
 * cached row is used only if the generation it was read under is still current, so revocation,
 * expiry and scope changes hold on the next request on every instance, with no pub/sub race.
 * Expiry needs no invalidation: it is compared with the clock on every request.
 */
import type Redis from 'ioredis';
import { keyGenerationKey } from '../limits/rate-limit';
import type { findKeyByHash } from './repository';

export type KeyRecord = NonNullable<Awaited<ReturnType<typeof findKeyByHash>>>;

const MAX_ENTRIES = 10_000;

export class KeyCache {
  private readonly entries = new Map<string, { record: KeyRecord; generation: string }>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  get(hash: string): { record: KeyRecord; generation: string } | undefined {
    return this.entries.get(hash);
  }

  set(hash: string, record: KeyRecord, generation: string): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(hash, { record, generation });
  }

  delete(hash: string): void {
    this.entries.delete(hash);
  }

  async generation(): Promise<string> {
    return (await this.redis.get(keyGenerationKey(this.prefix))) ?? '0';
  }

  /** Call after any change to a key row, before answering the request that made it. */
  async bump(): Promise<void> {
    await this.redis.incr(keyGenerationKey(this.prefix));
    this.entries.clear();
  }
}
