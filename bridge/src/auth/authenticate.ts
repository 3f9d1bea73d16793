/**
 * Authentication: finds the key in `x-api-key`, `Authorization: Bearer`, or Basic (key as user name,
 * for pollers such as Zapier), checks its format and checksum offline, then looks its SHA-256 up.
 * Key rows are cached per instance and validated against a Redis generation counter on every
 * request (keys/cache.ts), so revocation, expiry and scope changes hold on the next request on every
 * bridge instance sharing the store and Redis.
 * Failures are audited and limited per client address (brute-force brake).
 */
import type { Request } from 'express';
import { ApiError, type ErrorCode } from '../errors';
import { checkKeyFormat, displayPrefix, hashKey } from '../keys/format';
import { makePrincipal, type Principal } from '../keys/principal';
import { findKeyByHash, keyStatus } from '../keys/repository';
import type { Services } from '../services';
import { nowIso } from '../ids';
import { sessionOf } from './session';
import type { RateClass } from '../config';
import type { KeyRecord } from '../keys/cache';
import type { Admitted } from '../limits/rate-limit';

/** Query parameters that look like a key: refused so keys stay out of URLs, proxies and logs. */
export const KEY_QUERY_PARAMS = ['key', 'api_key', 'apikey', 'apiKey', 'x-api-key', 'access_token', 'token'];

export function keyInQuery(req: Request): boolean {
  const q = req.query as Record<string, unknown>;
  return KEY_QUERY_PARAMS.some((p) => q[p] !== undefined);
}

type Extracted = { key: string } | { error: 'missing' | 'malformed' };

export function extractKey(req: Request): Extracted {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return { key: header.trim() };
  const auth = req.headers.authorization;
  if (!auth) return { error: 'missing' };
  const [scheme, value = ''] = auth.trim().split(/\s+/, 2);
  if (/^bearer$/i.test(scheme) && value) return { key: value };
  if (/^basic$/i.test(scheme) && value) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon === -1 ? decoded : decoded.slice(0, colon);
    const password = colon === -1 ? '' : decoded.slice(colon + 1);
    const key = user || password; // some clients put the key in the password field
    if (key) return { key };
  }
  return { error: 'malformed' };
}

const LAST_USED_RESOLUTION_MS = 60_000;

async function fail(
  services: Services,
  ip: string,
  status: 401,
  code: ErrorCode,
  message: string,
  audit: { accountId?: string; keyId?: string; prefix?: string; lookedUp?: boolean },
): Promise<never> {
  const decision = await services.rateLimiter.take(`authfail:${ip}`, services.config.authFailureLimit, 'auth-failures');
  if (!decision.allowed) {
    throw new ApiError(429, 'auth_rate_limited', 'Too many failed authentications from this address; retry later', null, {
      'Retry-After': String(decision.retryAfter),
    });
  }
  const written = services.audit.record({
    event: 'auth.failed',
    accountId: audit.accountId ?? null,
    keyId: audit.keyId ?? null,
    ip,
    details: { reason: code, ...(audit.prefix ? { prefix: audit.prefix } : {}) },
  });
  if (audit.lookedUp) await written;
  else {
    // Missing or malformed keys are refused without touching the store; their audit row is written
    // in the background so the answer never waits on (or depends on) the database.
    written.catch((err) => services.logger.warn({ err, ip, reason: code }, 'could not audit a failed authentication'));
  }
  throw new ApiError(status, code, message);
}

export interface Admission {
  principal: Principal;
  /**
   * The key's rate-limit decision for this request's class (the caller answers 429 when not
   * allowed), with the generations read alongside (the account's credits generation for `credits.current`).
   */
  decision: Admitted;
}

/**
 * Authenticates the request and admits it against the key's rate limit for `rateClass`, in one
 * Redis round trip on the hot path (a cached key row whose generation is still current).
 */
export async function authenticate(services: Services, req: Request, ip: string, rateClass: RateClass): Promise<Admission> {
  const found = extractKey(req);
  if ('error' in found) {
    // No key header: a dashboard session cookie acts as the key it was opened with (auth/session.ts).
    const session = found.error === 'missing' ? await sessionOf(services, req) : null;
    if (session) return admitHash(services, session.keyHash, undefined, ip, rateClass);
    return found.error === 'missing'
      ? fail(services, ip, 401, 'missing_api_key', 'An API key is required (x-api-key header or Authorization: Bearer)', {})
      : fail(services, ip, 401, 'malformed_api_key', 'The Authorization header is not a usable API key', {});
  }
  return admitKey(services, found.key, ip, rateClass);
}

/** Authenticates a key given as such (a header, or the dashboard's sign-in form) and admits it. */
export function admitKey(services: Services, key: string, ip: string, rateClass: RateClass): Promise<Admission> {
  return admitHash(services, hashKey(key), key, ip, rateClass);
}

/** `key`: the secret when the caller sent it (checked for format); absent for a session, whose hash came from a key checked at sign-in. */
async function admitHash(services: Services, hash: string, key: string | undefined, ip: string, rateClass: RateClass): Promise<Admission> {
  const cache = services.keyCache;
  // A cached row was found by this very hash, so its key passed the format check when it was read.
  let cached = cache.get(hash);
  if (!cached) {
    const format = key === undefined ? { ok: true as const } : checkKeyFormat(key);
    if (!format.ok) {
      const message = format.reason === 'checksum' ? 'The API key checksum is wrong (mistyped or truncated key)' : 'The API key is malformed';
      return fail(services, ip, 401, 'malformed_api_key', message, {});
    }
    cached = await load(services, hash, key, ip);
  }
  let status = keyStatus(cached.record);
  if (status !== 'active') await refuseInactive(services, cached.record, status, ip);

  let decision: Admitted;
  try {
    decision = await services.rateLimiter.admit(cached.record.id, cached.record.account_id, rateClass, services.config.rateLimits[rateClass], ip);
  } catch (err) {
    cache.clear(); // Redis failed: a generation bump may be missed meanwhile, so trust no cached row
    throw err;
  }
  if (decision.keysGeneration !== cached.generation) {
    // Some key changed since this row was read: read it again before trusting it.
    cache.delete(hash);
    cached = await load(services, hash, key, ip);
    status = keyStatus(cached.record);
    if (status !== 'active') await refuseInactive(services, cached.record, status, ip);
    decision = { ...decision, keysGeneration: cached.generation };
  }
  // The principal (with its scope set) is built once per cached row: any change to the key bumps
  // the generation, which drops the row and its principal together.
  const principal = (cached.principal ??= principalOf(cached.record));
  const now = Date.now();
  if (!principal.key.last_used_at || now - Date.parse(principal.key.last_used_at) > LAST_USED_RESOLUTION_MS) {
    // Coarse on purpose: a write per request would halve throughput for no real insight.
    principal.key.last_used_at = cached.record.last_used_at = nowIso();
    await services.db.updateTable('api_keys').set({ last_used_at: principal.key.last_used_at }).where('id', '=', principal.key.id).execute();
  }
  return { principal, decision };
}

function principalOf(record: KeyRecord): Principal {
  const { account_name, account_credits, account_created_at, ...key } = record;
  return makePrincipal(
    { id: key.account_id, name: account_name, credits: account_credits === null ? null : Number(account_credits), created_at: account_created_at },
    key,
  );
}

/** Reads the row (generation first, so a change racing the read is caught on the next compare). */
async function load(services: Services, hash: string, key: string | undefined, ip: string) {
  const generation = await services.keyCache.generation();
  const record = await findKeyByHash(services.db, hash);
  if (!record) return fail(services, ip, 401, 'unknown_api_key', 'The API key is not known', { ...(key ? { prefix: displayPrefix(key) } : {}), lookedUp: true });
  return services.keyCache.set(hash, record, generation);
}

/** Refuses a revoked or expired key (callers check the status first, so an active key skips an await). */
function refuseInactive(services: Services, row: KeyRecord, status: 'revoked' | 'expired', ip: string): Promise<never> {
  const audit = { accountId: row.account_id, keyId: row.id, prefix: row.prefix, lookedUp: true };
  if (status === 'revoked') return fail(services, ip, 401, 'revoked_api_key', 'The API key has been revoked', audit);
  const message = row.replaced_by ? 'The API key was rolled and its grace period is over' : 'The API key has expired';
  return fail(services, ip, 401, 'expired_api_key', message, audit);
}
