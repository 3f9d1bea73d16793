/**
 * Dashboard sessions: signing in with an API key gives a session cookie that acts as that key.
 *
 * - The cookie is a JWT (HS256, REELAY_JWT_SECRET) naming a session id; the session itself (the key's
 *   SHA-256, which the store keys rows by, and the CSRF token) lives in Redis with the same lifetime,
 *   so logout deletes it on every bridge at once, and the JWT never carries anything worth stealing.
 * - A request with the cookie is authenticated by the key's hash through the same path as the key
 *   itself (authenticate.ts): same scopes, same rate limits, and a revoked or expired key is refused
 *   on the next request on every bridge (the key cache's generation check).
 * - Lifetime is short and sliding: past half of it, an answer renews the cookie and the Redis entry.
 * - CSRF: the cookie is SameSite=Strict, and a state-changing request must also carry the session's
 *   token in `X-CSRF-Token` (the app reads it from a second, script-readable cookie: double submit,
 *   checked against the session's copy), and an `Origin`, when sent, must be this bridge's own.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import { ApiError } from '../errors';
import type { Services } from '../services';

export const SESSION_COOKIE = 'reelay_session';
export const CSRF_COOKIE = 'reelay_csrf';
export const CSRF_HEADER = 'x-csrf-token';
/** Idle sessions end after this; each request past half of it renews the session. */
export const SESSION_SECONDS = 30 * 60;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface Stored {
  keyHash: string;
  csrf: string;
}

export interface Session extends Stored {
  id: string;
}

const secretOf = (services: Services) => new TextEncoder().encode(services.config.jwtSecret);
const redisKeyOf = (services: Services, id: string) => services.redisKey('session', id);

/** Reads one cookie from the header (no parser dependency for two names). */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** Served over https (directly or behind a trusted proxy): cookies get `Secure`. */
function overHttps(req: Request): boolean {
  return req.secure;
}

function setCookies(req: Request, res: Response, token: string, csrf: string, maxAge: number): void {
  const common = { sameSite: 'strict' as const, secure: overHttps(req), path: '/', maxAge: maxAge * 1000 };
  res.cookie(SESSION_COOKIE, token, { ...common, httpOnly: true });
  // Readable by the app's script on purpose: it copies it into X-CSRF-Token (double submit).
  res.cookie(CSRF_COOKIE, csrf, { ...common, httpOnly: false });
}

export function clearSessionCookies(req: Request, res: Response): void {
  const common = { sameSite: 'strict' as const, secure: overHttps(req), path: '/' };
  res.clearCookie(SESSION_COOKIE, { ...common, httpOnly: true });
  res.clearCookie(CSRF_COOKIE, common);
}

async function sign(services: Services, id: string): Promise<string> {
  return new SignJWT({ sid: id })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(`${SESSION_SECONDS}s`)
    .setAudience('reelay-dashboard')
    .sign(secretOf(services));
}

/** Starts a session for a key already authenticated by its secret; sets both cookies. */
export async function startSession(services: Services, req: Request, res: Response, keyHash: string): Promise<{ csrf: string; expiresAt: string }> {
  const id = randomBytes(18).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  const stored: Stored = { keyHash, csrf };
  await services.redis.set(redisKeyOf(services, id), JSON.stringify(stored), 'EX', SESSION_SECONDS);
  setCookies(req, res, await sign(services, id), csrf, SESSION_SECONDS);
  return { csrf, expiresAt: new Date(Date.now() + SESSION_SECONDS * 1000).toISOString() };
}

/** Ends the request's session (logout): deleted in Redis, so the cookie is dead on every bridge. */
export async function endSession(services: Services, req: Request, res: Response): Promise<void> {
  const found = await verifiedId(services, req);
  if (found) await services.redis.del(redisKeyOf(services, found.id));
  clearSessionCookies(req, res);
}

async function verifiedId(services: Services, req: Request): Promise<{ id: string; issuedAt: number } | null> {
  const token = readCookie(req, SESSION_COOKIE);
  if (!token) return null;
  try {
    const { payload } = await jwtVerify(token, secretOf(services), { algorithms: ['HS256'], audience: 'reelay-dashboard' });
    return typeof payload.sid === 'string' ? { id: payload.sid, issuedAt: payload.iat ?? 0 } : null;
  } catch {
    return null;
  }
}

/**
 * The request's session, or null when it carries no session cookie. A cookie that is forged,
 * expired or logged out is a 401; a state-changing request without the matching CSRF token, or from
 * another origin, is a 403. Renews the session past half its lifetime.
 */
export async function sessionOf(services: Services, req: Request): Promise<Session | null> {
  if (readCookie(req, SESSION_COOKIE) === undefined) return null;
  const found = await verifiedId(services, req);
  const raw = found ? await services.redis.get(redisKeyOf(services, found.id)) : null;
  if (!found || !raw) {
    if (req.res) clearSessionCookies(req, req.res);
    throw new ApiError(401, 'invalid_session', 'The session has ended; sign in again');
  }
  const stored = JSON.parse(raw) as Stored;
  if (!SAFE_METHODS.has(req.method)) checkCsrf(req, stored.csrf);
  if (req.res && Date.now() / 1000 - found.issuedAt > SESSION_SECONDS / 2) {
    await services.redis.expire(redisKeyOf(services, found.id), SESSION_SECONDS);
    setCookies(req, req.res, await sign(services, found.id), stored.csrf, SESSION_SECONDS);
  }
  return { id: found.id, ...stored };
}

function checkCsrf(req: Request, expected: string): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `${req.protocol}://${req.headers.host}`) {
    throw new ApiError(403, 'csrf_failed', 'Cross-site request refused');
  }
  const given = req.headers[CSRF_HEADER];
  if (typeof given !== 'string' || given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
    throw new ApiError(403, 'csrf_failed', `A request made with the session cookie must send its CSRF token in ${CSRF_HEADER}`);
  }
}
