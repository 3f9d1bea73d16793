/**
 * Finding 13: a batch is charged only for what it stores, and nothing charged is lost.
 * Real Redis, real store: the render queue's own Redis connection is closed (Redis unavailable for
 * the enqueue; the rest of the bridge keeps its connections) while a 200-row batch is submitted.
 * - the answer comes at once (one failed enqueue, not one per row), every row is stored `pending`,
 *   and the balance moved by exactly the batch's price;
 * - once Redis is back, the re-enqueue sweep queues every row (none lost);
 * - a render whose job finally failed (its last event lost) is settled as an error by the sweep and
 *   its credits come back;
 * - the debit and the rows are one store transaction: a store failure after the debit (a real SQLite
 *   trigger aborting the 150th row) leaves the balance and the store as they were.
 */
import { sql } from 'kysely';
import { reenqueueLostRenders } from '../../bridge/src/renders/reconcile';
import { startBridge, type TestBridge } from '../helpers/bridge';

const ROWS = 200;
let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge({ credits: 1_000_000 });
});
afterAll(() => bridge.stop());

test('Redis down at enqueue: rows stay pending and paid once, the sweep queues them all, a failed render is refunded', async () => {
  const { services } = bridge;
  const tpl = await bridge.request('POST', '/v2/templates', {
    key: bridge.primaryKey,
    body: { name: 'b', movie: { resolution: 'custom', width: 64, height: 64, scenes: [{ duration: 2, elements: [{ type: 'text', text: '{{n}}' }] }] } },
  });
  expect(tpl.status).toBe(201);
  const before = await services.credits.balance(bridge.account.id);

  const queueClient = services.pipeline.queue.client;
  queueClient.disconnect();
  const started = Date.now();
  const res = await bridge.request('POST', '/v2/movies/batch', {
    key: bridge.primaryKey,
    body: { template: tpl.body.template.id, rows: Array.from({ length: ROWS }, (_, i) => ({ n: String(i) })) },
  });
  const elapsed = Date.now() - started;
  expect(res.status).toBe(200);
  expect(res.body.count).toBe(ROWS);
  expect(elapsed).toBeLessThan(5000);
  // One failed attempt, then the rest are left to the sweep (not 200 attempts against a Redis that is down).
  expect(bridge.logs.filter((l) => l.includes('enqueue failed')).length).toBe(1);
  const after = await services.credits.balance(bridge.account.id);
  expect(before! - after!).toBe(res.body.credits);

  const rows = await services.db.selectFrom('renders').select(['project', 'status', 'cost']).where('batch_id', '=', res.body.batch).execute();
  expect(rows).toHaveLength(ROWS);
  expect(rows.every((r) => r.status === 'pending')).toBe(true);
  expect(rows.reduce((s, r) => s + Number(r.cost), 0)).toBe(res.body.credits);

  // Redis is back: the sweep (run as if its grace period had passed) queues every row, once.
  await queueClient.connect();
  const requeued = await reenqueueLostRenders(services, Date.now() + 10 * 60_000);
  const projects = rows.map((r) => r.project);
  expect(new Set(requeued)).toEqual(new Set(projects));
  const jobs = await Promise.all(projects.map((p) => services.pipeline.queue.getJob(p)));
  expect(jobs.every((j) => j !== null)).toBe(true);

  // One render finally fails (the renderer gave up) and its final event is lost: the sweep settles it and refunds it.
  // (Taken from the queue as a renderer would, then failed for good.)
  for (const j of jobs) if ((await j!.getState()) === 'delayed') await j!.promote();
  const failed = (await services.pipeline.queue.getNextJob())!;
  expect(projects).toContain(failed.id);
  await failed.discard();
  await failed.moveToFailed({ message: 'ffmpeg exited with code 1' }, true);
  const beforeRefund = await services.credits.balance(bridge.account.id);
  await reenqueueLostRenders(services, Date.now() + 10 * 60_000);
  const row = await services.db.selectFrom('renders').selectAll().where('project', '=', failed.id as string).executeTakeFirstOrThrow();
  expect(row.status).toBe('error');
  expect(Number(row.refunded)).toBe(Number(row.cost));
  expect((await services.credits.balance(bridge.account.id))! - beforeRefund!).toBe(Number(row.cost));
  // bridge.stop() drops every Redis key of this bridge's prefix (the jobs included).
}, 60_000);

test('the debit and the rows are one transaction: a store failure mid-batch charges nothing and stores nothing', async () => {
  const { services } = bridge;
  const tpl = await bridge.request('POST', '/v2/templates', {
    key: bridge.primaryKey,
    body: { name: 'c', movie: { resolution: 'custom', width: 64, height: 64, scenes: [{ duration: 1, elements: [{ type: 'text', text: '{{n}}' }] }] } },
  });
  const before = await services.credits.balance(bridge.account.id);
  // A real failure inside the store (a trigger), at the 150th row, after the debit ran.
  await sql`CREATE TRIGGER hardening_fail_row BEFORE INSERT ON renders WHEN NEW.batch_index = 149 BEGIN SELECT RAISE(ABORT, 'disk full'); END`.execute(services.db);
  try {
    const res = await bridge.request('POST', '/v2/movies/batch', { key: bridge.primaryKey, body: { template: tpl.body.template.id, rows: Array.from({ length: 300 }, (_, i) => ({ n: String(i) })) } });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ success: false, code: 'internal_error' });
  } finally {
    await sql`DROP TRIGGER hardening_fail_row`.execute(services.db);
  }
  expect(await services.credits.balance(bridge.account.id)).toBe(before);
  const stored = await services.db.selectFrom('renders').select('project').where('template_id', '=', tpl.body.template.id).execute();
  expect(stored).toEqual([]);

  // Not enough credits: 402 with the numbers, nothing stored.
  const poor = await bridge.createAccount({ credits: 3 });
  const poorTpl = await bridge.request('POST', '/v2/templates', { key: poor.primaryKey, body: { name: 'p', movie: { scenes: [{ duration: 1, elements: [{ type: 'text', text: '{{n}}' }] }] } } });
  const res = await bridge.request('POST', '/v2/movies/batch', { key: poor.primaryKey, body: { template: poorTpl.body.template.id, rows: Array.from({ length: 10 }, (_, i) => ({ n: String(i) })) } });
  expect(res.status).toBe(402);
  expect(res.body).toMatchObject({ code: 'insufficient_credits', details: { creditsAvailable: 3 } });
  expect(await services.credits.balance(poor.account.id)).toBe(3);
  expect(await services.db.selectFrom('renders').select('project').where('account_id', '=', poor.account.id).execute()).toEqual([]);
});
