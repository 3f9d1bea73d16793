/**
 * Rows of `webhook_subscriptions` and `webhook_deliveries` (migration 0004_webhooks), and the queries
 * on them. The delivery rows are the source of truth for what still has to be sent: Bull only holds
 * wake-ups, so a Redis loss or a restart loses nothing (the sweeper re-enqueues from here).
 */
import type { Kysely } from 'kysely';

export interface WebhookSubscriptionsTable {
  id: string;
  account_id: string;
  url: string;
  events: string;
  description: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  /** 1 at creation, +1 per rotation (migration 0008). */
  secret_version: number;
  disabled_at: string | null;
  disabled_reason: string | null;
  failing_since: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export type DeliveryStatus = 'pending' | 'sending' | 'succeeded' | 'failed';

export interface WebhookDeliveriesTable {
  id: string;
  account_id: string;
  subscription_id: string | null;
  dedupe_key: string;
  message_id: string;
  event_type: string;
  project: string | null;
  target: string | null;
  content_type: string;
  body: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: string | null;
  locked_until: string | null;
  last_status_code: number | null;
  last_latency_ms: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  delivered_at: string | null;
  created_at: string;
}

/** One attempt of a delivery (migration 0007_webhook_attempts). */
export interface WebhookAttemptsTable {
  delivery_id: string;
  attempt: number;
  account_id: string;
  attempted_at: string;
  status_code: number | null;
  latency_ms: number | null;
  error: string | null;
}

export interface WebhookTables {
  webhook_subscriptions: WebhookSubscriptionsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_attempts: WebhookAttemptsTable;
}

export type WebhookDb = Kysely<WebhookTables>;
export type SubscriptionRow = WebhookSubscriptionsTable;
export type DeliveryRow = WebhookDeliveriesTable;
export type AttemptRow = WebhookAttemptsTable;

/** Where a destination delivery goes; credentials of a saved connection are looked up at send time. */
export interface DestinationTarget {
  url?: string;
  contentType: 'json' | 'urlencoded';
  connectionId?: string;
  /** `exports[i].destinations[j]`: where the render's sealed blob keeps this destination's inline fields. */
  path?: string;
}

export function parseEvents(row: Pick<SubscriptionRow, 'events'>): string[] {
  return JSON.parse(row.events) as string[];
}

export async function findSubscription(db: WebhookDb, accountId: string, id: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('webhook_subscriptions').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
}

export async function findDelivery(db: WebhookDb, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A delivery's attempts, first to last. */
export async function listAttempts(db: WebhookDb, deliveryId: string): Promise<AttemptRow[]> {
  return db.selectFrom('webhook_attempts').selectAll().where('delivery_id', '=', deliveryId).orderBy('attempt').execute();
}

/**
 * Records one attempt (status code and latency, or the error when no answer came). An attempt number
 * seen again (its process died before moving the row on, and another sent it anew) keeps the newer outcome.
 */
export async function insertAttempt(db: WebhookDb, row: AttemptRow): Promise<void> {
  const { attempted_at, status_code, latency_ms, error } = row;
  await db
    .insertInto('webhook_attempts')
    .values(row)
    .onConflict((oc) => oc.columns(['delivery_id', 'attempt']).doUpdateSet({ attempted_at, status_code, latency_ms, error }))
    .execute();
}

/** Inserts deliveries, skipping any whose dedupe key exists; returns the rows actually inserted. */
export async function insertDeliveries(db: WebhookDb, rows: DeliveryRow[]): Promise<DeliveryRow[]> {
  const inserted: DeliveryRow[] = [];
  for (const row of rows) {
    const result = await db
      .insertInto('webhook_deliveries')
      .values(row)
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) inserted.push(row);
  }
  return inserted;
}

/**
 * Claims a delivery for one attempt: only the job for the row's current attempt number, and only when
 * nobody else holds it (or their lock lapsed because that process died). This makes duplicate Bull
 * jobs — from the sweeper, a second bridge, or a stalled job Bull re-runs — harmless.
 */
export async function claimDelivery(db: WebhookDb, id: string, attempt: number, now: Date, lockMs: number): Promise<boolean> {
  const nowIso = now.toISOString();
  const result = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'sending', locked_until: new Date(now.getTime() + lockMs).toISOString() })
    .where('id', '=', id)
    .where('attempts', '=', attempt)
    .where((eb) =>
      eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', nowIso)])]),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deliveries that need a Bull job: pending ones due before `horizon`, and `sending` ones whose holder died. */
export async function dueDeliveries(db: WebhookDb, now: Date, horizon: Date, limit: number): Promise<Pick<DeliveryRow, 'id' | 'attempts' | 'next_attempt_at'>[]> {
  return db
    .selectFrom('webhook_deliveries')
    .select(['id', 'attempts', 'next_attempt_at'])
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', horizon.toISOString())]),
        eb.and([eb('status', '=', 'sending'), eb('locked_until', '<', now.toISOString())]),
      ]),
    )
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
}
