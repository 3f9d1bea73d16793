/**
 * Table types of the store. Conventions that keep one SQL for SQLite and PostgreSQL:
 * - ids are text (`newId('key')`), timestamps are ISO-8601 UTC text (sortable), booleans are 0/1 integers,
 *   JSON is text (serialise yourself).
 * - Features add their tables WITHOUT editing this file, by module augmentation in their own folder:
 *
 *     declare module '../store/schema' {
 *       interface Database { renders: RendersTable }
 *     }
 */
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: string;
  name: string;
  /** null = unlimited. */
  credits: number | null;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: string;
  /** hex SHA-256 of the full key; the key itself is never stored. */
  hash: string;
  /** display prefix, e.g. `rly_AbCd…wxyz` */
  prefix: string;
  is_primary: number;
  /** render | editor | manager | read-only, or null for a custom scope list (or the primary). */
  role: string | null;
  /** JSON array of scope patterns (custom keys only; `[]` otherwise). */
  scopes: string;
  grant_all: number;
  expires_at: string | null;
  revoked_at: string | null;
  /** set when rolled: the key that replaced this one. */
  replaced_by: string | null;
  created_by: string | null;
  created_at: string;
  last_used_at: string | null;
}

export interface AuditLogTable {
  id: string;
  /** null for failed authentications that name no known key. */
  account_id: string | null;
  /** the key acted upon (or that failed to authenticate). */
  key_id: string | null;
  /** the key that performed the action (null for CLI or failed auth). */
  actor_key_id: string | null;
  event: string;
  ip: string | null;
  /** JSON object */
  details: string;
  created_at: string;
}

/** One row (singleton = 1): this installation's id, which claims its Redis prefix (system/installation.ts). */
export interface InstallationTable {
  singleton: number;
  id: string;
  created_at: string;
}

/** Kysely's migration bookkeeping is its own; this marker keeps `Generated` imported for features. */
export type { Generated };

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  audit_log: AuditLogTable;
  installation: InstallationTable;
}
