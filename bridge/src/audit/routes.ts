/** `GET /v2/audit`: key lifecycle events and failed authentications of the caller's account. */
import { z } from 'zod';
import { notFound } from '../errors';
import { defineRoute } from '../http/route';
import { PageQuery, page } from '../http/pagination';
import type { AuditLogTable } from '../store/schema';

const Entry = z.object({
  id: z.string(),
  event: z.string(),
  keyId: z.string().nullable(),
  actorKeyId: z.string().nullable(),
  ip: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});

function view(r: AuditLogTable): z.infer<typeof Entry> {
  return { id: r.id, event: r.event, keyId: r.key_id, actorKeyId: r.actor_key_id, ip: r.ip, details: JSON.parse(r.details), createdAt: r.created_at };
}

export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/v2/audit',
    scope: 'keys:read',
    rateClass: 'read',
    summary: 'Audit log, newest first: key mutations and failed authentications',
    request: { query: PageQuery.extend({ event: z.string().max(64).optional().describe('e.g. auth.failed, key.created') }) },
    responses: { 200: z.object({ success: z.literal(true), entries: z.array(Entry), nextCursor: z.string().nullable() }) },
    handler: async ({ query, principal, services }) => {
      let q = services.db.selectFrom('audit_log').selectAll().where('account_id', '=', principal.account.id).orderBy('id', 'desc').limit(query.limit + 1);
      if (query.cursor) q = q.where('id', '<', query.cursor);
      if (query.event) q = q.where('event', '=', query.event);
      const { items, nextCursor } = page(await q.execute(), query.limit);
      return { success: true as const, entries: items.map(view), nextCursor };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v2/audit/:id',
    scope: 'keys:read',
    rateClass: 'read',
    summary: 'One audit entry',
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: { 200: z.object({ success: z.literal(true), entry: Entry }) },
    handler: async ({ params, principal, services }) => {
      const row = await services.db.selectFrom('audit_log').selectAll().where('id', '=', params.id).where('account_id', '=', principal.account.id).executeTakeFirst();
      if (!row) throw notFound('Audit entry');
      return { success: true as const, entry: view(row) };
    },
  }),
];
