/**
 * Idempotency-Key for POST /v2/movies and /v2/movies/batch. A key is claimed (account, key, body
 * hash, result id) before any credit moves, so two concurrent requests with one key cannot both
 * render: the loser sees the winner's row and answers its project, even while it is still in flight.
 * Keys live 24 hours; an older claim is replaced.
 */
import { ApiError } from '../errors';
import { nowIso } from '../ids';
import type { Db } from '../store/db';
import '../renders/table';

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
const MAX_KEY_LENGTH = 255;

export type Claim = { kind: 'new' } | { kind: 'replay'; resultId: string };

export function readIdempotencyKey(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') return undefined;
  if (value.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ApiError(400, 'validation_error', 'Idempotency-Key must be 1–255 visible ASCII characters', [
      { path: 'Idempotency-Key', message: 'invalid', in: 'headers' },
    ]);
  }
  return value;
}

/**
 * Claims `key` for `resultId`. Returns `new` when this request owns it, `replay` with the earlier
 * result when the same body was sent before; throws 422 when the key was used with another body.
 */
export async function claimIdempotencyKey(
  db: Db,
  input: { accountId: string; key: string; bodyHash: string; resultId: string },
): Promise<Claim> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await db
      .insertInto('idempotency_keys')
      .values({ account_id: input.accountId, key: input.key, body_hash: input.bodyHash, result_id: input.resultId, created_at: nowIso() })
      .onConflict((oc) => oc.columns(['account_id', 'key']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 1) return { kind: 'new' };
    const existing = await db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('account_id', '=', input.accountId)
      .where('key', '=', input.key)
      .executeTakeFirst();
    if (!existing) continue; // released in between: try again
    if (Date.parse(existing.created_at) < Date.now() - IDEMPOTENCY_TTL_MS) {
      await db
        .deleteFrom('idempotency_keys')
        .where('account_id', '=', input.accountId)
        .where('key', '=', input.key)
        .where('created_at', '=', existing.created_at)
        .execute();
      continue;
    }
    if (existing.body_hash !== input.bodyHash) {
      throw new ApiError(422, 'idempotency_conflict', 'This Idempotency-Key was already used with a different request body', {
        key: input.key,
      });
    }
    return { kind: 'replay', resultId: existing.result_id };
  }
  throw new ApiError(409, 'idempotency_in_flight', 'This Idempotency-Key is being used by a concurrent request; retry');
}

/** Frees a claim whose request failed before creating anything (e.g. 402), so a retry can succeed. */
export async function releaseIdempotencyKey(db: Db, accountId: string, key: string, resultId: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('account_id', '=', accountId)
    .where('key', '=', key)
    .where('result_id', '=', resultId)
    .execute();
}

/** Removes expired claims (the retention job calls it). */
export async function purgeIdempotencyKeys(db: Db, now = Date.now()): Promise<number> {
  const res = await db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', new Date(now - IDEMPOTENCY_TTL_MS).toISOString())
    .executeTakeFirst();
  return Number(res.numDeletedRows ?? 0n);
}
