/**
 * Accepting renders: idempotency claim → cache lookup → atomic debit → `pending` row → enqueue.
 * Credits move before the row exists and are given back if anything after the debit fails, so a
 * crash can lose a refund only between two statements; a row that exists was paid for exactly once.
 */
import { nowIso } from '../ids';
import type { Services } from '../services';
import { getRender, insertRender, type RenderRow } from '../renders/repository';
import { notifyRenderEnded } from '../renders/notify';
import { claimIdempotencyKey, releaseIdempotencyKey } from './idempotency';
import type { PreparedMovie } from './prepare';
import { newProjectId } from './project-id';

/** Who a render belongs to: the account, and the key that asked (null for the CLI demo). */
export interface Owner {
  accountId: string;
  keyId: string | null;
}

export interface Accepted {
  project: string;
  timestamp: string;
  /** True when an Idempotency-Key replay answered an earlier request. */
  replayed: boolean;
}

function newRow(owner: Owner, project: string, p: PreparedMovie, batchId: string | null, now: string): RenderRow {
  return {
    project,
    account_id: owner.accountId,
    key_id: owner.keyId,
    status: 'pending',
    progress: 0,
    message: '',
    movie: JSON.stringify(p.jobMovie),
    fingerprint: p.fingerprint,
    template_id: p.templateId,
    batch_id: batchId,
    batch_index: null,
    client_data: JSON.stringify(p.clientData),
    sealed_connections: p.sealedConnections,
    cost: p.cost,
    refunded: 0,
    cached_from: null,
    file_key: null,
    poster_key: null,
    format: null,
    duration: null,
    size: null,
    width: null,
    height: null,
    fps: null,
    rendering_time: null,
    created_at: now,
    started_at: null,
    ended_at: null,
    updated_at: now,
    files_deleted_at: null,
    error_code: null,
    exports: null,
  };
}

/**
 * `cache: true` (the default): an identical movie already rendered in this account whose file is
 * still there completes at once, free, with its own copy of the files.
 */
async function fromCache(services: Services, row: RenderRow): Promise<boolean> {
  const { pipeline, db } = services;
  const hit = await db
    .selectFrom('renders')
    .selectAll()
    .where('account_id', '=', row.account_id)
    .where('fingerprint', '=', row.fingerprint)
    .where('status', '=', 'done')
    .where('files_deleted_at', 'is', null)
    .where('file_key', 'is not', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (!hit?.file_key || !(await pipeline.storage.stat(hit.file_key))) return false;
  const copyKey = async (key: string | null) => {
    if (!key) return null;
    const to = `${pipeline.prefixOf(row)}/${key.split('/').pop()}`;
    await pipeline.storage.copy(key, to);
    return to;
  };
  const now = nowIso();
  Object.assign(row, {
    status: 'done',
    progress: 100,
    cost: 0,
    cached_from: hit.cached_from ?? hit.project,
    file_key: await copyKey(hit.file_key),
    poster_key: await copyKey(hit.poster_key).catch(() => null),
    format: hit.format,
    duration: hit.duration,
    size: hit.size,
    width: hit.width,
    height: hit.height,
    fps: hit.fps,
    rendering_time: 0,
    started_at: now,
    ended_at: now,
  } satisfies Partial<RenderRow>);
  return true;
}

/**
 * Destinations other than webhooks (ftp, sftp, email) are delivered by the renderer after a real
 * render, so a movie that has any is rendered again instead of being served from the cache — a
 * cache hit would otherwise deliver nothing. Webhook destinations are sent by the bridge when a
 * render ends, cached or not. A destination naming only a connection id counts as renderer-run.
 */
function hasRendererDestinations(movie: PreparedMovie['movie']): boolean {
  return movie.exports.some((e) => e.destinations.some((d) => d.type !== 'webhook'));
}

export async function acceptMovie(
  services: Services,
  owner: Owner,
  prepared: PreparedMovie,
  opts: { idempotencyKey?: string; bodyHash: string },
): Promise<Accepted> {
  const accountId = owner.accountId;
  const project = newProjectId();
  if (opts.idempotencyKey) {
    const claim = await claimIdempotencyKey(services.db, { accountId, key: opts.idempotencyKey, bodyHash: opts.bodyHash, resultId: project });
    if (claim.kind === 'replay') {
      const earlier = await getRender(services.db, accountId, claim.resultId);
      return { project: claim.resultId, timestamp: earlier?.created_at ?? nowIso(), replayed: true };
    }
  }
  const now = nowIso();
  const row = newRow(owner, project, prepared, null, now);
  try {
    const cached =
      prepared.movie.cache !== false &&
      !hasRendererDestinations(prepared.movie) &&
      (await fromCache(services, row).catch((err) => {
        // A cache file that vanished mid-copy: render normally instead.
        services.logger.warn({ err, project }, 'cache copy failed; rendering');
        Object.assign(row, newRow(owner, project, prepared, null, now));
        return false;
      }));
    if (!cached) await services.credits.debit(accountId, row.cost);
    try {
      await insertRender(services.db, row);
    } catch (err) {
      if (!cached) await services.credits.refund(accountId, row.cost);
      throw err;
    }
    if (cached) await notifyRenderEnded(services, project);
  } catch (err) {
    if (opts.idempotencyKey) await releaseIdempotencyKey(services.db, accountId, opts.idempotencyKey, project);
    throw err;
  }
  if (row.status === 'pending') await enqueueOrLeave(services, row);
  return { project, timestamp: now, replayed: false };
}

/**
 * Puts a stored render on the queue. A Redis failure here is not the client's problem: the row is
 * stored and paid, and the re-enqueue sweep will queue it.
 */
export async function enqueueOrLeave(services: Services, row: RenderRow): Promise<void> {
  try {
    await services.pipeline.enqueue(row);
  } catch (err) {
    services.logger.warn({ err, project: row.project }, 'enqueue failed; the re-enqueue sweep will retry');
  }
}

export { newRow };
