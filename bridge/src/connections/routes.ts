/** `/v2/connection-types` and `/v2/connections`: saved third-party credentials, secrets masked on every read. */
import { z } from 'zod';
import { connectionTypeNames, connectionTypeOf, describeConnectionTypes, extraIssues, type ConnectionType } from '@reelay/renderer/src/connections/types';
import { ApiError, formatJsonPath, notFound, validationError, type ValidationProblem } from '../errors';
import { defineRoute } from '../http/route';
import type { Principal } from '../keys/principal';
import type { Services } from '../services';
import { deleteRow, findRow, insertRow, listRows, maskedView, openRow, updateRow } from './repository';
import { resealPendingRenders } from './requeue';
import { vaultOf } from './vault';

/** Lower-case letters, digits and dashes, starting and ending with a letter or digit. */
export const CONNECTION_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;
const RESERVED = new Set(['id', 'type', 'name']);

const IdParams = z.object({ id: z.string().min(1).max(64) });
const TypeName = z.enum(connectionTypeNames as [ConnectionType, ...ConnectionType[]]);
const CreateBody = z.looseObject({
  id: z.string().regex(CONNECTION_ID, 'lower-case letters, digits and dashes (e.g. my-elevenlabs), at most 64'),
  type: TypeName,
  name: z.string().trim().min(1).max(100).optional(),
});
const UpdateBody = z.looseObject({
  type: z.string().optional().describe('cannot change; only accepted when equal to the saved type'),
  name: z.string().trim().min(1).max(100).nullable().optional(),
});
const ConnectionView = z
  .looseObject({
    id: z.string(),
    type: z.string(),
    name: z.string().nullable(),
    masked: z.array(z.string()).describe('sensitive fields that are set (their values are never returned)'),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('A connection; sensitive fields read "••••••••"');
const One = z.object({ success: z.literal(true), connection: ConnectionView });

function fieldsOf(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !RESERVED.has(k)));
}

/** Validates a full configuration against its type; throws 400 with every problem's path. */
function checkConfig(type: ConnectionType, config: Record<string, unknown>): Record<string, unknown> {
  const parsed = connectionTypeOf(type).schema.safeParse(config);
  const problems: ValidationProblem[] = parsed.success
    ? extraIssues(type, parsed.data as Record<string, unknown>).map((i) => ({ path: i.path, message: i.message, in: 'body' as const }))
    : parsed.error.issues.map((i) => ({ path: formatJsonPath(i.path as PropertyKey[]), message: i.message, in: 'body' as const }));
  if (problems.length > 0) throw validationError(problems);
  return parsed.data as Record<string, unknown>;
}

async function audit(services: Services, principal: Principal, ip: string, event: string, details: Record<string, unknown>): Promise<void> {
  await services.audit.record({ event, accountId: principal.account.id, actorKeyId: principal.key.id, ip, details });
}

export const connectionRoutes = [
  defineRoute({
    method: 'get',
    path: '/v2/connection-types',
    scope: 'authenticated',
    rateClass: 'read',
    summary: 'Connection types: their fields (JSON Schema), which are sensitive, and which a key without connections:write may override',
    responses: {
      200: z.object({
        success: z.literal(true),
        types: z.array(
          z.object({
            type: z.string(),
            title: z.string(),
            kind: z.enum(['voice', 'image', 'destination']),
            models: z.array(z.string()),
            sensitive: z.array(z.string()),
            where: z.array(z.string()).describe('fields that decide where a saved secret is sent'),
            renderOverridable: z.array(z.string()).describe('the only fields a key without connections:write may override inline'),
            schema: z.unknown(),
          }),
        ),
        notes: z.string(),
      }),
    },
    handler: () => ({
      success: true as const,
      types: describeConnectionTypes(),
      notes: 'The local voice model (espeak-ng) needs no connection. `type` can never be overridden inline.',
    }),
  }),

  defineRoute({
    method: 'post',
    path: '/v2/connections',
    scope: 'connections:write',
    rateClass: 'other',
    summary: 'Save a connection (sensitive fields are encrypted and never shown again)',
    request: { body: CreateBody },
    responses: { 201: One },
    handler: async ({ body, principal, services, ip }) => {
      const config = checkConfig(body.type, fieldsOf(body));
      if (await findRow(services.db, principal.account.id, body.id)) {
        throw new ApiError(409, 'conflict', `A connection with id '${body.id}' already exists`, { path: 'id' });
      }
      const row = await insertRow(services.db, vaultOf(services).ring, { accountId: principal.account.id, id: body.id, type: body.type, name: body.name ?? null, config }).catch(
        (err: Error) => {
          // Two concurrent creates of the same id: the primary key decides.
          if (/unique|duplicate|primary key/i.test(err.message)) throw new ApiError(409, 'conflict', `A connection with id '${body.id}' already exists`, { path: 'id' });
          throw err;
        },
      );
      await audit(services, principal, ip, 'connection.created', { id: body.id, type: body.type });
      return { success: true as const, connection: maskedView(row) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v2/connections',
    scope: 'connections:read',
    rateClass: 'read',
    summary: 'List connections (sensitive fields masked)',
    responses: { 200: z.object({ success: z.literal(true), connections: z.array(ConnectionView) }) },
    handler: async ({ principal, services }) => ({
      success: true as const,
      connections: (await listRows(services.db, principal.account.id)).map(maskedView),
    }),
  }),

  defineRoute({
    method: 'get',
    path: '/v2/connections/:id',
    scope: 'connections:read',
    rateClass: 'read',
    summary: 'Read a connection (sensitive fields masked)',
    request: { params: IdParams },
    responses: { 200: One },
    handler: async ({ params, principal, services }) => {
      const row = await findRow(services.db, principal.account.id, params.id);
      if (!row) throw notFound('Connection');
      return { success: true as const, connection: maskedView(row) };
    },
  }),

  defineRoute({
    method: 'patch',
    path: '/v2/connections/:id',
    scope: 'connections:write',
    rateClass: 'other',
    summary: 'Change a connection: give a field to set it, null to clear an optional one; re-enter a sensitive field to rotate it',
    description: 'The type cannot change. Renders still waiting in the queue are re-sealed with the new form.',
    request: { params: IdParams, body: UpdateBody },
    responses: { 200: One },
    handler: async ({ params, body, principal, services, ip }) => {
      const { ring } = vaultOf(services);
      const row = await findRow(services.db, principal.account.id, params.id);
      if (!row) throw notFound('Connection');
      if (body.type !== undefined && body.type !== row.type) {
        throw validationError([{ path: 'type', message: `the type of a connection cannot change (it is ${row.type}); create a new connection instead`, in: 'body' }]);
      }
      const current = openRow(ring, row);
      const changes = fieldsOf(body);
      const config = { ...current.config };
      for (const [field, value] of Object.entries(changes)) {
        if (value === null) delete config[field];
        else config[field] = value;
      }
      const checked = checkConfig(current.type, config);
      const name = body.name === undefined ? row.name : body.name;
      const updated = await updateRow(services.db, ring, { accountId: principal.account.id, id: row.id, type: current.type, name, config: checked });
      if (!updated) throw notFound('Connection');
      const sensitive = connectionTypeOf(current.type).sensitive;
      await audit(services, principal, ip, 'connection.updated', {
        id: row.id,
        fields: Object.keys(changes).filter((f) => !sensitive.includes(f)),
        rotated: Object.keys(changes).filter((f) => sensitive.includes(f)),
      });
      const resealed = await resealPendingRenders(services, principal.account.id, row.id);
      if (resealed > 0) services.logger.info({ connection: row.id, renders: resealed }, 'pending renders re-sealed after a connection change');
      return { success: true as const, connection: maskedView(updated) };
    },
  }),

  defineRoute({
    method: 'delete',
    path: '/v2/connections/:id',
    scope: 'connections:write',
    rateClass: 'other',
    summary: 'Delete a connection; movies naming it fail until it is recreated',
    request: { params: IdParams },
    responses: { 200: z.object({ success: z.literal(true), id: z.string() }) },
    handler: async ({ params, principal, services, ip }) => {
      if (!(await deleteRow(services.db, principal.account.id, params.id))) throw notFound('Connection');
      await audit(services, principal, ip, 'connection.deleted', { id: params.id });
      await resealPendingRenders(services, principal.account.id, params.id);
      return { success: true as const, id: params.id };
    },
  }),
];
