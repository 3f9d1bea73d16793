/** Accounts: creation with their primary key, lookup. */
import type { Db } from './store/db';
import type { AccountsTable } from './store/schema';
import { newId, nowIso } from './ids';
import { insertKey } from './keys/repository';

export async function createAccount(
  db: Db,
  input: { name: string; credits?: number | null; primaryKey?: string },
): Promise<{ account: AccountsTable; primaryKey: string; primaryKeyId: string }> {
  const account: AccountsTable = { id: newId('acct'), name: input.name, credits: input.credits ?? null, created_at: nowIso() };
  return db.transaction().execute(async (trx) => {
    await trx.insertInto('accounts').values(account).execute();
    const { secret, row } = await insertKey(trx, { accountId: account.id, name: 'primary', isPrimary: true, secret: input.primaryKey });
    return { account, primaryKey: secret, primaryKeyId: row.id };
  });
}

export async function getAccount(db: Db, id: string): Promise<AccountsTable | undefined> {
  return db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
}
