/** The public view of a key: never the secret, never the hash. */
import { z } from 'zod';
import type { ApiKeysTable } from '../store/schema';
import { effectiveScopes } from './principal';
import { keyStatus } from './repository';
import { highestRisk, type Scope } from './scopes';

export const KeyView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('display prefix, e.g. rly_AbCd…wxyz'),
  role: z.string().describe('render | editor | manager | read-only | custom | primary'),
  scopes: z.array(z.string()).describe('effective scopes today'),
  scopePatterns: z.array(z.string()).describe('scopes as granted (custom keys may hold wildcards such as movies:*)'),
  grantAll: z.boolean(),
  isPrimary: z.boolean(),
  risk: z.enum(['low', 'medium', 'high']).nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type KeyView = z.infer<typeof KeyView>;

/** `effective`: the scopes already worked out for this row (an authenticated request's principal). */
export function keyView(row: ApiKeysTable, effective: ReadonlySet<Scope> = effectiveScopes(row)): KeyView {
  const scopes = [...effective];
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.is_primary ? 'primary' : (row.role ?? 'custom'),
    scopes,
    scopePatterns: row.is_primary || row.grant_all ? ['*'] : row.role ? scopes : (JSON.parse(row.scopes) as string[]),
    grantAll: row.grant_all === 1 || row.is_primary === 1,
    isPrimary: row.is_primary === 1,
    risk: highestRisk(scopes),
    status: keyStatus(row),
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}
