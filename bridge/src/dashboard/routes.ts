/**
 * Dashboard sign-in and sign-out (auth/session.ts): POST /v2/auth/session trades an API key for a
 * session cookie acting as that key; DELETE /v2/auth/session ends it everywhere.
 */
import { z } from 'zod';
import { admitKey } from '../auth/authenticate';
import { endSession, startSession } from '../auth/session';
import { ApiError } from '../errors';
import { hashKey } from '../keys/format';
import { KeyView, keyView } from '../keys/view';
import { rateLimitHeaders } from '../limits/rate-limit';
import { defineRoute } from '../http/route';

const SessionResponse = z.object({
  success: z.literal(true),
  key: KeyView,
  /** The token to send in X-CSRF-Token on state-changing requests (also in the reelay_csrf cookie). */
  csrf: z.string(),
  expiresAt: z.string(),
});

export const sessionRoutes = [
  defineRoute({
    method: 'post',
    path: '/v2/auth/session',
    // Public: the key is in the body, checked by the same path as a key header (failures audited and braked).
    scope: 'public',
    summary: 'Sign in to the dashboard with an API key',
    description: 'Sets an HttpOnly, SameSite=Strict session cookie (Secure over https) that acts with exactly this key\'s scopes for 30 minutes, renewed while used, ended by DELETE /v2/auth/session or by revoking the key.',
    tags: ['dashboard'],
    request: { body: z.object({ key: z.string().min(1).max(200) }).strict() },
    responses: { 201: SessionResponse },
    handler: async ({ body, services, ip, req, res }) => {
      const key = body.key.trim();
      const { principal, decision } = await admitKey(services, key, ip, 'keys');
      const headers = rateLimitHeaders(decision);
      if (!decision.allowed) throw new ApiError(429, 'rate_limited', `Rate limit for "keys" requests exceeded; retry in ${decision.retryAfter}s`, null, headers);
      const session = await startSession(services, req, res, hashKey(key));
      await services.audit.record({ event: 'session.started', accountId: principal.account.id, keyId: principal.key.id, ip, details: {} });
      return { success: true as const, key: keyView(principal.key, principal.scopes), ...session };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v2/auth/session',
    scope: 'authenticated',
    rateClass: 'other',
    summary: 'Sign out of the dashboard',
    tags: ['dashboard'],
    responses: { 204: z.undefined() },
    handler: async ({ services, req, res }) => {
      await endSession(services, req, res);
    },
  }),
];
