/**
 * Reelay Trigger in isolation: Standard Webhooks verification (valid, forged, stale, rotated
 * secrets), webhook() through n8n-core's WebhookContext with the request as n8n parses it, and the
 * subscription lifecycle through HookContext against a nock'd bridge. The same lifecycle against the
 * real bridge is in reelay-trigger.live.test.ts.
 */
import { randomBytes } from 'node:crypto';
import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';
import { sign, verifySignature } from '../../nodes/ReelayTrigger/signature';
import { triggerHarness } from './helpers/n8n-engine';

const BASE = 'http://reelay.test';
const KEY = 'rly_unitTestKey000000000000000000abcdef';
const credentials = { '1': { baseUrl: BASE, apiKey: KEY } };
const secret = `whsec_${randomBytes(32).toString('base64')}`;
const now = () => Math.floor(Date.now() / 1000);

describe('verifySignature', () => {
  const body = '{"type":"movie.done","data":{}}';
  const ts = String(now());

  it('accepts a valid signature, also among several (rotation)', () => {
    const good = sign(secret, 'msg_1', ts, body);
    expect(verifySignature(secret, { id: 'msg_1', timestamp: ts, signature: good }, body, now())).toEqual({ ok: true });
    const other = sign(`whsec_${randomBytes(32).toString('base64')}`, 'msg_1', ts, body);
    expect(verifySignature(secret, { id: 'msg_1', timestamp: ts, signature: `${other} ${good}` }, body, now()).ok).toBe(true);
  });

  it('refuses a changed body, id or signature, a stale or future timestamp, missing headers', () => {
    const good = sign(secret, 'msg_1', ts, body);
    expect(verifySignature(secret, { id: 'msg_1', timestamp: ts, signature: good }, body.replace('done', 'error'), now()).ok).toBe(false);
    expect(verifySignature(secret, { id: 'msg_2', timestamp: ts, signature: good }, body, now()).ok).toBe(false);
    expect(verifySignature(secret, { id: 'msg_1', timestamp: ts, signature: 'v1,AAAA' }, body, now()).ok).toBe(false);
    const old = String(now() - 301);
    expect(verifySignature(secret, { id: 'msg_1', timestamp: old, signature: sign(secret, 'msg_1', old, body) }, body, now())).toEqual({
      ok: false,
      reason: expect.stringMatching(/tolerance/),
    });
    const future = String(now() + 301);
    expect(verifySignature(secret, { id: 'msg_1', timestamp: future, signature: sign(secret, 'msg_1', future, body) }, body, now()).ok).toBe(false);
    expect(verifySignature(secret, { id: 'msg_1', timestamp: ts }, body, now()).ok).toBe(false);
  });
});

/** The request/response pair n8n's webhook server hands to webhook(): parsed body plus rawBody. */
function delivery(body: IDataObject, headers: Record<string, string>) {
  const raw = Buffer.from(JSON.stringify(body));
  const req = { body, rawBody: raw, headers, params: {}, query: {}, contentType: 'application/json' };
  const res = {
    statusCode: 200,
    sent: undefined as unknown,
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    json(payload: unknown) {
      this.sent = payload;
      return this;
    },
  };
  return { req, res, raw };
}

function signedHeaders(raw: Buffer, key = secret, timestamp = String(now())) {
  return { 'webhook-id': 'msg_abc', 'webhook-timestamp': timestamp, 'webhook-signature': sign(key, 'msg_abc', timestamp, raw), 'content-type': 'application/json' };
}

describe('webhook()', () => {
  const event = { type: 'movie.done', timestamp: '2026-11-23T10:00:00Z', data: { project: 'p1', status: 'done', url: `${BASE}/f/p1.mp4` } };

  function harness(parameters: IDataObject = { events: ['movie.done'] }) {
    const h = triggerHarness(parameters, { credentials });
    h.workflow.staticData['node:Reelay Trigger'] = { webhookId: 'wh_1', secret };
    return h;
  }

  it('emits a signed movie.done as one flat item', async () => {
    const h = harness();
    const { req, res, raw } = delivery(event, {});
    req.headers = signedHeaders(raw);
    const result = await h.webhook(req, res);
    expect(result.workflowData).toEqual([[{ json: { event: 'movie.done', timestamp: event.timestamp, deliveryId: 'msg_abc', ...event.data } }]]);
  });

  it('refuses a forged signature and a stale delivery with 401, without running the workflow', async () => {
    const h = harness();
    const forged = delivery(event, {});
    forged.req.headers = signedHeaders(forged.raw, `whsec_${randomBytes(32).toString('base64')}`);
    expect(await h.webhook(forged.req, forged.res)).toEqual({ noWebhookResponse: true });
    expect(forged.res.statusCode).toBe(401);

    const stale = delivery(event, {});
    stale.req.headers = signedHeaders(stale.raw, secret, String(now() - 3600));
    expect(await h.webhook(stale.req, stale.res)).toEqual({ noWebhookResponse: true });
    expect(stale.res.statusCode).toBe(401);

    const unsigned = delivery(event, { 'content-type': 'application/json' });
    expect(await h.webhook(unsigned.req, unsigned.res)).toEqual({ noWebhookResponse: true });
    expect(unsigned.res.statusCode).toBe(401);
  });

  it('acknowledges events it was not asked for (e.g. ping) without a run', async () => {
    const h = harness();
    const ping = delivery({ type: 'ping', timestamp: 'x', data: {} }, {});
    ping.req.headers = signedHeaders(ping.raw);
    expect(await h.webhook(ping.req, ping.res)).toEqual({ webhookResponse: { success: true, ignored: 'ping' } });
  });

  it('downloads the video into binary when asked', async () => {
    nock(BASE).get('/f/p1.mp4').reply(200, Buffer.from('mp4!'));
    const h = harness({ events: ['movie.done'], options: { download: true, binaryPropertyName: 'video' } });
    const { req, res, raw } = delivery(event, {});
    req.headers = signedHeaders(raw);
    const result = await h.webhook(req, res);
    const item = result.workflowData![0][0];
    expect(item.binary?.video).toMatchObject({ mimeType: 'video/mp4', fileName: 'p1.mp4' });
    expect(Buffer.from(item.binary!.video.data, 'base64').toString()).toBe('mp4!');
  });
});

describe('lifecycle (nock)', () => {
  afterEach(() => nock.cleanAll());

  it('create stores id and secret; checkExists verifies url and events; delete removes it', async () => {
    const h = triggerHarness({ events: ['movie.done', 'movie.error'] }, { credentials });
    expect(await h.checkExists()).toBe(false);

    let subscribed: IDataObject = {};
    nock(BASE).post('/v2/webhooks', (b) => ((subscribed = b), true)).reply(201, { success: true, id: 'wh_9', secret });
    expect(await h.create()).toBe(true);
    expect(subscribed).toEqual({ url: h.webhookUrl, events: ['movie.done', 'movie.error'] });
    expect(h.staticData()).toMatchObject({ webhookId: 'wh_9', secret });

    nock(BASE).get('/v2/webhooks/wh_9').reply(200, { success: true, webhook: { id: 'wh_9', url: h.webhookUrl, events: ['movie.error', 'movie.done'] } });
    expect(await h.checkExists()).toBe(true);

    // Removed on the server meanwhile: checkExists says so and forgets it, so n8n creates a new one.
    nock(BASE).get('/v2/webhooks/wh_9').reply(404, { success: false, error: 'not found', code: 'not_found' });
    expect(await h.checkExists()).toBe(false);
    expect(h.staticData()?.webhookId).toBeUndefined();

    h.workflow.staticData['node:Reelay Trigger'] = { webhookId: 'wh_9', secret };
    nock(BASE).delete('/v2/webhooks/wh_9').reply(200, { success: true });
    expect(await h.delete()).toBe(true);
    expect(h.staticData()).toEqual({});
  });

  it('a subscription for another URL is replaced', async () => {
    const h = triggerHarness({ events: ['movie.done'] }, { credentials });
    h.workflow.staticData['node:Reelay Trigger'] = { webhookId: 'wh_old', secret };
    nock(BASE).get('/v2/webhooks/wh_old').reply(200, { success: true, webhook: { id: 'wh_old', url: 'http://elsewhere/x', events: ['movie.done'] } });
    nock(BASE).delete('/v2/webhooks/wh_old').reply(200, { success: true });
    expect(await h.checkExists()).toBe(false);
    expect(nock.isDone()).toBe(true);
  });

  it('a subscription Reelay disabled (410 or repeated failures) is replaced', async () => {
    const h = triggerHarness({ events: ['movie.done'] }, { credentials });
    h.workflow.staticData['node:Reelay Trigger'] = { webhookId: 'wh_off', secret };
    nock(BASE).get('/v2/webhooks/wh_off').reply(200, { success: true, webhook: { id: 'wh_off', url: h.webhookUrl, events: ['movie.done'], disabled: true } });
    nock(BASE).delete('/v2/webhooks/wh_off').reply(200, { success: true });
    expect(await h.checkExists()).toBe(false);
    expect(nock.isDone()).toBe(true);
  });

  it('a failing create surfaces the mapped error', async () => {
    const h = triggerHarness({ events: ['movie.done'] }, { credentials });
    nock(BASE).post('/v2/webhooks').reply(403, { success: false, error: 'missing webhooks:write', code: 'insufficient_scope', details: { missingScope: 'webhooks:write' } });
    await expect(h.create()).rejects.toThrow('The API key lacks the scope "webhooks:write"');
  });
});
