/**
 * The delivery engine against real receivers on loopback, real Redis (Bull) and a real SQLite store:
 * signatures, retries, Retry-After, 410, the 5-day rule, rotation overlap, Redis loss, exactly-once.
 */
import { publishMovieEvent, redeliver, sendPing } from '../../../bridge/src/webhooks/events';
import { createSubscription, rotateSecret } from '../../../bridge/src/webhooks/subscriptions';
import { findDelivery, findSubscription, listAttempts } from '../../../bridge/src/webhooks/store';
import { type EngineHarness, deleteRedisPrefix, movieData, startEngine, waitUntil } from './harness';
import { Receiver, uniqueIds, verifies } from './receiver';

const ACCOUNT = 'acc_test';

describe('webhook delivery engine', () => {
  let h: EngineHarness;
  let receiver: Receiver;

  beforeEach(async () => {
    h = await startEngine();
    receiver = await new Receiver().start();
  });
  afterEach(async () => {
    await receiver.stop();
    await h.close();
  });

  const deps = () => ({ db: h.db, deliveries: h.deliveries });

  test('a movie.done delivery carries a Standard Webhooks signature that verifies, and the documented body', async () => {
    const { row, secret } = await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    await publishMovieEvent(deps(), { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1') });
    // An event the subscription did not ask for is not sent.
    await publishMovieEvent(deps(), { accountId: ACCOUNT, type: 'movie.error', data: movieData('P2', { status: 'error', message: 'boom' }) });
    await receiver.waitFor((r) => r.length === 1);
    const [request] = receiver.requests;
    expect(verifies(secret, request)).toBe(true);
    expect(verifies('whsec_' + Buffer.alloc(32, 1).toString('base64'), request)).toBe(false);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['webhook-id']).toMatch(/^msg_/);
    const body = JSON.parse(request.body);
    expect(body).toEqual({ type: 'movie.done', timestamp: expect.any(String), data: movieData('P1') });
    const delivery = await waitUntil(async () => {
      const d = await h.db.selectFrom('webhook_deliveries').selectAll().where('subscription_id', '=', row.id).executeTakeFirst();
      return d?.status === 'succeeded' && d;
    });
    expect(delivery).toMatchObject({ attempts: 1, last_status_code: 204, next_attempt_at: null });
    expect(delivery.last_latency_ms).toBeGreaterThanOrEqual(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.requests).toHaveLength(1);
  });

  test('a receiver that is down for a while gets the event after retries, once per webhook-id, same id on every attempt', async () => {
    // Enough retries to outlast the outage even on a loaded machine.
    const engine = await h.restart({ retrySchedule: Array(10).fill(0.3) });
    await h.deliveries.close();
    const { secret } = await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    let calls = 0;
    receiver.respond = () => (++calls <= 2 ? { status: 500 } : { status: 200 });
    await publishMovieEvent({ db: h.db, deliveries: engine }, { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1') });
    await receiver.waitFor((r) => r.length === 1);
    const port = receiver.port;
    await receiver.stop(); // connection refused from now on
    await new Promise((r) => setTimeout(r, 500));
    await receiver.start(port);
    await receiver.waitFor((r) => r.length >= 2 && r.some(() => calls > 2));
    await new Promise((r) => setTimeout(r, 600));
    const ids = uniqueIds(receiver.requests);
    expect(ids.size).toBe(1);
    expect(receiver.requests.every((r) => verifies(secret, r))).toBe(true);
    // 500, (refused…), 500, 200 then nothing more
    expect(calls).toBe(3);
    const delivery = await h.db.selectFrom('webhook_deliveries').selectAll().executeTakeFirstOrThrow();
    expect(delivery.status).toBe('succeeded');
    expect(delivery.attempts).toBeGreaterThanOrEqual(3);
    // Every attempt is in the history: the answers in order, and an error where none came.
    const history = await listAttempts(h.db, delivery.id);
    expect(history.map((a) => Number(a.attempt))).toEqual(Array.from({ length: delivery.attempts }, (_, i) => i + 1));
    expect(history.filter((a) => a.status_code !== null).map((a) => Number(a.status_code))).toEqual([500, 500, 200]);
    for (const a of history.filter((x) => x.status_code === null)) expect(a.error).toMatch(/\w/);
  });

  test('the schedule running out marks the delivery failed; redeliver sends the same message again', async () => {
    const { row } = await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.error'] });
    receiver.respond = () => ({ status: 500 });
    const [delivery] = await publishMovieEvent(deps(), { accountId: ACCOUNT, type: 'movie.error', data: movieData('P9', { status: 'error', message: 'Scene #1: failed' }) });
    const failed = await waitUntil(async () => {
      const d = await findDelivery(h.db, delivery.id);
      return d?.status === 'failed' && d;
    });
    expect(failed.attempts).toBe(6); // first attempt + 5 scheduled retries
    expect(failed.last_status_code).toBe(500);
    expect(receiver.requests).toHaveLength(6);
    receiver.respond = () => ({ status: 200 });
    const again = await redeliver(deps(), failed);
    await waitUntil(async () => (await findDelivery(h.db, again.id))?.status === 'succeeded');
    expect(receiver.requests.at(-1)!.headers['webhook-id']).toBe(failed.message_id);
    expect(receiver.requests.at(-1)!.body).toBe(failed.body);
    expect((await findSubscription(h.db, ACCOUNT, row.id))!.failing_since).toBeNull();
  });

  test('410 Gone disables the subscription at once and records it in the audit log', async () => {
    const { row } = await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    receiver.respond = () => ({ status: 410 });
    await publishMovieEvent(deps(), { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1') });
    const disabled = await waitUntil(async () => {
      const s = await findSubscription(h.db, ACCOUNT, row.id);
      return s?.disabled_at ? s : undefined;
    });
    expect(disabled.disabled_reason).toMatch(/410/);
    expect(h.audits).toEqual([expect.objectContaining({ accountId: ACCOUNT, event: 'webhook.disabled' })]);
    await publishMovieEvent(deps(), { accountId: ACCOUNT, type: 'movie.done', data: movieData('P2') });
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.requests).toHaveLength(1);
  });

  test('a subscription failing for the whole disable window is disabled and audited', async () => {
    const engine = await h.restart({ disableAfterFailingMs: 600, retrySchedule: [0.25, 0.25, 0.25, 0.25, 0.25, 0.25] });
    await h.deliveries.close();
    const { row } = await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    receiver.respond = () => ({ status: 503 });
    await publishMovieEvent({ db: h.db, deliveries: engine }, { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1') });
    const disabled = await waitUntil(async () => {
      const s = await findSubscription(h.db, ACCOUNT, row.id);
      return s?.disabled_at ? s : undefined;
    });
    expect(disabled.disabled_reason).toMatch(/failed/);
    expect(h.audits).toHaveLength(1);
  });

  test('Retry-After on a 429 is honoured instead of the (shorter) schedule', async () => {
    const engine = await h.restart({ retrySchedule: [0.05, 0.05, 3] });
    await h.deliveries.close();
    await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    let calls = 0;
    receiver.respond = () => (++calls === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
    await publishMovieEvent({ db: h.db, deliveries: engine }, { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1') });
    await receiver.waitFor((r) => r.length === 2);
    const gap = receiver.requests[1].at - receiver.requests[0].at;
    expect(gap).toBeGreaterThanOrEqual(950); // the schedule alone would have retried after ~50 ms
  });

  test('after a secret rotation both signatures are sent and each secret verifies; the overlap ends after 24 h', async () => {
    const { row, secret: oldSecret } = await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    const rotated = await rotateSecret(h.db, h.cipher, ACCOUNT, row.id);
    expect(rotated!.secret).not.toBe(oldSecret);
    await sendPing(deps(), rotated!.row);
    await receiver.waitFor((r) => r.length === 1);
    const request = receiver.requests[0];
    expect(String(request.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(rotated!.secret, request)).toBe(true);
    expect(verifies(oldSecret, request)).toBe(true);
    expect(JSON.parse(request.body)).toMatchObject({ type: 'ping', data: { webhook: row.id } });

    // Past the overlap only the new secret signs.
    await h.db.updateTable('webhook_subscriptions').set({ previous_secret_expires_at: new Date(Date.now() - 1000).toISOString() }).execute();
    await sendPing(deps(), rotated!.row);
    await receiver.waitFor((r) => r.length === 2);
    expect(verifies(rotated!.secret, receiver.requests[1])).toBe(true);
    expect(verifies(oldSecret, receiver.requests[1])).toBe(false);
  });

  test('secrets are stored encrypted, bound to their subscription', async () => {
    const { row, secret } = await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    expect(row.secret).toMatch(/^enc:v1:k1:/);
    expect(row.secret).not.toContain(secret.slice(6));
    expect(() => h.cipher.decrypt(row.secret, `webhook|${ACCOUNT}|wh_other|secret`)).toThrow();
  });

  test('a secret this process cannot open (key version missing) is a failed attempt, retried, never a stuck row', async () => {
    const { KeyRing } = await import('../../../renderer/src/vault');
    const { randomBytes } = await import('node:crypto');
    const foreign = new KeyRing([{ kid: 'k9', key: randomBytes(32) }]);
    await createSubscription(h.db, foreign, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    const [delivery] = await publishMovieEvent(deps(), { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1') });
    const failed = await waitUntil(async () => {
      const d = await findDelivery(h.db, delivery.id);
      return d?.status === 'failed' && d;
    });
    expect(failed.attempts).toBe(6);
    expect(failed.last_error).toMatch(/could not prepare the request: .*k9/);
    expect(receiver.requests).toHaveLength(0);
  });

  test('a Redis loss while a delivery waits for its retry: the sweeper rebuilds it from the store', async () => {
    await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    const engine = await h.restart({ retrySchedule: [1.5, 1.5] });
    await h.deliveries.close();
    receiver.respond = () => ({ status: 503 });
    await publishMovieEvent({ db: h.db, deliveries: engine }, { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1') });
    await receiver.waitFor((r) => r.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    await deleteRedisPrefix(h.prefix); // the delayed retry job is gone
    receiver.respond = () => ({ status: 200 });
    await receiver.waitFor((r) => r.length === 2, 10_000);
    await new Promise((r) => setTimeout(r, 800));
    expect(receiver.requests).toHaveLength(2);
    expect(uniqueIds(receiver.requests).size).toBe(1);
  });

  test('a process that died mid-attempt: once its claim lapses the delivery is sent by another; a live claim is respected', async () => {
    await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    await h.deliveries.close();
    const stopped = { enqueue: async () => undefined } as unknown as typeof h.deliveries;
    const [row] = await publishMovieEvent({ db: h.db, deliveries: stopped }, { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1') });
    const claim = (ms: number) => h.db.updateTable('webhook_deliveries').set({ status: 'sending', locked_until: new Date(Date.now() + ms).toISOString() }).where('id', '=', row.id).execute();
    await claim(60_000); // another process is (still) sending it
    await h.restart();
    await new Promise((r) => setTimeout(r, 1200));
    expect(receiver.requests).toHaveLength(0);
    await claim(-1000); // …and then it died
    await receiver.waitFor((r) => r.length === 1);
    await waitUntil(async () => (await findDelivery(h.db, row.id))?.status === 'succeeded');
  });

  test('finished deliveries older than 30 days leave the log; unfinished ones stay', async () => {
    const { row } = await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    receiver.respond = () => ({ status: 500 });
    const [old] = await publishMovieEvent(deps(), { accountId: ACCOUNT, type: 'movie.done', data: movieData('OLD') });
    await waitUntil(async () => (await findDelivery(h.db, old.id))?.status === 'failed');
    expect(await listAttempts(h.db, old.id)).toHaveLength(6);
    const longAgo = new Date(Date.now() - 31 * 24 * 3600 * 1000).toISOString();
    await h.db.updateTable('webhook_deliveries').set({ created_at: longAgo }).execute();
    await h.db.insertInto('webhook_deliveries').values({ ...old, id: 'whd_stuck', dedupe_key: 'stuck', status: 'pending', next_attempt_at: new Date(Date.now() + 3600_000).toISOString() }).execute();
    await h.restart(); // its first sweep prunes
    const left = await h.db.selectFrom('webhook_deliveries').select(['id', 'status']).where('subscription_id', '=', row.id).execute();
    expect(left).toEqual([{ id: 'whd_stuck', status: 'pending' }]);
    expect(await listAttempts(h.db, old.id)).toEqual([]);
  });

  test('a bridge restart: deliveries pending in the store are sent by the next process', async () => {
    await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done'] });
    await h.deliveries.close(); // the bridge is down when the render finishes…
    await deleteRedisPrefix(h.prefix);
    const stopped = { enqueue: async () => undefined } as unknown as typeof h.deliveries;
    await publishMovieEvent({ db: h.db, deliveries: stopped }, { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1') });
    await h.restart(); // …and the next start sends it
    await receiver.waitFor((r) => r.length === 1);
  });

  test('50 concurrent movie events, published twice each and raced by two bridges, are delivered exactly once', async () => {
    const { secret } = await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: receiver.url(), events: ['movie.done', 'movie.error'] });
    const second = await h.restart();
    const projects = Array.from({ length: 50 }, (_, i) => `PRJ${String(i).padStart(3, '0')}`);
    await Promise.all(
      projects.flatMap((p, i) => [
        publishMovieEvent(deps(), { accountId: ACCOUNT, type: i % 5 ? 'movie.done' : 'movie.error', data: movieData(p, i % 5 ? {} : { status: 'error', message: 'x' }) }),
        publishMovieEvent({ db: h.db, deliveries: second }, { accountId: ACCOUNT, type: i % 5 ? 'movie.done' : 'movie.error', data: movieData(p, i % 5 ? {} : { status: 'error', message: 'x' }) }),
      ]),
    );
    await receiver.waitFor((r) => r.length >= 50, 45_000);
    await Promise.all([h.deliveries.sweep(), second.sweep()]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.requests).toHaveLength(50);
    expect(uniqueIds(receiver.requests).size).toBe(50);
    expect(new Set(receiver.requests.map((r) => JSON.parse(r.body).data.project))).toEqual(new Set(projects));
    expect(receiver.verified(secret)).toHaveLength(50);
  });

  test("a movie's own exports webhook gets JSON2Video's body (json and urlencoded), through the same log", async () => {
    const movie = {
      exports: [
        { destinations: [{ type: 'webhook', endpoint: receiver.url('/j2v') }] },
        { destinations: [{ type: 'webhook', endpoint: receiver.url('/form'), 'content-type': 'urlencoded' }, { type: 'ftp', host: 'x' }] },
      ],
    };
    const created = await publishMovieEvent(deps(), { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1'), movie });
    expect(created).toHaveLength(2);
    await receiver.waitFor((r) => r.length === 2);
    const json = receiver.requests.find((r) => r.path === '/j2v')!;
    expect(JSON.parse(json.body)).toEqual({
      width: '640', height: '360', duration: '5', size: '12345', url: movieData('P1').url, project: 'P1', id: 'movie-P1',
      status: 'done', message: '', 'client-data': { order: 'P1' },
    });
    expect(json.headers['webhook-id']).toMatch(/^msg_/);
    const form = new URLSearchParams(receiver.requests.find((r) => r.path === '/form')!.body);
    expect(form.get('project')).toBe('P1');
    expect(JSON.parse(form.get('client-data')!)).toEqual({ order: 'P1' });
    await waitUntil(async () => {
      const rows = await h.db.selectFrom('webhook_deliveries').select('status').execute();
      return rows.every((r) => r.status === 'succeeded');
    });
  });

  test('a saved webhook connection destination: endpoint and secret headers are read at send time, never stored in the delivery', async () => {
    const resolveConnection = async (_account: string, id: string) =>
      id === 'my-hook' ? { type: 'webhook', fields: { endpoint: receiver.url('/saved'), headers: { Authorization: 'Bearer s3cret' } } } : undefined;
    const engine = await h.restart({ resolveConnection });
    await h.deliveries.close();
    const movie = { exports: [{ destinations: [{ id: 'my-hook' }, { id: 'unknown' }] }] };
    const [row] = await publishMovieEvent({ db: h.db, deliveries: engine, resolveConnection }, { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1'), movie });
    await receiver.waitFor((r) => r.length === 1);
    expect(receiver.requests[0].path).toBe('/saved');
    expect(receiver.requests[0].headers.authorization).toBe('Bearer s3cret');
    const stored = JSON.stringify(await h.db.selectFrom('webhook_deliveries').selectAll().execute());
    expect(stored).not.toContain('s3cret');
    expect(JSON.parse(row.target!)).toEqual({ connectionId: 'my-hook', path: 'exports[0].destinations[0]', contentType: 'json' });
  });
});

describe('SSRF policy on delivery', () => {
  test('without REELAY_ALLOW_PRIVATE_URLS the safe agents refuse loopback targets at connect time, whatever the name', async () => {
    const { createSafeAgents } = await import('../../../renderer/src/assets/safe-agent');
    const { targetUrlProblem } = await import('../../../bridge/src/webhooks/target-url');
    const receiver = await new Receiver().start();
    const h = await startEngine({ agents: createSafeAgents(false), retrySchedule: [] });
    try {
      expect(await targetUrlProblem(receiver.url(), false)).toMatch(/loopback/);
      expect(await targetUrlProblem(`http://localhost:${receiver.port}/x`, false)).toMatch(/loopback/);
      expect(await targetUrlProblem(`http://[::ffff:127.0.0.1]:${receiver.port}/x`, false)).toMatch(/loopback/);
      expect(await targetUrlProblem(receiver.url(), true)).toBeNull();
      // A row that got in anyway (e.g. DNS changed after registration) is still refused when connecting.
      const { row } = await createSubscription(h.db, h.cipher, { accountId: ACCOUNT, url: `http://localhost:${receiver.port}/hook`, events: ['movie.done'] });
      const [delivery] = await publishMovieEvent({ db: h.db, deliveries: h.deliveries }, { accountId: ACCOUNT, type: 'movie.done', data: movieData('P1') });
      const failed = await waitUntil(async () => {
        const d = await findDelivery(h.db, delivery.id);
        return d?.status === 'failed' && d;
      });
      expect(failed.last_status_code).toBeNull();
      expect(failed.last_error).toMatch(/not allowed/);
      expect(receiver.requests).toHaveLength(0);
      expect(row.url).toContain('localhost');
    } finally {
      await receiver.stop();
      await h.close();
    }
  });
});
