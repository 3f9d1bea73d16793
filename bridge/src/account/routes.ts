/** Who am I (`/v2/auth/verify`) and the account (`/v2/account`). */
import { z } from 'zod';
import { defineRoute } from '../http/route';
import { KeyView, keyView } from '../keys/view';
import type { Principal } from '../keys/principal';

export const AccountView = z.object({
  id: z.string(),
  name: z.string(),
  credits: z.number().int().nullable().describe('null = unlimited'),
  createdAt: z.string(),
});

async function accountView(p: Principal, balance: number | null) {
  return { id: p.account.id, name: p.account.name, credits: balance, createdAt: p.account.created_at };
}

const VerifyResponse = z.object({ success: z.literal(true), account: AccountView, key: KeyView, credits: z.number().int().nullable() });

const verify = (method: 'get' | 'post') =>
  defineRoute({
    method,
    path: '/v2/auth/verify',
    scope: 'authenticated',
    rateClass: 'read',
    summary: 'Who am I: the account, this key (without its secret) and the credit balance',
    description: 'Any valid key may call it (n8n credential tests use it), whatever its scopes.',
    responses: { 200: VerifyResponse },
    handler: async ({ principal, balance }) => {
      const credits = await balance();
      return { success: true as const, account: await accountView(principal, credits), key: keyView(principal.key, principal.scopes), credits };
    },
  });

export const accountRoutes = [
  verify('get'),
  verify('post'),
  defineRoute({
    method: 'get',
    path: '/v2/account',
    scope: 'account:read',
    rateClass: 'read',
    summary: 'The account and its credit balance',
    responses: { 200: z.object({ success: z.literal(true), account: AccountView }) },
    handler: async ({ principal, balance }) => ({
      success: true as const,
      account: await accountView(principal, await balance()),
    }),
  }),
];
