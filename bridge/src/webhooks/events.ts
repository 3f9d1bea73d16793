/**
 * Turning things that happened into delivery rows. `publishMovieEvent` is the one entry point the
 * render pipeline calls when a render ends (done or error): it fans the event out to the account's
 * subscriptions for that event and to the movie's own `exports` webhook destinations, once each —
 * calling it twice for the same render (Bull delivers render events at least once) adds nothing.
 *
 * Nothing here looks at API keys: a render accepted before its key was revoked still notifies.
 */
import { newId } from '../ids';
import type { DeliveryQueue } from './delivery-queue';
import { type ConnectionResolver, movieWebhookDestinations } from './destinations';
import {
  type MovieEventData,
  type MovieEventType,
  type WebhookEventType,
  encodeBody,
  json2videoBody,
  movieEventDataSchema,
  pingData,
  standardEventBody,
} from './payloads';
import { generateMessageId } from './signing';
import { type DeliveryRow, type SubscriptionRow, type WebhookDb, insertDeliveries, parseEvents } from './store';

export interface MovieEvent {
  accountId: string;
  type: MovieEventType;
  data: MovieEventData;
  /** The stored movie JSON, for its `exports[].destinations[]` webhooks (omit when there are none). */
  movie?: unknown;
}

export interface WebhookEventsDeps {
  db: WebhookDb;
  deliveries: DeliveryQueue;
  resolveConnection?: ConnectionResolver;
}

type DeliveryFields = Pick<DeliveryRow, 'account_id' | 'subscription_id' | 'dedupe_key' | 'event_type' | 'project' | 'target' | 'content_type' | 'body'>;

/** A pending delivery due now; a new message id unless it re-sends an existing message. */
function newDelivery({ message_id, ...fields }: DeliveryFields & { message_id?: string }, now: Date): DeliveryRow {
  return {
    ...fields,
    id: newId('whd'),
    message_id: message_id ?? generateMessageId(),
    status: 'pending',
    attempts: 0,
    next_attempt_at: now.toISOString(),
    locked_until: null,
    last_status_code: null,
    last_latency_ms: null,
    last_error: null,
    last_attempt_at: null,
    delivered_at: null,
    created_at: now.toISOString(),
  };
}

function subscriptionDelivery(subscription: SubscriptionRow, type: WebhookEventType, data: Record<string, unknown>, dedupeKey: string, project: string | null, now: Date): DeliveryRow {
  const body = encodeBody({ ...standardEventBody(type, data, now) }, 'json');
  return newDelivery(
    {
      account_id: subscription.account_id,
      subscription_id: subscription.id,
      dedupe_key: dedupeKey,
      event_type: type,
      project,
      target: null,
      content_type: body.mediaType,
      body: body.text,
    },
    now,
  );
}

/** Creates and enqueues the deliveries of one render event; returns the ones created by this call. */
export async function publishMovieEvent(deps: WebhookEventsDeps, event: MovieEvent): Promise<DeliveryRow[]> {
  const data = movieEventDataSchema.parse(event.data);
  const now = new Date();
  const subscriptions = await deps.db
    .selectFrom('webhook_subscriptions')
    .selectAll()
    .where('account_id', '=', event.accountId)
    .where('disabled_at', 'is', null)
    .execute();
  const rows: DeliveryRow[] = subscriptions
    .filter((s) => parseEvents(s).includes(event.type))
    .map((s) => subscriptionDelivery(s, event.type, data, `sub:${s.id}:${event.type}:${data.project}`, data.project, now));

  for (const destination of await movieWebhookDestinations(event.movie, event.accountId, deps.resolveConnection)) {
    const body = encodeBody(json2videoBody(data), destination.target.contentType);
    rows.push(
      newDelivery(
        {
          account_id: event.accountId,
          subscription_id: null,
          dedupe_key: `dest:${data.project}:${destination.path}:${event.type}`,
          event_type: event.type,
          project: data.project,
          target: JSON.stringify(destination.target),
          content_type: body.mediaType,
          body: body.text,
        },
        now,
      ),
    );
  }
  const inserted = await insertDeliveries(deps.db, rows);
  await Promise.all(inserted.map((row) => deps.deliveries.enqueue(row, now)));
  return inserted;
}

/** `POST /v2/webhooks/:id/test`: a `ping` to one subscription, whatever events it asked for. */
export async function sendPing(deps: WebhookEventsDeps, subscription: SubscriptionRow): Promise<DeliveryRow> {
  const now = new Date();
  const row = subscriptionDelivery(subscription, 'ping', pingData(subscription.id), `ping:${newId('p')}`, null, now);
  await insertDeliveries(deps.db, [row]);
  await deps.deliveries.enqueue(row, now);
  return row;
}

/**
 * Sends a logged delivery again as a new delivery of the same message: same body and `webhook-id` (it
 * is the same event, so receivers that deduplicate on it stay correct), a fresh retry schedule.
 */
export async function redeliver(deps: WebhookEventsDeps, original: DeliveryRow): Promise<DeliveryRow> {
  const now = new Date();
  const row = newDelivery(
    {
      account_id: original.account_id,
      subscription_id: original.subscription_id,
      dedupe_key: `redeliver:${original.id}:${newId('r')}`,
      message_id: original.message_id,
      event_type: original.event_type,
      project: original.project,
      target: original.target,
      content_type: original.content_type,
      body: original.body,
    },
    now,
  );
  await insertDeliveries(deps.db, [row]);
  await deps.deliveries.enqueue(row, now);
  return row;
}
