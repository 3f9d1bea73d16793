/**
 * Upload retention (REELAY_UPLOAD_RETENTION_DAYS, default 30; 0 keeps them): an upload neither
 * created nor named by a render within that many days is deleted with its object, like render files.
 * An upload a render still waits for (pending or running) is kept whatever its age.
 */
import { sql } from 'kysely';
import type { Db } from '../store/db';
import type { Storage } from '../storage';
import '../renders/table';
import './table';

export async function sweepExpiredUploads(opts: { db: Db; storage: Storage; retentionDays: number; now?: number }): Promise<number> {
  if (opts.retentionDays <= 0) return 0;
  const cutoff = new Date((opts.now ?? Date.now()) - opts.retentionDays * 24 * 3600 * 1000).toISOString();
  let removed = 0;
  let after = '';
  for (;;) {
    const rows = await opts.db
      .selectFrom('uploads')
      .select(['id', 'account_id', 'storage_key'])
      .where('created_at', '<', cutoff)
      .where('id', '>', after)
      .orderBy('id')
      .limit(200)
      .execute();
    if (rows.length === 0) break;
    after = rows[rows.length - 1].id;
    for (const row of rows) {
      // Renders keep `reelay://uploads/<id>` in their movie JSON: a recent or unfinished one still needs the file.
      const user = await opts.db
        .selectFrom('renders')
        .select('project')
        .where('account_id', '=', row.account_id)
        .where((eb) => eb.or([eb('created_at', '>=', cutoff), eb('status', 'in', ['pending', 'running'])]))
        .where('movie', 'like', sql<string>`${`%reelay://uploads/${row.id}%`}`)
        .limit(1)
        .executeTakeFirst();
      if (user) continue;
      await opts.db.deleteFrom('uploads').where('id', '=', row.id).execute();
      await opts.storage.delete(row.storage_key);
      removed++;
    }
  }
  return removed;
}
