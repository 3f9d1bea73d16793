/** The audit log: every key mutation and every failed authentication (design.md). */
import { newId, nowIso } from '../ids';
import type { Db } from '../store/db';

export type AuditEvent =
  | 'account.created'
  | 'account.credits_changed'
  | 'key.created'
  | 'key.updated'
  | 'key.revoked'
  | 'key.rolled'
  | 'key.primary_reset'
  | 'auth.failed';

export interface AuditEntry {
  event: AuditEvent | (string & {});
  accountId?: string | null;
  keyId?: string | null;
  actorKeyId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
}

export function createAuditLog(db: Db): AuditLog {
  return {
    async record(e) {
      await db
        .insertInto('audit_log')
        .values({
          id: newId('aud'),
          account_id: e.accountId ?? null,
          key_id: e.keyId ?? null,
          actor_key_id: e.actorKeyId ?? null,
          event: e.event,
          ip: e.ip ?? null,
          details: JSON.stringify(e.details ?? {}),
          created_at: nowIso(),
        })
        .execute();
    },
  };
}
