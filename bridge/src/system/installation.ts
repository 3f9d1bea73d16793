/**
 * One Redis prefix, one installation. Two Reelay installations (separate stores) on one Redis with the
 * same REELAY_QUEUE_PREFIX would take each other's jobs and events. So each installation has an id,
 * generated once with its store (migration 0009_installation), and claims its prefix in Redis:
 * `<prefix>:installation` holds the id of the installation that owns the prefix.
 *
 * - A bridge (`reelay bridge`, `reelay start`) claims the prefix at start-up, before any queue is
 *   opened, and refuses to start when another installation holds it (InstallationConflictError).
 *   Bridges of one installation share the store, hence the id, so they all start.
 * - A renderer (`reelay renderer`) reads the id from the store when it can reach it (same
 *   DATABASE_URL / data dir as its bridge) and refuses a prefix claimed by another installation.
 *   A renderer with no store access learns the id from the claim (waiting for a bridge to make it).
 * - Every long-running process checks the claim again every CLAIM_CHECK_MS: after a Redis flush the
 *   first one to notice claims the prefix again; one that finds the prefix held by another
 *   installation stops.
 * - `reelay installation release` deletes the claim, to hand a prefix deliberately to another
 *   installation (stop the old one first: a running process claims it again on its next check).
 *   Moving an installation to a new Redis needs nothing: its first process claims the prefix there.
 */
import { existsSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import type Redis from 'ioredis';
import type { Config } from '../config';
import { newId, nowIso } from '../ids';
import { openDb, type Db } from '../store/db';

/** How often a running process checks (and, after a flush, restores) its claim. */
export const CLAIM_CHECK_MS = 5_000;

export class InstallationConflictError extends Error {
  constructor(
    readonly prefix: string,
    readonly mine: string,
    readonly holder: string,
  ) {
    super(conflictMessage(prefix, mine, holder));
  }
}

/** The one-line refusal (stable: documented in the README, matched by tests). */
export function conflictMessage(prefix: string, mine: string, holder: string): string {
  return (
    `Redis prefix "${prefix}" is claimed by another Reelay installation (${holder}; this one is ${mine}): ` +
    `set REELAY_QUEUE_PREFIX to a prefix of this installation's own (or, if that installation is gone for good, run \`reelay installation release\`)`
  );
}

export function claimKey(prefix: string): string {
  return `${prefix}:installation`;
}

/** The store's installation id; writes one if the row is missing (the migration normally writes it). */
export async function readInstallationId(db: Db): Promise<string> {
  const row = await db.selectFrom('installation').select('id').where('singleton', '=', 1).executeTakeFirst();
  if (row) return row.id;
  await db
    .insertInto('installation')
    .values({ singleton: 1, id: newId('inst'), created_at: nowIso() })
    .onConflict((oc) => oc.column('singleton').doNothing())
    .execute();
  return (await db.selectFrom('installation').select('id').where('singleton', '=', 1).executeTakeFirstOrThrow()).id;
}

// Claims the key when free; returns [holder, 1 if claimed by this call]. One round trip, atomic.
const CLAIM_SCRIPT = `local v = redis.call('GET', KEYS[1])
if v then return {v, 0} end
redis.call('SET', KEYS[1], ARGV[1])
return {ARGV[1], 1}`;

export interface ClaimResult {
  /** The installation that holds the prefix now. */
  holder: string;
  /** True when this call made the claim (first start, or after the key was lost). */
  claimedNow: boolean;
}

export async function claimPrefix(redis: Redis, prefix: string, id: string): Promise<ClaimResult> {
  const [holder, claimed] = (await redis.eval(CLAIM_SCRIPT, 1, claimKey(prefix), id)) as [string, number];
  return { holder, claimedNow: claimed === 1 };
}

/** Claims the prefix for `id`, or throws InstallationConflictError when another installation holds it. */
export async function assertPrefixClaim(redis: Redis, prefix: string, id: string): Promise<ClaimResult> {
  const result = await claimPrefix(redis, prefix, id);
  if (result.holder !== id) throw new InstallationConflictError(prefix, id, result.holder);
  return result;
}

export interface WatchOptions {
  intervalMs?: number;
  /** Called once when another installation holds the prefix; watching stops. */
  onLost(holder: string): void;
  /** The claim was gone (Redis flushed or released) and this process claimed it again. */
  onReclaimed?(): void;
  /** Redis did not answer; the next check tries again. */
  onError?(err: unknown): void;
}

/** Checks the claim periodically; returns a function that stops watching. */
export function watchClaim(redis: Redis, prefix: string, id: string, opts: WatchOptions): () => void {
  let busy = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (busy || stopped) return;
    busy = true;
    claimPrefix(redis, prefix, id)
      .then((r) => {
        if (stopped) return;
        if (r.holder !== id) {
          stop();
          opts.onLost(r.holder);
        } else if (r.claimedNow) opts.onReclaimed?.();
      })
      .catch((err: unknown) => opts.onError?.(err))
      .finally(() => {
        busy = false;
      });
  }, opts.intervalMs ?? CLAIM_CHECK_MS);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return stop;
}

export type StoreLookup = { id: string } | { id?: undefined; why: string };

/**
 * The installation id as a renderer finds it in the store, without creating or migrating anything:
 * `why` says why there is none (no SQLite file, no table yet, PostgreSQL unreachable).
 */
export async function lookUpStoreInstallationId(database: Config['database']): Promise<StoreLookup> {
  if (database.kind === 'sqlite') {
    if (database.file === ':memory:' || !existsSync(database.file)) return { why: `no store at ${database.file}` };
    let sqlite: BetterSqlite3.Database | undefined;
    try {
      sqlite = new BetterSqlite3(database.file, { fileMustExist: true });
      sqlite.pragma('busy_timeout = 5000');
      const row = sqlite.prepare('select id from installation where singleton = 1').get() as { id: string } | undefined;
      return row ? { id: row.id } : { why: 'the store has no installation id yet' };
    } catch (err) {
      return { why: `the store cannot be read (${(err as Error).message})` };
    } finally {
      sqlite?.close();
    }
  }
  const db = openDb(database);
  try {
    const row = await db.selectFrom('installation').select('id').where('singleton', '=', 1).executeTakeFirst();
    return row ? { id: row.id } : { why: 'the store has no installation id yet' };
  } catch (err) {
    return { why: `the store cannot be read (${(err as Error).message})` };
  } finally {
    await db.destroy();
  }
}

/** Polls until some installation claims the prefix (a renderer with no store, started before its bridge). */
export async function waitForClaim(redis: Redis, prefix: string, pollMs = 1000): Promise<string> {
  for (;;) {
    const holder = await redis.get(claimKey(prefix));
    if (holder) return holder;
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/**
 * The id a renderer works for: the store's, checked against (or written to) the claim; else the
 * claim's. Throws InstallationConflictError when the store's id does not hold the prefix.
 */
export async function rendererInstallation(
  redis: Redis,
  config: Pick<Config, 'database' | 'queuePrefix'>,
  log: (line: string) => void,
): Promise<{ id: string; source: 'store' | 'claim'; why?: string }> {
  const found = await lookUpStoreInstallationId(config.database);
  if (found.id !== undefined) {
    await assertPrefixClaim(redis, config.queuePrefix, found.id);
    return { id: found.id, source: 'store' };
  }
  const current = await redis.get(claimKey(config.queuePrefix));
  if (!current) log(`reelay: ${found.why}; waiting for a bridge to claim Redis prefix "${config.queuePrefix}"`);
  const id = current ?? (await waitForClaim(redis, config.queuePrefix));
  return { id, source: 'claim', why: found.why };
}
