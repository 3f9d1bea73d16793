/**
 * Connections in the store: sensitive fields encrypted one by one (AES-256-GCM, associated data =
 * account|connection|field), the rest in clear JSON. Only this module and `vault rotate` see
 * plaintext secrets; reads for the API go through `maskedView`.
 */
import { connectionTypeOf, isConnectionType, type ConnectionType } from '@reelay/renderer/src/connections/types';
import { fieldContext, keyVersionOf, type KeyRing } from '@reelay/renderer/src/vault';
import { nowIso } from '../ids';
import type { Db } from '../store/db';
import type { ConnectionsTable } from './table';

export const MASK = '••••••••';

export interface Connection {
  accountId: string;
  id: string;
  type: ConnectionType;
  name: string | null;
  /** Every field, secrets decrypted. Never log or return it. */
  config: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** Encrypts the sensitive fields of a config; returns the column values. */
export function sealRow(ring: KeyRing, accountId: string, id: string, type: ConnectionType, config: Record<string, unknown>): Pick<ConnectionsTable, 'fields' | 'secrets' | 'key_versions'> {
  const sensitive = new Set(connectionTypeOf(type).sensitive);
  const fields: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [field, value] of Object.entries(config)) {
    if (value === undefined) continue;
    if (sensitive.has(field)) secrets[field] = ring.encrypt(JSON.stringify(value), fieldContext(accountId, id, field));
    else fields[field] = value;
  }
  return { fields: JSON.stringify(fields), secrets: JSON.stringify(secrets), key_versions: keyVersionsOf(secrets) };
}

export function keyVersionsOf(secrets: Record<string, string>): string {
  return [...new Set(Object.values(secrets).map(keyVersionOf))].sort().join(',');
}

/** Decrypts a row. A missing key version or a moved ciphertext throws a VaultError (never the value). */
export function openRow(ring: KeyRing, row: ConnectionsTable): Connection {
  const config: Record<string, unknown> = JSON.parse(row.fields);
  const secrets: Record<string, string> = JSON.parse(row.secrets);
  for (const [field, ciphertext] of Object.entries(secrets)) {
    config[field] = JSON.parse(ring.decrypt(ciphertext, fieldContext(row.account_id, row.id, field)));
  }
  if (!isConnectionType(row.type)) throw new Error(`connection ${row.id} has an unknown type ${row.type}`);
  return { accountId: row.account_id, id: row.id, type: row.type, name: row.name, config, createdAt: row.created_at, updatedAt: row.updated_at };
}

/** The API view: non-sensitive fields as stored, each sensitive one (webhook headers as a whole) replaced by one mask. */
export interface ConnectionViewShape {
  [field: string]: unknown;
  id: string;
  type: string;
  name: string | null;
  masked: string[];
  createdAt: string;
  updatedAt: string;
}

export function maskedView(row: ConnectionsTable): ConnectionViewShape {
  const fields: Record<string, unknown> = JSON.parse(row.fields);
  const secrets: Record<string, string> = JSON.parse(row.secrets);
  const masked = Object.keys(secrets).sort();
  const view: Record<string, unknown> = {};
  for (const field of masked) view[field] = MASK;
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    ...fields,
    ...view,
    masked,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export async function findRow(db: Db, accountId: string, id: string): Promise<ConnectionsTable | undefined> {
  return db.selectFrom('connections').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
}

export async function listRows(db: Db, accountId: string): Promise<ConnectionsTable[]> {
  return db.selectFrom('connections').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
}

export async function insertRow(db: Db, ring: KeyRing, c: { accountId: string; id: string; type: ConnectionType; name: string | null; config: Record<string, unknown> }): Promise<ConnectionsTable> {
  const now = nowIso();
  const row: ConnectionsTable = { account_id: c.accountId, id: c.id, type: c.type, name: c.name, ...sealRow(ring, c.accountId, c.id, c.type, c.config), created_at: now, updated_at: now };
  await db.insertInto('connections').values(row).execute();
  return row;
}

export async function updateRow(db: Db, ring: KeyRing, c: { accountId: string; id: string; type: ConnectionType; name: string | null; config: Record<string, unknown> }): Promise<ConnectionsTable | undefined> {
  await db
    .updateTable('connections')
    .set({ name: c.name, ...sealRow(ring, c.accountId, c.id, c.type, c.config), updated_at: nowIso() })
    .where('account_id', '=', c.accountId)
    .where('id', '=', c.id)
    .execute();
  return findRow(db, c.accountId, c.id);
}

export async function deleteRow(db: Db, accountId: string, id: string): Promise<boolean> {
  const res = await db.deleteFrom('connections').where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  return Number(res.numDeletedRows ?? 0n) > 0;
}

/** Loads and decrypts saved connections by id (the ones a movie references). */
export async function loadConnections(db: Db, ring: KeyRing, accountId: string, ids: string[]): Promise<Map<string, Connection>> {
  const out = new Map<string, Connection>();
  if (ids.length === 0) return out;
  const rows = await db.selectFrom('connections').selectAll().where('account_id', '=', accountId).where('id', 'in', [...new Set(ids)]).execute();
  for (const row of rows) out.set(row.id, openRow(ring, row));
  return out;
}
