/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): HMAC-SHA256 over "{id}.{ts}.{body}"
 * with a `whsec_` secret, sent as `v1,<base64>`. While a secret rotates, both the new and the old
 * signature are sent space-separated, so receivers verifying with either secret keep working.
 */
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** 32 random bytes (within the spec's 24–64) in the `whsec_<base64>` form receivers paste as-is. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** A message id that receivers use as their idempotency key; it never changes across retries. */
export function generateMessageId(): string {
  return `msg_${randomBytes(16).toString('base64url')}`;
}

/** The `webhook-signature` header value: one `v1,…` signature per secret, newest first. */
export function signatureHeader(secrets: readonly string[], messageId: string, timestamp: Date, body: string): string {
  return secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body)).join(' ');
}
