/** `/v2/keys`, `/v2/scopes`: create, list, read, change, revoke, roll and reset keys. */
import { z } from 'zod';
import { ApiError, notFound } from '../errors';
import { defineRoute } from '../http/route';
import { PageQuery, page } from '../http/pagination';
import { nowIso } from '../ids';
import type { Db } from '../store/db';
import type { ApiKeysTable } from '../store/schema';
import type { Principal } from './principal';
import { replacePrimaryKey } from './primary';
import { insertKey, keyStatus } from './repository';
import { assertCanManage, assertCovers, capExpiry, type Grant } from './rules';
import { isScopePattern, ROLE_NAMES, ROLES, SCOPE_INFO, SCOPES, type Role } from './scopes';
import { readUsage } from './usage';
import { KeyView, keyView } from './view';

const IdParams = z.object({ id: z.string().min(1).max(64) });
const RoleName = z.enum(ROLE_NAMES as [Role, ...Role[]]);
const ScopeList = z.array(z.string().refine(isScopePattern, 'unknown scope (see GET /v2/scopes; wildcards look like movies:*)')).max(64);
const FutureDate = z.iso
  .datetime({ offset: true })
  .refine((s) => Date.parse(s) > Date.now(), 'must be in the future')
  .transform((s) => new Date(s).toISOString());

const CreateKey = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: RoleName.optional(),
    scopes: ScopeList.optional(),
    grantAll: z.boolean().optional().describe('every scope, present and future; only the primary key may set it'),
    expiresAt: FutureDate.optional(),
  })
  .strict()
  .refine((b) => [b.role !== undefined, b.scopes !== undefined, b.grantAll === true].filter(Boolean).length <= 1, {
    message: 'give one of role, scopes or grantAll',
    path: ['role'],
  });

const UpdateKey = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    role: RoleName.optional(),
    scopes: ScopeList.optional(),
    grantAll: z.boolean().optional(),
    expiresAt: FutureDate.nullable().optional().describe('null = never expires'),
  })
  .strict()
  .refine((b) => [b.role !== undefined, b.scopes !== undefined, b.grantAll === true].filter(Boolean).length <= 1, {
    message: 'give one of role, scopes or grantAll',
    path: ['role'],
  });

/** What a PATCH grants: the new role, scope list or grantAll; `grantAll: false` alone keeps the role/scopes. */
function nextGrant(target: ApiKeysTable, body: z.output<typeof UpdateKey>): Grant {
  if (body.grantAll === true) return { grantAll: true };
  if (body.role !== undefined) return { role: body.role };
  if (body.scopes !== undefined) return { scopes: body.scopes };
  return { role: target.role as Role | null, scopes: target.role ? [] : (JSON.parse(target.scopes) as string[]) };
}

const Created = z.object({ success: z.literal(true), key: z.string().describe('the full key: shown this once, store it now'), apiKey: KeyView });
const One = z.object({ success: z.literal(true), apiKey: KeyView });

async function loadKey(db: Db, principal: Principal, id: string): Promise<ApiKeysTable> {
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).where('account_id', '=', principal.account.id).executeTakeFirst();
  if (!row) throw notFound('API key');
  return row;
}

export const keyRoutes = [
  defineRoute({
    method: 'get',
    path: '/v2/scopes',
    scope: 'authenticated',
    rateClass: 'read',
    summary: 'Every scope with its risk label, and the role presets',
    responses: {
      200: z.object({
        success: z.literal(true),
        scopes: z.array(z.object({ scope: z.string(), risk: z.enum(['low', 'medium', 'high']), description: z.string() })),
        roles: z.record(z.string(), z.array(z.string())),
      }),
    },
    handler: () => ({
      success: true as const,
      scopes: SCOPES.map((scope) => ({ scope, ...SCOPE_INFO[scope] })),
      roles: Object.fromEntries(Object.entries(ROLES).map(([k, v]) => [k, [...v]])),
    }),
  }),

  defineRoute({
    method: 'post',
    path: '/v2/keys',
    scope: 'keys:write',
    rateClass: 'keys',
    summary: 'Create a secondary key (role, custom scopes or grantAll); the full key is returned once',
    request: { body: CreateKey },
    responses: { 201: Created },
    handler: async ({ body, principal, services, ip }) => {
      const grant = { role: body.role ?? null, scopes: body.scopes ?? [], grantAll: body.grantAll === true };
      assertCovers(principal, grant);
      const expiresAt = capExpiry(principal, body.expiresAt);
      const { secret, row } = await insertKey(services.db, {
        accountId: principal.account.id,
        name: body.name,
        role: grant.role,
        scopes: grant.scopes,
        grantAll: grant.grantAll,
        expiresAt,
        createdBy: principal.key.id,
      });
      await services.audit.record({
        event: 'key.created',
        accountId: principal.account.id,
        keyId: row.id,
        actorKeyId: principal.key.id,
        ip,
        details: { name: row.name, role: row.role, scopes: grant.scopes, grantAll: grant.grantAll, expiresAt },
      });
      return { success: true as const, key: secret, apiKey: keyView(row) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v2/keys',
    scope: 'keys:read',
    rateClass: 'read',
    summary: 'List keys (masked), newest first',
    request: { query: PageQuery.extend({ status: z.enum(['active', 'expired', 'revoked']).optional() }) },
    responses: { 200: z.object({ success: z.literal(true), keys: z.array(KeyView), nextCursor: z.string().nullable() }) },
    handler: async ({ query, principal, services }) => {
      let q = services.db.selectFrom('api_keys').selectAll().where('account_id', '=', principal.account.id).orderBy('id', 'desc');
      if (query.cursor) q = q.where('id', '<', query.cursor);
      // Status is computed from dates, so filter after reading (key lists are short).
      const rows = (await q.execute()).filter((r) => !query.status || keyStatus(r) === query.status);
      const { items, nextCursor } = page(rows.slice(0, query.limit + 1), query.limit);
      return { success: true as const, keys: items.map((row) => keyView(row)), nextCursor };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/v2/keys/primary/reset',
    scope: 'keys:write',
    rateClass: 'keys',
    summary: 'Replace the primary key (primary key only); the old one stops at once',
    responses: { 201: Created },
    handler: async ({ principal, services, ip }) => {
      if (!principal.isPrimary) throw new ApiError(403, 'primary_key_protected', 'Only the primary key can reset the primary key');
      const created = await replacePrimaryKey(services.db, services.keyCache, principal.account.id, principal.key.id);
      await services.audit.record({
        event: 'key.primary_reset',
        accountId: principal.account.id,
        keyId: created.row.id,
        actorKeyId: principal.key.id,
        ip,
        details: { previousKeyIds: created.previousKeyIds },
      });
      return { success: true as const, key: created.secret, apiKey: keyView(created.row) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v2/keys/:id',
    scope: 'keys:read',
    rateClass: 'read',
    summary: 'One key (masked)',
    request: { params: IdParams },
    responses: { 200: One },
    handler: async ({ params, principal, services }) => ({ success: true as const, apiKey: keyView(await loadKey(services.db, principal, params.id)) }),
  }),

  defineRoute({
    method: 'patch',
    path: '/v2/keys/:id',
    scope: 'keys:write',
    rateClass: 'keys',
    summary: 'Change name, role/scopes or expiry; effective on the next request',
    request: { params: IdParams, body: UpdateKey },
    responses: { 200: One },
    handler: async ({ params, body, principal, services, ip }) => {
      const target = await loadKey(services.db, principal, params.id);
      assertCanManage(principal, target);
      if (keyStatus(target) === 'revoked') throw new ApiError(409, 'conflict', 'A revoked key can not be changed');
      const changes: Partial<ApiKeysTable> = {};
      if (body.name !== undefined) changes.name = body.name;
      const touchesGrant = body.role !== undefined || body.scopes !== undefined || body.grantAll !== undefined;
      if (target.is_primary && (touchesGrant || body.expiresAt !== undefined)) {
        throw new ApiError(403, 'primary_key_protected', 'The primary key always has every scope and never expires; only its name can change');
      }
      if (touchesGrant) {
        const grant = nextGrant(target, body);
        assertCovers(principal, grant);
        changes.role = grant.role ?? null;
        changes.scopes = JSON.stringify(grant.scopes ?? []);
        changes.grant_all = grant.grantAll ? 1 : 0;
      }
      if (body.expiresAt !== undefined) changes.expires_at = capExpiry(principal, body.expiresAt);
      if (Object.keys(changes).length) {
        await services.keyCache.change(() => services.db.updateTable('api_keys').set(changes).where('id', '=', target.id).execute());
        await services.audit.record({
          event: 'key.updated',
          accountId: principal.account.id,
          keyId: target.id,
          actorKeyId: principal.key.id,
          ip,
          details: { ...body, scopes: body.scopes },
        });
      }
      return { success: true as const, apiKey: keyView(await loadKey(services.db, principal, target.id)) };
    },
  }),

  defineRoute({
    method: 'delete',
    path: '/v2/keys/:id',
    scope: 'keys:write',
    rateClass: 'keys',
    summary: 'Revoke a key at once (the primary key is reset instead)',
    request: { params: IdParams },
    responses: { 200: One },
    handler: async ({ params, principal, services, ip }) => {
      const target = await loadKey(services.db, principal, params.id);
      assertCanManage(principal, target);
      if (target.is_primary) throw new ApiError(403, 'primary_key_protected', 'The primary key can not be revoked; reset it with POST /v2/keys/primary/reset');
      if (!target.revoked_at) {
        await services.keyCache.change(() => services.db.updateTable('api_keys').set({ revoked_at: nowIso() }).where('id', '=', target.id).execute());
        await services.audit.record({ event: 'key.revoked', accountId: principal.account.id, keyId: target.id, actorKeyId: principal.key.id, ip });
      }
      return { success: true as const, apiKey: keyView(await loadKey(services.db, principal, target.id)) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/v2/keys/:id/roll',
    scope: 'keys:write',
    rateClass: 'keys',
    summary: 'Replace a key with a new secret (same name, role, scopes and expiry); the old one works for graceSeconds',
    request: {
      params: IdParams,
      body: z
        .object({ graceSeconds: z.number().int().min(0).max(7 * 86400).default(0) })
        .strict()
        .default({ graceSeconds: 0 }),
    },
    responses: { 201: Created.extend({ previous: z.object({ id: z.string(), expiresAt: z.string().nullable() }) }) },
    handler: async ({ params, body, principal, services, ip }) => {
      const target = await loadKey(services.db, principal, params.id);
      assertCanManage(principal, target);
      if (target.is_primary) throw new ApiError(403, 'primary_key_protected', 'Roll the primary key with POST /v2/keys/primary/reset');
      if (keyStatus(target) !== 'active') throw new ApiError(409, 'conflict', `Only an active key can be rolled (this one is ${keyStatus(target)})`);
      const graceEnd = new Date(Date.now() + body.graceSeconds * 1000).toISOString();
      // The old key never outlives its own expiry; the new one keeps exactly the same expiry.
      const oldEnds = target.expires_at && target.expires_at < graceEnd ? target.expires_at : graceEnd;
      const made = await services.keyCache.change(() => services.db.transaction().execute(async (trx) => {
        const m = await insertKey(trx, {
          accountId: target.account_id,
          name: target.name,
          role: target.role as Role | null,
          scopes: JSON.parse(target.scopes) as string[],
          grantAll: target.grant_all === 1,
          expiresAt: target.expires_at,
          createdBy: principal.key.id,
        });
        await trx.updateTable('api_keys').set({ expires_at: oldEnds, replaced_by: m.row.id }).where('id', '=', target.id).execute();
        return m;
      }));
      await services.audit.record({
        event: 'key.rolled',
        accountId: principal.account.id,
        keyId: made.row.id,
        actorKeyId: principal.key.id,
        ip,
        details: { previousKeyId: target.id, graceSeconds: body.graceSeconds, previousExpiresAt: oldEnds },
      });
      return { success: true as const, key: made.secret, apiKey: keyView(made.row), previous: { id: target.id, expiresAt: oldEnds } };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v2/keys/:id/usage',
    scope: 'keys:read',
    rateClass: 'read',
    summary: 'Requests per day and endpoint class, and the last client addresses, of one key',
    request: { params: IdParams, query: z.object({ days: z.coerce.number().int().min(1).max(35).default(7) }) },
    responses: {
      200: z.object({
        success: z.literal(true),
        keyId: z.string(),
        days: z.array(z.object({ date: z.string(), total: z.number().int(), byClass: z.record(z.string(), z.number().int()) })),
        lastClientAddresses: z.array(z.object({ address: z.string(), lastSeenAt: z.string() })),
      }),
    },
    handler: async ({ params, query, principal, services }) => {
      const target = await loadKey(services.db, principal, params.id);
      return { success: true as const, keyId: target.id, ...(await readUsage(services, target.id, query.days)) };
    },
  }),
];
