/** The store on SQLite and PostgreSQL: migrations, types, ordering and transactions. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { PG_URL, testPrefix } from '../helpers/bridge';
import { createAccount } from '../../bridge/src/accounts';
import { createAuditLog } from '../../bridge/src/audit/log';
import type { Config } from '../../bridge/src/config';
import { findKeyByHash } from '../../bridge/src/keys/repository';
import { hashKey } from '../../bridge/src/keys/format';
import { migrations } from '../../bridge/src/store/migrations';
import { migrateToLatest, openDb, type Db } from '../../bridge/src/store/db';

const schema = testPrefix().replace(/-/g, '_');
const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-store-'));
const stores: Array<[string, Config['database']]> = [
  ['sqlite', { kind: 'sqlite', file: path.join(dir, 'store.db') }],
  ['postgres', { kind: 'postgres', url: PG_URL, schema }],
];

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const c = new Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`drop schema if exists "${schema}" cascade`);
  await c.end();
});

describe.each(stores)('%s', (_name, database) => {
  let db: Db;
  beforeAll(() => {
    db = openDb(database);
  });
  afterAll(() => db.destroy());

  test('migrations apply in order once', async () => {
    const first = await migrateToLatest(db, database);
    expect(first).toEqual(Object.keys(migrations).sort());
    expect(first[0]).toBe('0001_core');
    expect(await migrateToLatest(db, database)).toEqual([]);
  });

  test('accounts and keys round-trip with their types', async () => {
    const { account, primaryKey, primaryKeyId } = await createAccount(db, { name: 'store', credits: 2 ** 40 });
    const row = await findKeyByHash(db, hashKey(primaryKey));
    expect(row).toMatchObject({ id: primaryKeyId, account_id: account.id, is_primary: 1, grant_all: 0, account_credits: 2 ** 40, revoked_at: null });
    expect(typeof row!.account_credits).toBe('number');
    expect(await findKeyByHash(db, hashKey('rly_nothing'))).toBeUndefined();
  });

  test('ids sort by time under the dialect collation (newest first pagination)', async () => {
    const { account } = await createAccount(db, { name: 'order' });
    const audit = createAuditLog(db);
    for (let i = 0; i < 5; i++) {
      await audit.record({ event: `e${i}`, accountId: account.id });
      await new Promise((r) => setTimeout(r, 2));
    }
    const rows = await db.selectFrom('audit_log').select('event').where('account_id', '=', account.id).orderBy('id', 'desc').execute();
    expect(rows.map((r) => r.event)).toEqual(['e4', 'e3', 'e2', 'e1', 'e0']);
  });

  test('a failing transaction leaves nothing behind', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('accounts').values({ id: 'acct_tx', name: 'tx', credits: null, created_at: new Date().toISOString() }).execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.selectFrom('accounts').selectAll().where('id', '=', 'acct_tx').executeTakeFirst()).toBeUndefined();
  });
});
