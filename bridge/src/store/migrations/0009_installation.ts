/**
 * The installation's identity: one row, an id generated once with the store. Two Reelay installations
 * on one Redis must not share a queue prefix; each claims its prefix in Redis with this id
 * (bridge/src/system/installation.ts). The row is written here, under the migrator's lock, so bridges
 * of one installation starting together all read the same id.
 */
import { sql, type Kysely } from 'kysely';
import { newId, nowIso } from '../../ids';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('installation')
    // always 1: at most one row
    .addColumn('singleton', 'integer', (c) => c.primaryKey().check(sql`singleton = 1`))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('installation').values({ singleton: 1, id: newId('inst'), created_at: nowIso() }).execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('installation').execute();
}
