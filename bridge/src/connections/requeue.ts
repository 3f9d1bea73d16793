/**
 * "A connection edited before the render starts is used in its new form."
 *
 * Design: the job carries ONE sealed blob with both the merged configurations (what the renderer
 * uses) and the references that produced them (saved id + inline fields + the submitting key's
 * rights). When a connection is changed or deleted, the bridge re-merges every render of that account
 * that is still PENDING and references it, re-seals, and writes the new blob to the renders row (what
 * the re-enqueue sweep re-sends) and to the waiting Bull job (`job.update`). A job a worker has
 * already taken keeps the form it started with: the render had started.
 *
 * Why not look the connection up from the renderer at job start? The renderer knows nothing of
 * accounts or the store (design.md) and may run on other machines with only Redis; this keeps every
 * credential access in the bridge and every credential in Redis sealed.
 */
import type Bull from 'bull';
import { openJobConnections, sealJobConnections } from '@reelay/renderer/src/connections/job-payload';
import type { Services } from '../services';
import { remergeJobConnections } from './resolve';
import { loadConnections } from './repository';
import { rendersDb, vaultOf } from './vault';

interface QueueLike {
  getJob(id: string): Promise<Bull.Job<{ sealedConnections?: string }> | null>;
}

function renderQueue(services: Services): QueueLike | undefined {
  return (services as unknown as { pipeline?: { queue?: QueueLike } }).pipeline?.queue;
}

/** Re-seals pending renders of the account that reference `connectionId`; returns how many changed. */
export async function resealPendingRenders(services: Services, accountId: string, connectionId: string): Promise<number> {
  const { ring } = vaultOf(services);
  let rows: { project: string; sealed_connections: string | null }[];
  try {
    rows = await rendersDb(services)
      .selectFrom('renders')
      .select(['project', 'sealed_connections'])
      .where('account_id', '=', accountId)
      .where('status', '=', 'pending')
      .where('sealed_connections', 'is not', null)
      .execute();
  } catch (err) {
    if (/no such table|does not exist/i.test((err as Error).message)) return 0;
    throw err;
  }
  let changed = 0;
  for (const row of rows) {
    const payload = openJobConnections(row.sealed_connections as string, ring);
    const ids = [...new Set(Object.values(payload.refs).flatMap((r) => (r.connectionId ? [r.connectionId] : [])))];
    if (!ids.includes(connectionId)) continue;
    const saved = await loadConnections(services.db, ring, accountId, ids);
    const sealed = sealJobConnections(remergeJobConnections(payload, saved), ring);
    const updated = await rendersDb(services)
      .updateTable('renders')
      .set({ sealed_connections: sealed })
      .where('project', '=', row.project)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows ?? 0n) === 0) continue; // started meanwhile: it keeps its form
    await updateWaitingJob(services, row.project, sealed);
    changed += 1;
  }
  return changed;
}

/** Replaces the sealed blob of a job still waiting in the queue (a no-op once a worker has it). */
export async function updateWaitingJob(services: Services, project: string, sealed: string): Promise<void> {
  const job = await renderQueue(services)?.getJob(project);
  if (!job) return;
  const state = await job.getState();
  if (state === 'waiting' || state === 'delayed' || state === 'paused') {
    await job.update({ ...job.data, sealedConnections: sealed });
  }
}
