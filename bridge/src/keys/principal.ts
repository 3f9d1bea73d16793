/** The authenticated caller: its account, its key (never the secret) and its effective scopes. */
import type { AccountsTable, ApiKeysTable } from '../store/schema';
import { expandScopes, ROLES, SCOPES, type Role, type Scope } from './scopes';

export interface Principal {
  account: AccountsTable;
  key: ApiKeysTable;
  /** Effective scopes now: role preset, custom patterns expanded, or every scope (primary, grantAll). */
  scopes: ReadonlySet<Scope>;
  isPrimary: boolean;
  grantAll: boolean;
}

/** Computed at each request from the row, so a role or scope change holds on the next request. */
export function effectiveScopes(key: Pick<ApiKeysTable, 'is_primary' | 'grant_all' | 'role' | 'scopes'>): Set<Scope> {
  if (key.is_primary || key.grant_all) return new Set(SCOPES);
  if (key.role && key.role in ROLES) return new Set(ROLES[key.role as Role]);
  return expandScopes(JSON.parse(key.scopes) as string[]);
}

export function makePrincipal(account: AccountsTable, key: ApiKeysTable): Principal {
  return {
    account,
    key,
    scopes: effectiveScopes(key),
    isPrimary: key.is_primary === 1,
    grantAll: key.grant_all === 1,
  };
}
