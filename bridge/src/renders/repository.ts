/**
 * Render rows: creation, lookup scoped to an account, keyset-paginated listing, and the guarded
 * status transitions the event consumer applies. Every transition is a conditional UPDATE, so a
 * duplicated or late event (a retried job, two consumers, a cancel racing a finish) changes nothing.
 */
import { sql } from 'kysely';
import { changedRows, type Db } from '../store/db';
import { nowIso } from '../ids';
import type { RendersTable, RenderStatus } from './table';

export type RenderRow = RendersTable;
/** A Db or a transaction (Kysely's Transaction is a Kysely). */
type Executor = Db;

export async function insertRender(db: Executor, row: RenderRow): Promise<void> {
  await db.insertInto('renders').values(row).execute();
}

export async function getRender(db: Executor, accountId: string, project: string): Promise<RenderRow | undefined> {
  return db.selectFrom('renders').selectAll().where('account_id', '=', accountId).where('project', '=', project).executeTakeFirst();
}

export async function getRenderById(db: Executor, project: string): Promise<RenderRow | undefined> {
  return db.selectFrom('renders').selectAll().where('project', '=', project).executeTakeFirst();
}

export interface ListOptions {
  status?: RenderStatus;
  limit: number;
  /** Opaque token from a previous page. */
  nextToken?: string;
  /** ISO bounds on created_at (JSON2Video's from/to). */
  from?: string;
  to?: string;
  /** Words found, any case, in the project id or in the client data's JSON. */
  search?: string;
}

/** A LIKE pattern matching `text` anywhere, its own % _ and \ taken literally (ESCAPE '\'). */
function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function encodeCursor(row: Pick<RenderRow, 'created_at' | 'project'>): string {
  return Buffer.from(`${row.created_at}|${row.project}`).toString('base64url');
}

export function decodeCursor(token: string): { createdAt: string; project: string } | null {
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const [createdAt, project] = text.split('|');
  if (!createdAt || !project || Number.isNaN(Date.parse(createdAt))) return null;
  return { createdAt, project };
}

/** Newest first; keyset pagination on (created_at, project) so pages are stable while rows arrive. */
export async function listRenders(db: Db, accountId: string, opts: ListOptions): Promise<{ rows: RenderRow[]; nextToken: string | null }> {
  let q = db.selectFrom('renders').selectAll().where('account_id', '=', accountId);
  if (opts.status) q = q.where('status', '=', opts.status);
  if (opts.from) q = q.where('created_at', '>=', opts.from);
  if (opts.to) q = q.where('created_at', '<=', opts.to);
  // Each word must be in the id or the client data (SQLite and PostgreSQL both: lower() and LIKE … ESCAPE).
  for (const word of (opts.search ?? '').split(/\s+/).filter(Boolean)) {
    const pattern = containsPattern(word);
    q = q.where(sql<boolean>`(lower(project) like ${pattern} escape '\\' or lower(client_data) like ${pattern} escape '\\')`);
  }
  const cursor = opts.nextToken ? decodeCursor(opts.nextToken) : null;
  if (cursor) {
    q = q.where((eb) =>
      eb.or([
        eb('created_at', '<', cursor.createdAt),
        eb.and([eb('created_at', '=', cursor.createdAt), eb('project', '<', cursor.project)]),
      ]),
    );
  }
  const rows = await q.orderBy('created_at', 'desc').orderBy('project', 'desc').limit(opts.limit + 1).execute();
  const hasNext = rows.length > opts.limit;
  const page = hasNext ? rows.slice(0, opts.limit) : rows;
  return { rows: page, nextToken: hasNext ? encodeCursor(page[page.length - 1]) : null };
}

/** pending → running (also from running: progress). Returns whether the row changed. */
export async function markRunning(db: Db, project: string, at: string, progress?: number): Promise<boolean> {
  const res = await db
    .updateTable('renders')
    .set((eb) => ({
      status: 'running',
      started_at: eb.fn.coalesce('started_at', sql.lit(at)),
      ...(progress !== undefined ? { progress: Math.max(0, Math.min(99, Math.round(progress))) } : {}),
      updated_at: nowIso(),
    }))
    .where('project', '=', project)
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  return changedRows(res) === 1;
}

export interface DoneFields {
  fileKey: string;
  posterKey: string | null;
  format: string;
  duration: number;
  size: number;
  width: number;
  height: number;
  fps: number;
  renderingTime: number;
  endedAt: string;
  /** '' normally; names the export destinations that failed (the movie itself is fine). */
  message?: string;
  /** Outcomes of the movie's export destinations, in order. */
  exports?: RenderExport[];
}

/** One export destination's outcome as the status body shows it. */
export interface RenderExport {
  type: string;
  id?: string;
  status: 'done' | 'error';
  message?: string;
}

/** pending|running → done. Returns true once per render (the caller then refunds surplus and publishes). */
export async function markDone(db: Db, project: string, f: DoneFields): Promise<boolean> {
  const res = await db
    .updateTable('renders')
    .set({
      status: 'done',
      progress: 100,
      message: f.message ?? '',
      file_key: f.fileKey,
      poster_key: f.posterKey,
      format: f.format,
      duration: f.duration,
      size: f.size,
      width: f.width,
      height: f.height,
      fps: f.fps,
      rendering_time: f.renderingTime,
      ended_at: f.endedAt,
      exports: f.exports && f.exports.length > 0 ? JSON.stringify(f.exports) : null,
      updated_at: nowIso(),
    })
    .where('project', '=', project)
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  return changedRows(res) === 1;
}

/** pending|running → error. Returns true once per render (the caller then refunds and publishes). */
export async function markError(db: Db, project: string, message: string, endedAt: string, code: string): Promise<boolean> {
  const res = await db
    .updateTable('renders')
    .set({ status: 'error', message, error_code: code, ended_at: endedAt, updated_at: nowIso() })
    .where('project', '=', project)
    .where('status', 'in', ['pending', 'running'])
    .executeTakeFirst();
  return changedRows(res) === 1;
}

/** Records a refund of `credits` on the row (kept so the row shows what was finally charged). */
export async function addRefund(db: Db, project: string, credits: number): Promise<void> {
  await db
    .updateTable('renders')
    .set((eb) => ({ refunded: eb('refunded', '+', credits) }))
    .where('project', '=', project)
    .execute();
}

/**
 * Renders still waiting or running, untouched since `olderThan`, oldest first; `after` continues
 * from the last row of the previous page (the re-enqueue sweep walks them all).
 */
export async function unfinishedRenders(
  db: Db,
  olderThan: string,
  limit = 500,
  after?: Pick<RenderRow, 'created_at' | 'project'>,
): Promise<RenderRow[]> {
  let q = db.selectFrom('renders').selectAll().where('status', 'in', ['pending', 'running']).where('updated_at', '<', olderThan);
  if (after) {
    q = q.where((eb) =>
      eb.or([eb('created_at', '>', after.created_at), eb.and([eb('created_at', '=', after.created_at), eb('project', '>', after.project)])]),
    );
  }
  return q.orderBy('created_at', 'asc').orderBy('project', 'asc').limit(limit).execute();
}
