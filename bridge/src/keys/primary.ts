/** Replacing an account's primary key: the API route (by the primary) and the CLI (lost primary). */
import { nowIso } from '../ids';
import type { Db } from '../store/db';
import type { KeyCache } from './cache';
import { insertKey } from './repository';

/** Creates a new primary key and revokes every current one at once, in one transaction. */
export async function replacePrimaryKey(db: Db, keyCache: KeyCache, accountId: string, actorKeyId: string | null) {
  const now = nowIso();
  return keyCache.change(() =>
    db.transaction().execute(async (trx) => {
      const old = await trx
        .selectFrom('api_keys')
        .select(['id', 'name'])
        .where('account_id', '=', accountId)
        .where('is_primary', '=', 1)
        .where('revoked_at', 'is', null)
        .execute();
      const made = await insertKey(trx, { accountId, name: old[0]?.name ?? 'primary', isPrimary: true, createdBy: actorKeyId });
      if (old.length) {
        await trx
          .updateTable('api_keys')
          .set({ revoked_at: now, replaced_by: made.row.id })
          .where('id', 'in', old.map((o) => o.id))
          .execute();
      }
      return { ...made, previousKeyIds: old.map((o) => o.id) };
    }),
  );
}
