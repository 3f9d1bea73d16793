/** Non-sequential ids (API1/BOLA: never guessable), time-ordered so lists sort by id. */
import { randomBytes } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `n` uniformly random base62 characters (rejection sampling keeps the distribution flat). */
export function randomBase62(n: number): string {
  let out = '';
  while (out.length < n) {
    for (const b of randomBytes(n * 2)) {
      if (b < 248) out += BASE62[b % 62]; // 248 = 4*62: drop the biased tail
      if (out.length === n) break;
    }
  }
  return out;
}

export function toBase62(n: number, width: number): string {
  let out = '';
  let v = n;
  do {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  } while (v > 0);
  return out.padStart(width, '0');
}

/**
 * `prefix_` + 9 chars of millisecond time + 14 random chars. The time part is lower-case base36 so it
 * sorts the same under any collation (PostgreSQL's en_US ignores case at the first level).
 */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomBase62(14)}`;
}

export function nowIso(): string {
  return new Date().toISOString();
}
