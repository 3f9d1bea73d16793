/**
 * `/v2/webhooks`: subscriptions (n8n's trigger, Zapier REST hooks, Make attach/detach and manual setup
 * all use this one surface), their secrets, test sends and the delivery log. Another account's ids
 * answer 404 everywhere.
 */
import { z } from 'zod';
import { ApiError, notFound, validationError } from '../errors';
import { defineRoute } from '../http/route';
import { PageQuery, page } from '../http/pagination';
import type { Principal } from '../keys/principal';
import type { Services } from '../services';
import { redeliver, sendPing } from './events';
import { webhooksOf } from './feature';
import { SUBSCRIBABLE_EVENT_TYPES } from './payloads';
import { type AttemptRow, type DeliveryRow, findDelivery, findSubscription, listAttempts } from './store';
import { createSubscription, deleteSubscription, rotateSecret, subscriptionView, updateSubscription } from './subscriptions';
import { targetUrlProblem } from './target-url';

/** Keeps one account from turning the bridge into a request amplifier. */
export const MAX_SUBSCRIPTIONS_PER_ACCOUNT = 100;

const EventName = z.enum(SUBSCRIBABLE_EVENT_TYPES);
const Url = z.string().max(2048);
const IdParams = z.object({ id: z.string().min(1).max(100) });
const DeliveryIdParams = z.object({ deliveryId: z.string().min(1).max(100) });
const DeliveryParams = z.object({ id: z.string().min(1).max(100), deliveryId: z.string().min(1).max(100) });

const CreateBody = z
  .object({
    url: Url.optional().describe('Where to POST events (e.g. an n8n webhook, a Make custom webhook, a Zapier Catch Hook)'),
    target_url: Url.optional().describe('Alias of url (Zapier REST hooks send target_url)'),
    events: z.array(EventName).min(1).optional().describe('@default ["movie.done","movie.error"]'),
    event: EventName.optional().describe('One event (Zapier REST hooks send event)'),
    description: z.string().trim().max(500).optional(),
  })
  .describe('Give url or target_url; events or event (default: both movie events)');

const UpdateBody = z.object({
  events: z.array(EventName).min(1).optional(),
  description: z.string().trim().max(500).nullable().optional(),
  disabled: z.boolean().optional().describe('false re-enables a subscription disabled by a 410 or by failures'),
});

const WebhookView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  disabled: z.boolean(),
  disabled_at: z.string().nullable(),
  disabled_reason: z.string().nullable(),
  failing_since: z.string().nullable(),
  secret_rotating_until: z.string().nullable().describe('until then deliveries carry the old and the new signature'),
  secret_version: z.number().describe('1 at creation, one more on every rotation: a receiver holding an older version must get the new secret'),
  created_at: z.string(),
  updated_at: z.string(),
});

const DeliveryView = z.object({
  id: z.string(),
  webhook: z.string().nullable().describe('subscription id; null for a movie\'s own exports webhook'),
  message_id: z.string().describe('the webhook-id header, the same on every attempt'),
  event: z.string(),
  project: z.string().nullable(),
  status: z.enum(['pending', 'sending', 'succeeded', 'failed']),
  attempts: z.number(),
  last_status_code: z.number().nullable(),
  last_latency_ms: z.number().nullable(),
  last_error: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  next_attempt_at: z.string().nullable(),
  delivered_at: z.string().nullable(),
  created_at: z.string(),
});

const AttemptView = z.object({
  attempt: z.number().describe('1 for the first try'),
  at: z.string(),
  status_code: z.number().nullable().describe("the receiver's answer; null when none came (refused, timed out)"),
  latency_ms: z.number().nullable(),
  error: z.string().nullable(),
});

const attemptView = (row: AttemptRow): z.infer<typeof AttemptView> => ({
  attempt: Number(row.attempt),
  at: row.attempted_at,
  status_code: row.status_code === null ? null : Number(row.status_code),
  latency_ms: row.latency_ms === null ? null : Number(row.latency_ms),
  error: row.error,
});

const OneWebhook = z.object({ success: z.literal(true), webhook: WebhookView });
const WithSecret = z.object({
  success: z.literal(true),
  id: z.string(),
  secret: z.string().describe('whsec_…: verify signatures with it (Standard Webhooks). Shown only now.'),
  webhook: WebhookView,
});
const OneDelivery = z.object({ success: z.literal(true), delivery: DeliveryView });
const DeliveryWithAttempts = z.object({ success: z.literal(true), delivery: DeliveryView, attempts: z.array(AttemptView) });
const DeliveryPage = z.object({ success: z.literal(true), deliveries: z.array(DeliveryView), nextCursor: z.string().nullable() });

function deliveryView(row: DeliveryRow): z.infer<typeof DeliveryView> {
  return {
    id: row.id,
    webhook: row.subscription_id,
    message_id: row.message_id,
    event: row.event_type,
    project: row.project,
    status: row.status,
    attempts: Number(row.attempts),
    last_status_code: row.last_status_code === null ? null : Number(row.last_status_code),
    last_latency_ms: row.last_latency_ms === null ? null : Number(row.last_latency_ms),
    last_error: row.last_error,
    last_attempt_at: row.last_attempt_at,
    next_attempt_at: row.status === 'pending' ? row.next_attempt_at : null,
    delivered_at: row.delivered_at,
    created_at: row.created_at,
  };
}

async function audit(services: Services, principal: Principal, ip: string, event: string, details: Record<string, unknown>): Promise<void> {
  await services.audit.record({ event, accountId: principal.account.id, actorKeyId: principal.key.id, ip, details });
}

/** One page of an account's delivery log, newest first, optionally for one subscription or project. */
async function deliveryPage(
  services: Services,
  filter: { accountId: string; subscriptionId?: string; project?: string },
  query: { cursor?: string; limit: number },
) {
  let q = webhooksOf(services).db.selectFrom('webhook_deliveries').selectAll().where('account_id', '=', filter.accountId);
  if (filter.subscriptionId) q = q.where('subscription_id', '=', filter.subscriptionId);
  if (filter.project) q = q.where('project', '=', filter.project);
  if (query.cursor) q = q.where('id', '<', query.cursor);
  const rows = await q.orderBy('id', 'desc').limit(query.limit + 1).execute();
  const { items, nextCursor } = page(rows, query.limit);
  return { deliveries: items.map(deliveryView), nextCursor };
}

async function ownSubscription(services: Services, principal: Principal, id: string) {
  const row = await findSubscription(webhooksOf(services).db, principal.account.id, id);
  if (!row) throw notFound('Webhook');
  return row;
}

export const webhookRoutes = [
  defineRoute({
    method: 'post',
    path: '/v2/webhooks',
    scope: 'webhooks:write',
    rateClass: 'other',
    summary: 'Subscribe a URL to movie events; the signing secret is returned only in this answer',
    request: { body: CreateBody },
    responses: { 201: WithSecret },
    handler: async ({ body, principal, services, ip }) => {
      const { db, cipher } = webhooksOf(services);
      const url = body.url ?? body.target_url;
      if (!url) throw validationError([{ path: 'url', message: 'give url (or target_url)', in: 'body' }]);
      const problem = await targetUrlProblem(url, services.config.allowPrivateUrls);
      if (problem) throw new ApiError(400, 'forbidden_url', `${body.url ? 'url' : 'target_url'}: ${problem}`, [{ path: body.url ? 'url' : 'target_url', message: problem, in: 'body' }]);
      const count = await db.selectFrom('webhook_subscriptions').select((eb) => eb.fn.countAll().as('n')).where('account_id', '=', principal.account.id).executeTakeFirst();
      if (Number(count?.n ?? 0) >= MAX_SUBSCRIPTIONS_PER_ACCOUNT) {
        throw new ApiError(409, 'conflict', `An account may have at most ${MAX_SUBSCRIPTIONS_PER_ACCOUNT} webhook subscriptions; delete unused ones`);
      }
      const events = body.events ?? (body.event ? [body.event] : [...SUBSCRIBABLE_EVENT_TYPES]);
      const { row, secret } = await createSubscription(db, cipher, {
        accountId: principal.account.id,
        url,
        events,
        description: body.description ?? null,
        createdBy: principal.key.id,
      });
      await audit(services, principal, ip, 'webhook.created', { webhookId: row.id, events });
      return { success: true as const, id: row.id, secret, webhook: subscriptionView(row) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v2/webhooks',
    scope: 'webhooks:read',
    rateClass: 'read',
    summary: 'List webhook subscriptions (without secrets)',
    responses: { 200: z.object({ success: z.literal(true), webhooks: z.array(WebhookView) }) },
    handler: async ({ principal, services }) => {
      const rows = await webhooksOf(services).db.selectFrom('webhook_subscriptions').selectAll().where('account_id', '=', principal.account.id).orderBy('id', 'desc').execute();
      return { success: true as const, webhooks: rows.map((r) => subscriptionView(r)) };
    },
  }),

  // Before `/v2/webhooks/:id`, which would otherwise take "deliveries" for an id.
  defineRoute({
    method: 'get',
    path: '/v2/webhooks/deliveries',
    scope: 'webhooks:read',
    rateClass: 'read',
    summary: "Every delivery of the account, newest first: subscriptions' and movies' own exports webhooks",
    request: { query: PageQuery.extend({ project: z.string().max(100).optional() }) },
    responses: { 200: DeliveryPage },
    handler: async ({ query, principal, services }) => ({
      success: true as const,
      ...(await deliveryPage(services, { accountId: principal.account.id, project: query.project }, query)),
    }),
  }),

  defineRoute({
    method: 'get',
    path: '/v2/webhooks/deliveries/:deliveryId',
    scope: 'webhooks:read',
    rateClass: 'read',
    summary: 'One delivery with every attempt: when, the status code or error, and the latency',
    request: { params: DeliveryIdParams },
    responses: { 200: DeliveryWithAttempts },
    handler: async ({ params, principal, services }) => {
      const { db } = webhooksOf(services);
      const row = await findDelivery(db, params.deliveryId);
      if (!row || row.account_id !== principal.account.id) throw notFound('Delivery');
      return { success: true as const, delivery: deliveryView(row), attempts: (await listAttempts(db, row.id)).map(attemptView) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v2/webhooks/:id',
    scope: 'webhooks:read',
    rateClass: 'read',
    summary: 'Read a webhook subscription (without its secret)',
    request: { params: IdParams },
    responses: { 200: OneWebhook },
    handler: async ({ params, principal, services }) => ({
      success: true as const,
      webhook: subscriptionView(await ownSubscription(services, principal, params.id)),
    }),
  }),

  defineRoute({
    method: 'patch',
    path: '/v2/webhooks/:id',
    scope: 'webhooks:write',
    rateClass: 'other',
    summary: 'Change events or description, or disable / re-enable a subscription',
    request: { params: IdParams, body: UpdateBody },
    responses: { 200: OneWebhook },
    handler: async ({ params, body, principal, services, ip }) => {
      const row = await updateSubscription(webhooksOf(services).db, principal.account.id, params.id, body);
      if (!row) throw notFound('Webhook');
      await audit(services, principal, ip, 'webhook.updated', { webhookId: row.id, changed: Object.keys(body) });
      return { success: true as const, webhook: subscriptionView(row) };
    },
  }),

  defineRoute({
    method: 'delete',
    path: '/v2/webhooks/:id',
    scope: 'webhooks:write',
    rateClass: 'other',
    summary: 'Delete a subscription and its delivery log',
    request: { params: IdParams },
    responses: { 200: z.object({ success: z.literal(true), id: z.string() }) },
    handler: async ({ params, principal, services, ip }) => {
      if (!(await deleteSubscription(webhooksOf(services).db, principal.account.id, params.id))) throw notFound('Webhook');
      await audit(services, principal, ip, 'webhook.deleted', { webhookId: params.id });
      return { success: true as const, id: params.id };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/v2/webhooks/:id/rotate-secret',
    scope: 'webhooks:write',
    rateClass: 'other',
    summary: 'New signing secret (returned only now); the old one also signs for 24 h',
    request: { params: IdParams },
    responses: { 200: WithSecret },
    handler: async ({ params, principal, services, ip }) => {
      const { db, cipher } = webhooksOf(services);
      const rotated = await rotateSecret(db, cipher, principal.account.id, params.id);
      if (!rotated) throw notFound('Webhook');
      await audit(services, principal, ip, 'webhook.secret_rotated', { webhookId: params.id });
      return { success: true as const, id: rotated.row.id, secret: rotated.secret, webhook: subscriptionView(rotated.row) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/v2/webhooks/:id/test',
    scope: 'webhooks:write',
    rateClass: 'other',
    summary: 'Send a signed `ping` event now (also to a disabled subscription); see its outcome in the deliveries',
    request: { params: IdParams },
    responses: { 202: OneDelivery },
    handler: async ({ params, principal, services }) => {
      const row = await ownSubscription(services, principal, params.id);
      return { success: true as const, delivery: deliveryView(await sendPing(webhooksOf(services), row)) };
    },
  }),

  defineRoute({
    method: 'get',
    path: '/v2/webhooks/:id/deliveries',
    scope: 'webhooks:read',
    rateClass: 'read',
    summary: 'Delivery log of a subscription, newest first: event, attempts, last status code, latency, next retry',
    request: { params: IdParams, query: PageQuery },
    responses: { 200: DeliveryPage },
    handler: async ({ params, query, principal, services }) => {
      const row = await ownSubscription(services, principal, params.id);
      return { success: true as const, ...(await deliveryPage(services, { accountId: principal.account.id, subscriptionId: row.id }, query)) };
    },
  }),

  defineRoute({
    method: 'post',
    path: '/v2/webhooks/:id/deliveries/:deliveryId/redeliver',
    scope: 'webhooks:write',
    rateClass: 'other',
    summary: 'Send a logged delivery again (same body and webhook-id, fresh retry schedule)',
    request: { params: DeliveryParams },
    responses: { 202: OneDelivery },
    handler: async ({ params, principal, services }) => {
      const subscription = await ownSubscription(services, principal, params.id);
      const deps = webhooksOf(services);
      const original = await findDelivery(deps.db, params.deliveryId);
      if (!original || original.subscription_id !== subscription.id || original.account_id !== principal.account.id) throw notFound('Delivery');
      return { success: true as const, delivery: deliveryView(await redeliver(deps, original)) };
    },
  }),
];
