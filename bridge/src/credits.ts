/**
 * Credits: an account's balance is a number or null (unlimited). Debit and refund are single
 * conditional UPDATEs, atomic on SQLite and PostgreSQL alike (PostgreSQL re-checks the WHERE after
 * taking the row lock), so concurrent debits can never overdraw.
 *
 * Every change bumps the account's credits generation in Redis (../generations.ts), so an
 * authenticated request may show the balance this instance cached (`current`) while the generation
 * it read during admission is the one the balance was read under. That saves a store round trip on
 * /v2/auth/verify, /v2/account and status polls (on PostgreSQL, 40% of /v2/auth/verify's CPU), and
 * changes made anywhere through Reelay still show on the next request on every instance.
 */
import { sql, type CompiledQuery } from 'kysely';
import { ApiError } from './errors';
import type { Generations } from './generations';
import { changedRows, type Db } from './store/db';

export interface CreditsService {
  /** Takes `n` credits or throws 402 insufficient_credits {creditsNeeded, creditsAvailable, creditsShort}. Returns the new balance (null = unlimited). */
  debit(accountId: string, n: number): Promise<number | null>;
  /**
   * Takes `n` credits inside the caller's transaction `trx` (so the debit commits or rolls back with
   * what it pays for), or throws 402 like `debit`. Run the transaction through `changing`.
   */
  debitWithin(trx: Db, accountId: string, n: number): Promise<void>;
  /** Runs `write`, a change of the account's balance: every instance reads the balance again. */
  changing<T>(accountId: string, write: () => Promise<T>): Promise<T>;
  /** Gives `n` credits back (no-op for unlimited accounts). Returns the new balance. */
  refund(accountId: string, n: number): Promise<number | null>;
  /** Sets the balance (null = unlimited). */
  set(accountId: string, balance: number | null): Promise<void>;
  /** Adds `n` (may be negative, floors at 0); unlimited stays unlimited. */
  add(accountId: string, n: number): Promise<number | null>;
  /** The balance, read from the store. */
  balance(accountId: string): Promise<number | null>;
  /**
   * The balance for a request admitted under the account's credits `generation`: this instance's
   * cached value when it was read under the same generation (and is under a minute old), else read.
   */
  current(accountId: string, generation: string): Promise<number | null>;
}

/** Bounds what a change made outside Reelay (SQL by hand) can leave stale. */
const CACHE_MAX_AGE_MS = 60_000;
const CACHE_MAX_ENTRIES = 10_000;

export function createCreditsService(db: Db, generations: Generations): CreditsService {
  // Built and compiled once (it runs on every /v2/auth/verify and /v2/account); only the id changes.
  let balanceQuery: CompiledQuery<{ credits: number | null }> | undefined;
  const balance = async (accountId: string) => {
    balanceQuery ??= db.selectFrom('accounts').select('credits').where('id', '=', '').compile();
    const query: CompiledQuery<{ credits: number | null }> = { ...balanceQuery, parameters: [accountId] };
    const [row] = (await db.executeQuery(query)).rows;
    if (!row) throw new ApiError(404, 'not_found', 'Account not found');
    return row.credits === null ? null : Number(row.credits);
  };
  const cache = new Map<string, { balance: number | null; generation: string; readAt: number }>();
  /** Every write to accounts.credits: other instances read the balance again. */
  const change = <T>(accountId: string, write: () => Promise<T>) => {
    cache.delete(accountId);
    return generations.change(generations.creditsKey(accountId), write);
  };
  /** One conditional UPDATE: takes `n` unless the balance is short (or unlimited). */
  const take = async (executor: Db, accountId: string, n: number) =>
    changedRows(
      await executor
        .updateTable('accounts')
        .set({ credits: sql<number>`credits - ${n}` })
        .where('id', '=', accountId)
        .where('credits', 'is not', null)
        .where('credits', '>=', n)
        .executeTakeFirst(),
    ) === 1;
  /** After `take` changed nothing: an unlimited account is fine, a short one is 402. */
  const refuseIfShort = async (executor: Db, accountId: string, n: number) => {
    const row = await executor.selectFrom('accounts').select('credits').where('id', '=', accountId).executeTakeFirst();
    if (!row) throw new ApiError(404, 'not_found', 'Account not found');
    if (row.credits === null) return;
    const available = Number(row.credits);
    throw new ApiError(402, 'insufficient_credits', `Not enough credits: ${n} needed, ${available} available`, {
      creditsNeeded: n,
      creditsAvailable: available,
      creditsShort: n - available,
    });
  };
  const checkAmount = (what: string, n: number) => {
    if (!Number.isInteger(n) || n < 0) throw new Error(`${what}: invalid amount ${n}`);
  };
  return {
    balance,
    changing: change,
    async debitWithin(trx, accountId, n) {
      checkAmount('debit', n);
      if (n > 0 && !(await take(trx, accountId, n))) await refuseIfShort(trx, accountId, n);
    },
    async current(accountId, generation) {
      const hit = cache.get(accountId);
      const now = Date.now();
      if (hit && hit.generation === generation && now - hit.readAt < CACHE_MAX_AGE_MS) return hit.balance;
      const value = await balance(accountId);
      if (cache.size >= CACHE_MAX_ENTRIES) cache.delete(cache.keys().next().value!);
      cache.set(accountId, { balance: value, generation, readAt: now });
      return value;
    },
    async debit(accountId, n) {
      checkAmount('debit', n);
      if (n === 0) return balance(accountId);
      if (await change(accountId, () => take(db, accountId, n))) return balance(accountId);
      await refuseIfShort(db, accountId, n);
      return null; // unlimited
    },
    async refund(accountId, n) {
      checkAmount('refund', n);
      await change(accountId, () =>
        db
          .updateTable('accounts')
          .set({ credits: sql<number>`credits + ${n}` })
          .where('id', '=', accountId)
          .where('credits', 'is not', null)
          .execute(),
      );
      return balance(accountId);
    },
    async set(accountId, value) {
      const res = await change(accountId, () => db.updateTable('accounts').set({ credits: value }).where('id', '=', accountId).executeTakeFirst());
      if (changedRows(res) !== 1) throw new ApiError(404, 'not_found', 'Account not found');
    },
    async add(accountId, n) {
      await balance(accountId);
      await change(accountId, () =>
        db
          .updateTable('accounts')
          .set({ credits: sql<number>`case when credits + ${n} < 0 then 0 else credits + ${n} end` })
          .where('id', '=', accountId)
          .where('credits', 'is not', null)
          .execute(),
      );
      return balance(accountId);
    },
  };
}
