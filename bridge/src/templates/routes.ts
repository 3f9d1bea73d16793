/** /v2/templates: movies with `{{variables}}` and their declared variables (editors write, render keys read). */
import { z } from 'zod';
import { notFound } from '../errors';
import { defineRoute } from '../http/route';
import { newId, nowIso } from '../ids';
import { getTemplate, toTemplate, type Template } from './repository';
import { declarationsFor, declaredVariableSchema } from './variables';

const templateMovie = z
  .looseObject({ scenes: z.array(z.unknown()).optional(), elements: z.array(z.unknown()).optional() })
  .describe('A JSON2Video movie whose strings may hold {{variables}}');

const declared = z.array(declaredVariableSchema).max(200).superRefine((list, ctx) => {
  const seen = new Set<string>();
  list.forEach((v, i) => {
    if (seen.has(v.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate variable '${v.name}'` });
    seen.add(v.name);
  });
});

const createBody = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(5000).default(''),
  movie: templateMovie,
  /** Declared variables; when omitted, every plain {{name}} placeholder becomes a required variable. */
  variables: declared.optional(),
});
const updateBody = z.object({
  name: z.string().min(1).max(200).optional(),
  description: z.string().max(5000).optional(),
  movie: templateMovie.optional(),
  variables: declared.optional(),
});

const variableOut = z.object({ name: z.string(), default: z.unknown().optional(), required: z.boolean(), description: z.string() });
const templateOut = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  movie: z.record(z.string(), z.unknown()),
  variables: z.array(variableOut),
  created_at: z.string(),
  updated_at: z.string(),
});
const one = z.object({ success: z.literal(true), template: templateOut });
const idParams = z.object({ id: z.string().min(1).max(64) });

function view(t: Template) {
  return { ...t, movie: t.movie };
}

export const templateRoutes = [
  defineRoute({
    method: 'post',
    path: '/v2/templates',
    scope: 'templates:write',
    rateClass: 'other',
    summary: 'Create a template',
    tags: ['templates'],
    request: { body: createBody },
    responses: { 201: one },
    handler: async ({ body, principal, services }) => {
      const now = nowIso();
      const row = {
        id: newId('tpl'),
        account_id: principal.account.id,
        name: body.name,
        description: body.description,
        movie: JSON.stringify(body.movie),
        variables: JSON.stringify(declarationsFor(body.movie, body.variables)),
        created_at: now,
        updated_at: now,
      };
      await services.db.insertInto('templates').values(row).execute();
      return { success: true as const, template: view(toTemplate(row)) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v2/templates',
    scope: 'templates:read',
    rateClass: 'read',
    summary: 'List templates',
    tags: ['templates'],
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), next_token: z.string().max(100).optional() }) },
    responses: { 200: z.object({ success: z.literal(true), count: z.number(), has_next: z.boolean(), next_token: z.string().nullable(), templates: z.array(templateOut) }) },
    handler: async ({ query, principal, services }) => {
      let q = services.db.selectFrom('templates').selectAll().where('account_id', '=', principal.account.id);
      if (query.next_token) q = q.where('id', '<', query.next_token);
      const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
      const page = rows.slice(0, query.limit).map((r) => view(toTemplate(r)));
      const hasNext = rows.length > query.limit;
      return { success: true as const, count: page.length, has_next: hasNext, next_token: hasNext ? page[page.length - 1].id : null, templates: page };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v2/templates/:id',
    scope: 'templates:read',
    rateClass: 'read',
    summary: 'Get a template',
    tags: ['templates'],
    request: { params: idParams },
    responses: { 200: one },
    handler: async ({ params, principal, services }) => {
      const t = await getTemplate(services.db, principal.account.id, params.id);
      if (!t) throw notFound('Template');
      return { success: true as const, template: view(t) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v2/templates/:id/variables',
    scope: 'templates:read',
    rateClass: 'read',
    summary: 'The variables a template declares',
    tags: ['templates'],
    request: { params: idParams },
    responses: { 200: z.object({ success: z.literal(true), template: z.string(), variables: z.array(variableOut) }) },
    handler: async ({ params, principal, services }) => {
      const t = await getTemplate(services.db, principal.account.id, params.id);
      if (!t) throw notFound('Template');
      return { success: true as const, template: t.id, variables: t.variables };
    },
  }),
  defineRoute({
    method: 'put',
    path: '/v2/templates/:id',
    scope: 'templates:write',
    rateClass: 'other',
    summary: 'Change a template (fields given are replaced)',
    tags: ['templates'],
    request: { params: idParams, body: updateBody },
    responses: { 200: one },
    handler: async ({ params, body, principal, services }) => {
      const t = await getTemplate(services.db, principal.account.id, params.id);
      if (!t) throw notFound('Template');
      const movie = body.movie ?? t.movie;
      const variables = body.variables ?? (body.movie ? declarationsFor(movie, undefined) : t.variables);
      const updated = {
        name: body.name ?? t.name,
        description: body.description ?? t.description,
        movie: JSON.stringify(movie),
        variables: JSON.stringify(variables),
        updated_at: nowIso(),
      };
      await services.db.updateTable('templates').set(updated).where('account_id', '=', principal.account.id).where('id', '=', t.id).execute();
      return { success: true as const, template: view({ ...t, ...updated, movie, variables }) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v2/templates/:id',
    scope: 'templates:write',
    rateClass: 'other',
    summary: 'Delete a template',
    tags: ['templates'],
    request: { params: idParams },
    responses: { 200: z.object({ success: z.literal(true), id: z.string() }) },
    handler: async ({ params, principal, services }) => {
      const res = await services.db.deleteFrom('templates').where('account_id', '=', principal.account.id).where('id', '=', params.id).executeTakeFirst();
      if (Number(res.numDeletedRows ?? 0n) === 0) throw notFound('Template');
      return { success: true as const, id: params.id };
    },
  }),
];
