/**
 * Signing secrets at rest. They must be usable (we sign with them), so they are encrypted, not hashed:
 * AES-256-GCM under the vault's key ring, with associated data binding each ciphertext to its account
 * and subscription (a ciphertext copied to another row does not open).
 */
import type { SubscriptionRow } from './store';

/** The part of the vault's KeyRing this module needs. */
export interface SecretCipher {
  encrypt(plaintext: string, associatedData: string): string;
  decrypt(ciphertext: string, associatedData: string): string;
}

/** Associated data of a subscription's secrets: a ciphertext copied to another row does not open. */
export function secretContext(accountId: string, subscriptionId: string): string {
  return `webhook|${accountId}|${subscriptionId}|secret`;
}

export function sealSecret(cipher: SecretCipher, accountId: string, subscriptionId: string, secret: string): string {
  return cipher.encrypt(secret, secretContext(accountId, subscriptionId));
}

/** Secrets to sign with now: the current one, plus the previous one while its 24 h overlap lasts. */
export function signingSecrets(cipher: SecretCipher, row: SubscriptionRow, now: Date): string[] {
  const ctx = secretContext(row.account_id, row.id);
  const secrets = [cipher.decrypt(row.secret, ctx)];
  if (row.previous_secret && row.previous_secret_expires_at && row.previous_secret_expires_at > now.toISOString()) {
    secrets.push(cipher.decrypt(row.previous_secret, ctx));
  }
  return secrets;
}

/** How long the old secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;
