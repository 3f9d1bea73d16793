/**
 * Least-privilege rules for key management (OWASP API5 BFLA / API3 BOPLA):
 * - no key grants a scope it does not hold, and a resource wildcard only if it holds that wildcard
 *   (a wildcard covers future scopes too);
 * - grantAll is set only by the primary key;
 * - a key can only manage keys whose scopes it covers (else rolling would hand it a wider secret);
 * - no key outlives the key that made it: a non-primary creator with an expiry caps the new one;
 * - nothing but the primary key touches the primary.
 */
import { ApiError } from '../errors';
import type { ApiKeysTable } from '../store/schema';
import { effectiveScopes, type Principal } from './principal';
import { ROLES, type Role } from './scopes';

export interface Grant {
  role?: Role | null;
  scopes?: string[];
  grantAll?: boolean;
}

function actorPatterns(actor: Principal): string[] {
  if (actor.isPrimary || actor.grantAll) return ['*'];
  if (actor.key.role) return [...actor.scopes];
  return JSON.parse(actor.key.scopes) as string[];
}

/** Throws 403 scope_widening when `grant` would give more than the actor holds. */
export function assertCovers(actor: Principal, grant: Grant): void {
  if (grant.grantAll) {
    if (!actor.isPrimary) throw new ApiError(403, 'scope_widening', 'Only the primary key can create or change a grantAll key');
    return;
  }
  const requested = grant.role ? [...ROLES[grant.role]] : (grant.scopes ?? []);
  const held = actorPatterns(actor);
  const missing: string[] = [];
  for (const s of requested) {
    if (held.includes('*')) continue;
    if (s.endsWith(':*')) {
      if (!held.includes(s)) missing.push(s);
    } else if (!actor.scopes.has(s as never)) missing.push(s);
  }
  if (missing.length) {
    throw new ApiError(403, 'scope_widening', `This key can not grant scopes it does not hold: ${missing.join(', ')}`, { scopes: missing });
  }
}

/** The actor may manage `target` only if it covers everything the target can do. */
export function assertCanManage(actor: Principal, target: ApiKeysTable): void {
  if (target.is_primary && !actor.isPrimary) {
    throw new ApiError(403, 'primary_key_protected', 'Only the primary key can manage the primary key');
  }
  if (actor.isPrimary || actor.grantAll) return;
  if (target.grant_all) throw new ApiError(403, 'scope_widening', 'Only the primary key can manage a grantAll key');
  const patterns = target.role ? [...effectiveScopes(target)] : (JSON.parse(target.scopes) as string[]);
  try {
    assertCovers(actor, { scopes: patterns });
  } catch {
    throw new ApiError(403, 'scope_widening', 'This key can not manage a key with scopes it does not hold');
  }
}

/**
 * Caps a requested expiry at the actor's own (non-primary actors only). `undefined` = not given
 * (inherit the actor's expiry if any), `null` = never expires (refused when the actor expires).
 */
export function capExpiry(actor: Principal, requested: string | null | undefined): string | null {
  const own = actor.isPrimary ? null : actor.key.expires_at;
  if (requested === undefined) return own;
  if (own && (requested === null || Date.parse(requested) > Date.parse(own))) {
    throw new ApiError(403, 'scope_widening', `This key expires at ${own}; it can not create or extend a key beyond that`);
  }
  return requested;
}

