/**
 * In-process cache of key rows by hash, kept honest across bridge instances by a generation counter
 * in Redis (../generations.ts): every key mutation (change, revoke, roll, reset) bumps it before and
 * after writing, and every authenticated request reads it in the same Redis round trip as its
 * rate-limit check. A cached row is used only if the generation it was read under is still current,
 * so revocation, expiry and scope changes hold on the next request on every instance, with no
 * pub/sub race.
 * Expiry needs no invalidation: it is compared with the clock on every request.
 */
import type { Generations } from '../generations';
import type { Principal } from './principal';
import type { findKeyByHash } from './repository';

export type KeyRecord = NonNullable<Awaited<ReturnType<typeof findKeyByHash>>>;

/** A cached row, the generation it was read under, and the principal built from it on first use. */
export interface CachedKey {
  record: KeyRecord;
  generation: string;
  readAt: number;
  principal?: Principal;
}

const MAX_ENTRIES = 10_000;
/** Bounds what a change made outside Reelay (SQL by hand, say an emergency revocation) can leave stale. */
const MAX_AGE_MS = 60_000;

export class KeyCache {
  private readonly entries = new Map<string, CachedKey>();

  constructor(private readonly generations: Generations) {}

  get(hash: string): CachedKey | undefined {
    const entry = this.entries.get(hash);
    return entry && Date.now() - entry.readAt < MAX_AGE_MS ? entry : undefined;
  }

  set(hash: string, record: KeyRecord, generation: string): CachedKey {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    const entry = { record, generation, readAt: Date.now() };
    this.entries.set(hash, entry);
    return entry;
  }

  delete(hash: string): void {
    this.entries.delete(hash);
  }

  generation(): Promise<string> {
    return this.generations.current(this.generations.keysKey());
  }

  /**
   * Runs a change to key rows between two generation bumps (see Generations.change): every instance
   * reads its cached rows again. Use it for every write to api_keys.
   */
  change<T>(write: () => Promise<T>): Promise<T> {
    this.entries.clear();
    return this.generations.change(this.generations.keysKey(), async () => {
      const result = await write();
      this.entries.clear();
      return result;
    });
  }

  /** Forget everything (e.g. after Redis failed: a bump may have been missed meanwhile). */
  clear(): void {
    this.entries.clear();
  }
}
