/**
 * `/v2/webhooks` over HTTP on a real bridge (SQLite and PostgreSQL), with real receivers on loopback
 * that verify signatures with the `standardwebhooks` package.
 */
import { startBridge, type TestBridge } from '../../helpers/bridge';
import { movieData } from './harness';
import { Receiver, verifies } from './receiver';

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(['sqlite', 'postgres'] as const)('webhooks API (%s)', (db) => {
  let bridge: TestBridge;
  let receiver: Receiver;

  beforeAll(async () => {
    bridge = await startBridge({ db, env: { REELAY_WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2' } });
    receiver = await new Receiver().start();
  });
  afterAll(async () => {
    await receiver.stop();
    await bridge?.stop();
  });
  beforeEach(() => {
    receiver.requests.length = 0;
    receiver.respond = () => ({ status: 204 });
  });

  const key = () => bridge.primaryKey;
  const create = (body: unknown, k = key()) => bridge.request('POST', '/v2/webhooks', { key: k, body });

  test('create returns id and a whsec_ secret once; reads never show it; a ping verifies with it and is logged', async () => {
    const res = await create({ url: receiver.url(), events: ['movie.done'], description: 'n8n' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ success: true, id: expect.stringMatching(/^wh_/), secret: expect.stringMatching(/^whsec_/) });
    expect(res.body.webhook).toMatchObject({ id: res.body.id, url: receiver.url(), events: ['movie.done'], description: 'n8n', disabled: false });
    const { id, secret } = res.body;

    const one = await bridge.request('GET', `/v2/webhooks/${id}`, { key: key() });
    const list = await bridge.request('GET', '/v2/webhooks', { key: key() });
    expect(one.status).toBe(200);
    expect(list.body.webhooks.map((w: { id: string }) => w.id)).toContain(id);
    for (const r of [one, list]) expect(r.text).not.toContain(secret.slice(6));

    const ping = await bridge.request('POST', `/v2/webhooks/${id}/test`, { key: key() });
    expect(ping.status).toBe(202);
    await receiver.waitFor((r) => r.length === 1);
    expect(verifies(secret, receiver.requests[0])).toBe(true);
    expect(JSON.parse(receiver.requests[0].body)).toMatchObject({ type: 'ping', data: { webhook: id } });

    const log = await until(async () => {
      const r = await bridge.request('GET', `/v2/webhooks/${id}/deliveries`, { key: key() });
      return r.body.deliveries[0]?.status === 'succeeded' && r;
    }, 'delivery logged');
    expect(log.body.deliveries[0]).toMatchObject({
      id: ping.body.delivery.id, event: 'ping', attempts: 1, last_status_code: 204, next_attempt_at: null,
      message_id: receiver.requests[0].headers['webhook-id'],
    });
    expect(log.body.deliveries[0].last_latency_ms).toEqual(expect.any(Number));
    const detail = await bridge.request('GET', `/v2/webhooks/deliveries/${ping.body.delivery.id}`, { key: key() });
    expect(detail.status).toBe(200);
    expect(detail.body.delivery).toMatchObject({ id: ping.body.delivery.id, status: 'succeeded' });
    expect(detail.body.attempts).toEqual([{ attempt: 1, at: expect.any(String), status_code: 204, latency_ms: expect.any(Number), error: null }]);
    expect(bridge.logs.join('\n')).not.toContain(secret.slice(6));
  });

  test('Zapier REST hook shape (target_url + event), default events, and validation errors with paths', async () => {
    const zap = await create({ target_url: receiver.url('/zap'), event: 'movie.error' });
    expect(zap.status).toBe(201);
    expect(zap.body.webhook.events).toEqual(['movie.error']);
    const all = await create({ url: receiver.url('/all') });
    expect(all.body.webhook.events).toEqual(['movie.done', 'movie.error']);

    const missing = await create({ events: ['movie.done'] });
    expect(missing.status).toBe(400);
    expect(missing.body).toMatchObject({ success: false, code: 'validation_error', details: [{ path: 'url' }] });
    const badEvent = await create({ url: receiver.url(), events: ['movie.started'] });
    expect(badEvent.status).toBe(400);
    expect(badEvent.body.details[0].path).toBe('events[0]');
    const ftp = await create({ url: 'ftp://example.com/x' });
    expect(ftp.status).toBe(400);
    expect(ftp.body.code).toBe('forbidden_url');
    const metadata = await create({ url: 'http://169.254.169.254/latest/meta-data' });
    expect(metadata.body.code).toBe('forbidden_url');
    const userinfo = await create({ url: 'https://user:pass@example.com/hook' });
    expect(userinfo.body.code).toBe('forbidden_url');
  });

  test('a movie event reaches matching subscriptions only, with the documented body; PATCH disables and re-enables', async () => {
    const done = (await create({ url: receiver.url('/done'), events: ['movie.done'] })).body;
    const errors = (await create({ url: receiver.url('/errors'), events: ['movie.error'] })).body;
    await bridge.services.publishMovieEvent!({ accountId: bridge.account.id, type: 'movie.done', movie: {}, data: movieData('PDONE1') });
    await receiver.waitFor((r) => r.some((x) => x.path === '/done'));
    const body = JSON.parse(receiver.requests.find((x) => x.path === '/done')!.body);
    expect(body).toEqual({ type: 'movie.done', timestamp: expect.any(String), data: movieData('PDONE1') });
    expect(verifies(done.secret, receiver.requests.find((x) => x.path === '/done')!)).toBe(true);
    expect(receiver.requests.some((x) => x.path === '/errors')).toBe(false);

    const off = await bridge.request('PATCH', `/v2/webhooks/${done.id}`, { key: key(), body: { disabled: true, description: 'paused' } });
    expect(off.body.webhook).toMatchObject({ disabled: true, description: 'paused' });
    await bridge.services.publishMovieEvent!({ accountId: bridge.account.id, type: 'movie.done', movie: {}, data: movieData('PDONE2') });
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.requests.filter((x) => x.path === '/done')).toHaveLength(1);

    const on = await bridge.request('PATCH', `/v2/webhooks/${done.id}`, { key: key(), body: { disabled: false, events: ['movie.done', 'movie.error'] } });
    expect(on.body.webhook).toMatchObject({ disabled: false, events: ['movie.done', 'movie.error'] });
    await bridge.services.publishMovieEvent!({ accountId: bridge.account.id, type: 'movie.error', movie: {}, data: movieData('PERR1', { status: 'error', url: null, message: 'Scene #1, element #1: failed' }) });
    await receiver.waitFor((r) => r.filter((x) => x.path === '/done').length === 2 && r.some((x) => x.path === '/errors'));
    expect(verifies(errors.secret, receiver.requests.find((x) => x.path === '/errors')!)).toBe(true);
  });

  test('410 disables the subscription (visible in GET, audited); rotation sends both signatures; redeliver replays', async () => {
    const sub = (await create({ url: receiver.url('/gone') })).body;
    receiver.respond = () => ({ status: 410 });
    await bridge.request('POST', `/v2/webhooks/${sub.id}/test`, { key: key() });
    const disabled = await until(async () => {
      const r = await bridge.request('GET', `/v2/webhooks/${sub.id}`, { key: key() });
      return r.body.webhook.disabled && r;
    }, 'disabled');
    expect(disabled.body.webhook.disabled_reason).toMatch(/410/);
    const auditLog = await bridge.request('GET', '/v2/audit', { key: key() });
    expect(JSON.stringify(auditLog.body)).toContain('webhook.disabled');

    receiver.respond = () => ({ status: 200 });
    const rotated = await bridge.request('POST', `/v2/webhooks/${sub.id}/rotate-secret`, { key: key() });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.webhook.secret_rotating_until).toEqual(expect.any(String));
    expect([sub.webhook.secret_version, rotated.body.webhook.secret_version]).toEqual([1, 2]);
    await bridge.request('PATCH', `/v2/webhooks/${sub.id}`, { key: key(), body: { disabled: false } });
    const [first] = (await bridge.request('GET', `/v2/webhooks/${sub.id}/deliveries`, { key: key() })).body.deliveries;
    const again = await bridge.request('POST', `/v2/webhooks/${sub.id}/deliveries/${first.id}/redeliver`, { key: key() });
    expect(again.status).toBe(202);
    await receiver.waitFor((r) => r.length === 2);
    const replay = receiver.requests[1];
    expect(replay.headers['webhook-id']).toBe(first.message_id);
    expect(verifies(rotated.body.secret, replay)).toBe(true);
    expect(verifies(sub.secret, replay)).toBe(true);
  });

  test("another account's subscription and delivery ids answer 404 on every route; no scope → 403", async () => {
    const mine = (await create({ url: receiver.url() })).body;
    await bridge.request('POST', `/v2/webhooks/${mine.id}/test`, { key: key() });
    const [delivery] = (await until(async () => (await bridge.request('GET', `/v2/webhooks/${mine.id}/deliveries`, { key: key() })).body.deliveries.length > 0 && (await bridge.request('GET', `/v2/webhooks/${mine.id}/deliveries`, { key: key() })), 'delivery')).body.deliveries;
    const other = await bridge.createAccount();
    const theirs = (await create({ url: receiver.url('/theirs') }, other.primaryKey)).body;
    const k = other.primaryKey;
    const attempts = [
      ['GET', `/v2/webhooks/${mine.id}`],
      ['PATCH', `/v2/webhooks/${mine.id}`],
      ['DELETE', `/v2/webhooks/${mine.id}`],
      ['POST', `/v2/webhooks/${mine.id}/rotate-secret`],
      ['POST', `/v2/webhooks/${mine.id}/test`],
      ['GET', `/v2/webhooks/${mine.id}/deliveries`],
      ['POST', `/v2/webhooks/${mine.id}/deliveries/${delivery.id}/redeliver`],
      ['GET', `/v2/webhooks/deliveries/${delivery.id}`],
      ['POST', `/v2/webhooks/${theirs.id}/deliveries/${delivery.id}/redeliver`],
    ] as const;
    for (const [method, path] of attempts) {
      const res = await bridge.request(method, path, { key: k, body: method === 'PATCH' ? { disabled: true } : undefined });
      expect({ path, status: res.status, code: res.body?.code }).toEqual({ path, status: 404, code: 'not_found' });
    }
    const theirList = await bridge.request('GET', '/v2/webhooks', { key: k });
    expect(theirList.body.webhooks.map((w: { id: string }) => w.id)).toEqual([theirs.id]);
    const theirDeliveries = await bridge.request('GET', '/v2/webhooks/deliveries', { key: k });
    expect(theirDeliveries.body.deliveries).toEqual([]);
    // Mine is untouched.
    expect((await bridge.request('GET', `/v2/webhooks/${mine.id}`, { key: key() })).body.webhook.disabled).toBe(false);

    const render = await bridge.keyWithRole('render');
    expect((await bridge.request('GET', '/v2/webhooks', { key: render.key })).status).toBe(403);
    const readOnly = await bridge.keyWithRole('read-only');
    expect((await bridge.request('GET', '/v2/webhooks', { key: readOnly.key })).status).toBe(200);
    expect((await create({ url: receiver.url() }, readOnly.key)).status).toBe(403);
    const editor = await bridge.keyWithRole('editor');
    expect((await create({ url: receiver.url() }, editor.key)).status).toBe(201);
  });

  test('DELETE removes the subscription; later events are not sent to it', async () => {
    const sub = (await create({ url: receiver.url('/deleted') })).body;
    expect((await bridge.request('DELETE', `/v2/webhooks/${sub.id}`, { key: key() })).status).toBe(200);
    expect((await bridge.request('GET', `/v2/webhooks/${sub.id}`, { key: key() })).status).toBe(404);
    await bridge.services.publishMovieEvent!({ accountId: bridge.account.id, type: 'movie.done', movie: {}, data: movieData('PDEL') });
    await new Promise((r) => setTimeout(r, 400));
    expect(receiver.requests.filter((x) => x.path === '/deleted')).toHaveLength(0);
  });
});
