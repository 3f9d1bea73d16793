/**
 * Batches: one template × many variable sets. Every row is bound and validated before anything is
 * queued, so a batch is accepted whole or not at all; problems carry the row (`rows[3].variables.x`).
 * The batch is charged in one debit, in the transaction that stores its rows; its movies are rendered
 * (never served from the cache, so each row has its own file and the price is what was quoted).
 */
import { ApiError, notFound, validationError, type ValidationProblem } from '../errors';
import { assertSafeJson } from '../http/json-body';
import { newId, nowIso } from '../ids';
import type { Principal } from '../keys/principal';
import type { Services } from '../services';
import { movieStatus } from '../renders/status';
import type { RenderRow } from '../renders/repository';
import { parseCsv } from './csv';
import { bodyFingerprint } from './fingerprint';
import { claimIdempotencyKey, releaseIdempotencyKey } from './idempotency';
import { bindTemplate, loadTemplate, prepareMovie, type PreparedMovie } from './prepare';
import { newProjectId } from './project-id';
import { newRow } from './submit';

export const MAX_BATCH_ROWS = 1000;

type BatchBody = string | ({ template: string; rows: Record<string, unknown>[] } & Record<string, unknown>);

export async function createBatch(
  services: Services,
  principal: Principal,
  body: BatchBody,
  templateFromQuery: string | undefined,
  idempotencyKey: string | undefined,
): Promise<{ batch: string; count: number; credits: number; projects: string[]; timestamp: string }> {
  const accountId = principal.account.id;
  let templateId: string;
  let rows: Record<string, unknown>[];
  let extra: Record<string, unknown> = {};
  if (typeof body === 'string') {
    if (!templateFromQuery) throw validationError([{ path: 'template', message: 'required with a CSV body (?template=ID)', in: 'query' }]);
    const parsed = parseCsv(body);
    if ('error' in parsed) throw validationError([{ path: '', message: parsed.error, in: 'body' }], parsed.error);
    if (parsed.rows.length === 0) throw validationError([{ path: '', message: 'the CSV has a header but no rows', in: 'body' }]);
    // CSV headers become variable names: the same key rule as a JSON body (__proto__ & co. refused).
    parsed.rows.forEach((row, i) => assertSafeJson(row, 'body', ['rows', i]));
    templateId = templateFromQuery;
    rows = parsed.rows;
  } else {
    const { template, rows: given, ...rest } = body;
    templateId = template;
    rows = given;
    extra = rest;
  }
  if (rows.length > MAX_BATCH_ROWS) throw validationError([{ path: 'rows', message: `at most ${MAX_BATCH_ROWS} rows`, in: 'body' }]);
  const template = await loadTemplate(services, accountId, templateId);

  const problems: ValidationProblem[] = [];
  const prepared: PreparedMovie[] = [];
  for (let i = 0; i < rows.length; i++) {
    const label = `rows[${i}].`;
    const bound = bindTemplate(template, rows[i], extra);
    if (bound.missing.length) {
      for (const name of bound.missing) problems.push({ path: `${label}variables.${name}`, message: 'required variable missing', in: 'body' });
      continue;
    }
    try {
      prepared.push(await prepareMovie(services, accountId, bound.movie, template.id, label, principal.scopes));
    } catch (err) {
      // Connection and upload checks name paths inside the movie; in a batch they belong to a row.
      const inRow = (p: ValidationProblem) => (p.path.startsWith(label) ? p : { ...p, path: label + p.path });
      if (err instanceof ApiError && err.status === 400 && Array.isArray(err.details)) problems.push(...(err.details as ValidationProblem[]).map(inRow));
      else if (err instanceof ApiError && err.status < 500) throw new ApiError(err.status, err.code, `${label.slice(0, -1)}: ${err.message}`, err.details, err.headers);
      else throw err;
    }
  }
  if (problems.length) {
    const rowsAtFault = new Set(problems.map((p) => /^rows\[(\d+)\]/.exec(p.path)?.[1]).filter(Boolean));
    throw validationError(problems, `${rowsAtFault.size} of ${rows.length} rows are invalid; first: ${problems[0].path}: ${problems[0].message}`);
  }

  const batchId = newId('batch');
  if (idempotencyKey) {
    const claim = await claimIdempotencyKey(services.db, { accountId, key: idempotencyKey, bodyHash: bodyFingerprint({ body, templateFromQuery }), resultId: batchId });
    if (claim.kind === 'replay') {
      const earlier = await batchStatus(services, accountId, claim.resultId).catch(() => null);
      return {
        batch: claim.resultId,
        count: earlier?.count ?? 0,
        credits: earlier?.credits ?? 0,
        projects: earlier?.movies.map((m) => m.project) ?? [],
        timestamp: earlier?.created_at ?? nowIso(),
      };
    }
  }
  const total = prepared.reduce((sum, p) => sum + p.cost, 0);
  const now = nowIso();
  const renderRows: RenderRow[] = prepared.map((p, i) => ({ ...newRow({ accountId, keyId: principal.key.id }, newProjectId(), p, batchId, now), batch_index: i }));
  try {
    // The debit and the rows it pays for are one transaction: a failure (or a crash) between them can
    // neither keep the credits without the rows nor store rows that were not paid for.
    await services.credits.changing(accountId, () =>
      services.db.transaction().execute(async (trx) => {
        await services.credits.debitWithin(trx, accountId, total);
        await trx.insertInto('render_batches').values({ id: batchId, account_id: accountId, template_id: template.id, count: renderRows.length, cost: total, created_at: now }).execute();
        for (let i = 0; i < renderRows.length; i += 100) await trx.insertInto('renders').values(renderRows.slice(i, i + 100)).execute();
      }),
    );
  } catch (err) {
    if (idempotencyKey) await releaseIdempotencyKey(services.db, accountId, idempotencyKey, batchId);
    throw err;
  }
  // Paid and stored: from here nothing is lost. Rows are queued in order; at the first failure (Redis
  // down) the rest stay pending for the re-enqueue sweep (renders/reconcile.ts) instead of each waiting
  // out its own failure, so the answer comes at once and every row is still rendered once Redis is back.
  for (const row of renderRows) {
    try {
      await services.pipeline.enqueue(row);
    } catch (err) {
      services.logger.warn({ err, batch: batchId, project: row.project }, 'batch enqueue failed; the re-enqueue sweep will queue the remaining rows');
      break;
    }
  }
  return { batch: batchId, count: renderRows.length, credits: total, projects: renderRows.map((r) => r.project), timestamp: now };
}

export async function batchStatus(services: Services, accountId: string, id: string) {
  const batch = await services.db.selectFrom('render_batches').selectAll().where('account_id', '=', accountId).where('id', '=', id).executeTakeFirst();
  if (!batch) throw notFound('Batch');
  const rows = await services.db.selectFrom('renders').selectAll().where('batch_id', '=', id).where('account_id', '=', accountId).orderBy('batch_index').execute();
  const counts = { pending: 0, running: 0, done: 0, error: 0 };
  let progress = 0;
  for (const r of rows) {
    counts[r.status]++;
    progress += r.status === 'done' || r.status === 'error' ? 100 : r.progress;
  }
  const finished = counts.done + counts.error === rows.length;
  const status = finished ? (counts.error ? 'error' : 'done') : counts.running || counts.done || counts.error ? 'running' : 'pending';
  const movies = await Promise.all(rows.map(async (row) => ({ id: row.project, ...(await movieStatus(services.config, row)) })));
  return {
    id: batch.id,
    template: batch.template_id,
    created_at: batch.created_at,
    count: rows.length,
    status: status as 'pending' | 'running' | 'done' | 'error',
    progress: rows.length ? Math.round(progress / rows.length) : 100,
    counts,
    credits: movies.reduce((s, m) => s + m.credits, 0),
    movies,
  };
}
