/**
 * `reelay vault rotate`: re-encrypts every stored secret under the current (first) key version.
 *
 * Rotation without downtime:
 *   1. put the new key first on every process: REELAY_ENCRYPTION_KEY="v2:NEW,v1:OLD" (rolling restart;
 *      every process reads both, new writes use v2);
 *   2. run `reelay vault rotate` (any time, while serving): connection secrets, sealed render
 *      payloads and webhook signing secrets are re-encrypted row by row; a row changed concurrently
 *      is skipped and picked up by the next run (the update matches on the row's previous ciphertext);
 *   3. when it reports nothing left under v1, drop v1 from the variable. A process started with a
 *      ring that lacks a version still in use refuses to start and names it.
 */
import { keyVersionOf, isCiphertext } from '@reelay/renderer/src/vault';
import { JOB_CONNECTIONS_CONTEXT } from '@reelay/renderer/src/vault';
import type { Services } from '../services';
import { reencryptWebhookSecrets } from '../webhooks/key-rotation';
import type { WebhookDb } from '../webhooks/store';
import { updateWaitingJob } from './requeue';
import { openRow, sealRow } from './repository';
import { keyVersionsInUse, rendersDb, sealedRenderPayloads, vaultOf } from './vault';

export interface RotateReport {
  currentKeyVersion: string;
  connectionsRotated: number;
  rendersRotated: number;
  webhookSecretsRotated: number;
  /** Rows changed by someone else during the run (rerun to finish them). */
  skipped: number;
  /** Key versions still in use after the run. */
  keyVersionsInUse: string[];
}

export async function rotateVault(services: Services): Promise<RotateReport> {
  const { ring } = vaultOf(services);
  const current = ring.currentKid;
  let connectionsRotated = 0;
  let rendersRotated = 0;
  let skipped = 0;

  const rows = await services.db.selectFrom('connections').selectAll().where('key_versions', '!=', current).where('key_versions', '!=', '').execute();
  for (const row of rows) {
    const connection = openRow(ring, row);
    const sealed = sealRow(ring, row.account_id, row.id, connection.type, connection.config);
    const res = await services.db
      .updateTable('connections')
      .set(sealed)
      .where('account_id', '=', row.account_id)
      .where('id', '=', row.id)
      .where('secrets', '=', row.secrets)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows ?? 0n) > 0) connectionsRotated += 1;
    else skipped += 1;
  }

  for (const r of await sealedRenderPayloads(services)) {
    if (!isCiphertext(r.sealed) || keyVersionOf(r.sealed) === current) continue;
    const resealed = ring.encrypt(ring.decrypt(r.sealed, JOB_CONNECTIONS_CONTEXT), JOB_CONNECTIONS_CONTEXT);
    const res = await rendersDb(services)
      .updateTable('renders')
      .set({ sealed_connections: resealed })
      .where('project', '=', r.project)
      .where('sealed_connections', '=', r.sealed)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows ?? 0n) === 0) {
      skipped += 1;
      continue;
    }
    rendersRotated += 1;
    if (r.status === 'pending') await updateWaitingJob(services, r.project, resealed);
  }

  const webhooks = await reencryptWebhookSecrets(services.db as unknown as WebhookDb, ring);
  skipped += webhooks.skipped;

  return {
    currentKeyVersion: current,
    connectionsRotated,
    rendersRotated,
    webhookSecretsRotated: webhooks.rotated,
    skipped,
    keyVersionsInUse: [...(await keyVersionsInUse(services))].sort(),
  };
}
