/**
 * The bridge's key ring: parsed once from the config (REELAY_ENCRYPTION_KEY, or the key generated
 * into the data directory on first start), checked against every key version still in use, and
 * handed to the in-process renderer.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseKeyRing, useKeyRing, type KeyRing } from '@reelay/renderer/src/vault';
import { keyVersionOf, isCiphertext } from '@reelay/renderer/src/vault';
import type { Kysely } from 'kysely';
import type { Services } from '../services';
import { webhookKeyVersionsInUse } from '../webhooks/key-rotation';
import type { WebhookDb } from '../webhooks/store';

export interface Vault {
  ring: KeyRing;
}

declare module '../services' {
  interface FeatureServices {
    /** The connections vault's key ring (set by the connections feature). */
    vault?: Vault;
  }
}

export function vaultOf(services: Services): Vault {
  if (!services.vault) throw new Error('the connections feature is not initialised (no key ring)');
  return services.vault;
}

/** Parses the ring and tells the in-process renderer to use it. Throws a VaultError on a malformed value. */
export function loadKeyRing(services: Services): KeyRing {
  const ring = parseKeyRing(services.config.encryptionKey);
  useKeyRing(ring);
  return ring;
}

/** True when the key came from `<data dir>/encryption-key` (generated on first start), not the environment. */
export function keyWasGenerated(services: Services): boolean {
  const file = path.join(services.config.dataDir, 'encryption-key');
  return existsSync(file) && readFileSync(file, 'utf8').trim() === services.config.encryptionKey.trim();
}

/**
 * Every key version a stored ciphertext uses: connection secrets (from the key_versions column),
 * sealed job payloads of renders and webhook signing secrets. Used at start-up (fail when one is
 * missing) and by `vault rotate`.
 */
export async function keyVersionsInUse(services: Services): Promise<Set<string>> {
  const kids = new Set<string>();
  const rows = await services.db.selectFrom('connections').select('key_versions').distinct().execute();
  for (const r of rows) for (const kid of r.key_versions.split(',')) if (kid) kids.add(kid);
  for (const sealed of await sealedRenderPayloads(services)) if (isCiphertext(sealed.sealed)) kids.add(keyVersionOf(sealed.sealed));
  for (const kid of await webhookKeyVersionsInUse(services.db as unknown as WebhookDb)) kids.add(kid);
  return kids;
}

/** The renders table belongs to the pipeline; only its sealed column is read here. */
interface RendersSealedView {
  renders: { project: string; account_id: string; status: string; sealed_connections: string | null };
}

export function rendersDb(services: Services): Kysely<RendersSealedView> {
  return services.db as unknown as Kysely<RendersSealedView>;
}

export async function sealedRenderPayloads(services: Services): Promise<{ project: string; accountId: string; status: string; sealed: string }[]> {
  try {
    const rows = await rendersDb(services).selectFrom('renders').select(['project', 'account_id', 'status', 'sealed_connections']).where('sealed_connections', 'is not', null).execute();
    return rows.map((r) => ({ project: r.project, accountId: r.account_id, status: r.status, sealed: r.sealed_connections as string }));
  } catch (err) {
    // A bridge built without the render pipeline has no renders table.
    if (/no such table|does not exist/i.test((err as Error).message)) return [];
    throw err;
  }
}
