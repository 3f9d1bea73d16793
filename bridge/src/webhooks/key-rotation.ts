/**
 * Webhook signing secrets under the vault's key rotation (`reelay vault rotate`): which key versions
 * they use (start-up refuses a ring lacking one) and re-encryption under the current version.
 */
import { keyVersionOf, isCiphertext, type KeyRing } from '@reelay/renderer/src/vault';
import { secretContext } from './secrets';
import type { WebhookDb } from './store';

export async function webhookKeyVersionsInUse(db: WebhookDb): Promise<Set<string>> {
  const kids = new Set<string>();
  const rows = await db.selectFrom('webhook_subscriptions').select(['secret', 'previous_secret']).execute();
  for (const row of rows) {
    for (const value of [row.secret, row.previous_secret]) if (isCiphertext(value)) kids.add(keyVersionOf(value));
  }
  return kids;
}

/**
 * Re-encrypts every secret not under the current key version. A row changed meanwhile (a rotation of
 * its own secret) is skipped — the update matches on the old ciphertexts — and counted.
 */
export async function reencryptWebhookSecrets(db: WebhookDb, ring: KeyRing): Promise<{ rotated: number; skipped: number }> {
  const stale = (value: string | null) => isCiphertext(value) && keyVersionOf(value) !== ring.currentKid;
  let rotated = 0;
  let skipped = 0;
  const rows = await db.selectFrom('webhook_subscriptions').select(['id', 'account_id', 'secret', 'previous_secret']).execute();
  for (const row of rows) {
    if (!stale(row.secret) && !stale(row.previous_secret)) continue;
    // The associated data stays the same (account + subscription), only the key version changes.
    const context = secretContext(row.account_id, row.id);
    const again = (value: string | null) => (value && stale(value) ? ring.encrypt(ring.decrypt(value, context), context) : value);
    let update = db
      .updateTable('webhook_subscriptions')
      .set({ secret: again(row.secret)!, previous_secret: again(row.previous_secret) })
      .where('id', '=', row.id)
      .where('secret', '=', row.secret);
    update = row.previous_secret === null ? update.where('previous_secret', 'is', null) : update.where('previous_secret', '=', row.previous_secret);
    const result = await update.executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) rotated += 1;
    else skipped += 1;
  }
  return { rotated, skipped };
}
