/** Key rows: creation (returns the secret once), lookup by hash, status. */
import type { Db } from '../store/db';
import type { ApiKeysTable } from '../store/schema';
import { newId, nowIso } from '../ids';
import { displayPrefix, generateKey, hashKey } from './format';
import type { Role } from './scopes';

export interface NewKey {
  accountId: string;
  name: string;
  isPrimary?: boolean;
  role?: Role | null;
  /** custom scope patterns (ignored when role is set) */
  scopes?: string[];
  grantAll?: boolean;
  expiresAt?: string | null;
  createdBy?: string | null;
  /** use this secret instead of generating one (REELAY_BOOTSTRAP_KEY); must pass checkKeyFormat */
  secret?: string;
}

export async function insertKey(db: Db, input: NewKey): Promise<{ secret: string; row: ApiKeysTable }> {
  const secret = input.secret ?? generateKey();
  const row: ApiKeysTable = {
    id: newId('key'),
    account_id: input.accountId,
    name: input.name,
    hash: hashKey(secret),
    prefix: displayPrefix(secret),
    is_primary: input.isPrimary ? 1 : 0,
    role: input.isPrimary ? null : (input.role ?? null),
    scopes: JSON.stringify(input.isPrimary || input.role ? [] : (input.scopes ?? [])),
    grant_all: input.grantAll ? 1 : 0,
    expires_at: input.expiresAt ?? null,
    revoked_at: null,
    replaced_by: null,
    created_by: input.createdBy ?? null,
    created_at: nowIso(),
    last_used_at: null,
  };
  await db.insertInto('api_keys').values(row).execute();
  return { secret, row };
}

export type KeyStatus = 'active' | 'expired' | 'revoked';

export function keyStatus(row: Pick<ApiKeysTable, 'revoked_at' | 'expires_at'>, now = Date.now()): KeyStatus {
  if (row.revoked_at && Date.parse(row.revoked_at) <= now) return 'revoked';
  if (row.expires_at && Date.parse(row.expires_at) <= now) return 'expired';
  return 'active';
}

export async function findKeyByHash(db: Db, hash: string) {
  return db
    .selectFrom('api_keys')
    .innerJoin('accounts', 'accounts.id', 'api_keys.account_id')
    .selectAll('api_keys')
    .select(['accounts.name as account_name', 'accounts.credits as account_credits', 'accounts.created_at as account_created_at'])
    .where('api_keys.hash', '=', hash)
    .executeTakeFirst();
}
