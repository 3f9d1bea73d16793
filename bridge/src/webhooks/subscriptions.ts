/**
 * Subscription lifecycle: create (the secret is returned this once), change, rotate the secret, delete.
 * Routes call these; so do tests and the CLI. Every function takes the account id, so an id of another
 * account is simply not found.
 */
import { newId } from '../ids';
import { type SecretCipher, ROTATION_OVERLAP_MS, sealSecret } from './secrets';
import { generateWebhookSecret } from './signing';
import { type SubscriptionRow, type WebhookDb, findSubscription, parseEvents } from './store';

export interface NewSubscription {
  accountId: string;
  url: string;
  events: string[];
  description?: string | null;
  createdBy?: string | null;
}

/** The public view: never the secret (shown only by create and rotate). */
export interface SubscriptionView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  disabled: boolean;
  disabled_at: string | null;
  disabled_reason: string | null;
  failing_since: string | null;
  secret_rotating_until: string | null;
  secret_version: number;
  created_at: string;
  updated_at: string;
}

export function subscriptionView(row: SubscriptionRow, now = new Date()): SubscriptionView {
  const overlap = row.previous_secret_expires_at && row.previous_secret_expires_at > now.toISOString() ? row.previous_secret_expires_at : null;
  return {
    id: row.id,
    url: row.url,
    events: parseEvents(row),
    description: row.description,
    disabled: row.disabled_at !== null,
    disabled_at: row.disabled_at,
    disabled_reason: row.disabled_reason,
    failing_since: row.failing_since,
    secret_rotating_until: overlap,
    secret_version: Number(row.secret_version),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function createSubscription(db: WebhookDb, cipher: SecretCipher, input: NewSubscription): Promise<{ row: SubscriptionRow; secret: string }> {
  const now = new Date().toISOString();
  const id = newId('wh');
  const secret = generateWebhookSecret();
  const row: SubscriptionRow = {
    id,
    account_id: input.accountId,
    url: input.url,
    events: JSON.stringify([...new Set(input.events)]),
    description: input.description ?? null,
    secret: sealSecret(cipher, input.accountId, id, secret),
    previous_secret: null,
    previous_secret_expires_at: null,
    secret_version: 1,
    disabled_at: null,
    disabled_reason: null,
    failing_since: null,
    created_by: input.createdBy ?? null,
    created_at: now,
    updated_at: now,
  };
  await db.insertInto('webhook_subscriptions').values(row).execute();
  return { row, secret };
}

export interface SubscriptionChanges {
  events?: string[];
  description?: string | null;
  /** false re-enables (and forgets the failure streak); true disables by hand. */
  disabled?: boolean;
}

export async function updateSubscription(db: WebhookDb, accountId: string, id: string, changes: SubscriptionChanges): Promise<SubscriptionRow | undefined> {
  const current = await findSubscription(db, accountId, id);
  if (!current) return undefined;
  const now = new Date().toISOString();
  const set: Partial<SubscriptionRow> = { updated_at: now };
  if (changes.events) set.events = JSON.stringify([...new Set(changes.events)]);
  if (changes.description !== undefined) set.description = changes.description;
  if (changes.disabled === true && !current.disabled_at) Object.assign(set, { disabled_at: now, disabled_reason: 'disabled by request' });
  if (changes.disabled === false) Object.assign(set, { disabled_at: null, disabled_reason: null, failing_since: null });
  await db.updateTable('webhook_subscriptions').set(set).where('id', '=', id).where('account_id', '=', accountId).execute();
  return findSubscription(db, accountId, id);
}

/** New secret now; the old one keeps signing (as a second signature) for 24 h so receivers can switch. */
export async function rotateSecret(db: WebhookDb, cipher: SecretCipher, accountId: string, id: string): Promise<{ row: SubscriptionRow; secret: string } | undefined> {
  const current = await findSubscription(db, accountId, id);
  if (!current) return undefined;
  const now = new Date();
  const secret = generateWebhookSecret();
  await db
    .updateTable('webhook_subscriptions')
    .set({
      secret: sealSecret(cipher, accountId, id, secret),
      previous_secret: current.secret,
      previous_secret_expires_at: new Date(now.getTime() + ROTATION_OVERLAP_MS).toISOString(),
      secret_version: (eb) => eb('secret_version', '+', 1),
      updated_at: now.toISOString(),
    })
    .where('id', '=', id)
    .where('account_id', '=', accountId)
    .execute();
  const row = await findSubscription(db, accountId, id);
  return row ? { row, secret } : undefined;
}

/** Deletes the subscription and its delivery log; queued jobs for it find no row and do nothing. */
export async function deleteSubscription(db: WebhookDb, accountId: string, id: string): Promise<boolean> {
  const current = await findSubscription(db, accountId, id);
  if (!current) return false;
  await db.transaction().execute(async (trx) => {
    const log = trx.selectFrom('webhook_deliveries').select('id').where('subscription_id', '=', id).where('account_id', '=', accountId);
    await trx.deleteFrom('webhook_attempts').where('delivery_id', 'in', log).execute();
    await trx.deleteFrom('webhook_deliveries').where('subscription_id', '=', id).where('account_id', '=', accountId).execute();
    await trx.deleteFrom('webhook_subscriptions').where('id', '=', id).where('account_id', '=', accountId).execute();
  });
  return true;
}
