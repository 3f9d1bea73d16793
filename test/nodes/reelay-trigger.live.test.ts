/**
 * Reelay Trigger against the REAL bridge and renderer: the subscription lifecycle through n8n-core's
 * HookContext (create → checkExists → delete), and real deliveries. A loopback server stands in for
 * n8n's webhook endpoint and hands each request to webhook() the way n8n does (parsed body plus raw
 * body); a render started afterwards arrives signed and is accepted, a forged one is refused with 401.
 */
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IDataObject, IWebhookResponseData } from 'n8n-workflow';
import type { TestBridge } from '../helpers/bridge';
import { startLivePipeline, TINY_MOVIE } from './helpers/live-pipeline';
import { triggerHarness } from './helpers/n8n-engine';

let bridge: TestBridge;
let receiver: Server;
let receiverUrl: string;
let onDelivery: (req: express.Request, res: express.Response) => Promise<void> = async (_req, res) => {
  res.status(503).end();
};

beforeAll(async () => {
  bridge = await startLivePipeline({ credits: 1000 });
  const app = express();
  app.post('/webhook/:id/webhook', express.raw({ type: () => true }), (req, res) => {
    onDelivery(req, res).catch((error) => res.status(500).json({ error: String(error) }));
  });
  receiver = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver?.close(resolve));
  await bridge?.stop();
});

async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Hands each delivery to the trigger's webhook() and records the status n8n would answer with. */
function answerWith(h: ReturnType<typeof triggerHarness>, statuses: number[]): typeof onDelivery {
  return async (req, res) => {
    const raw = req.body as Buffer;
    res.on('finish', () => statuses.push(res.statusCode));
    const result = await h.webhook({ body: JSON.parse(raw.toString('utf8')) as IDataObject, rawBody: raw, headers: req.headers, params: {}, query: {} }, res);
    if (!result.noWebhookResponse) res.status(200).json(result.webhookResponse ?? {});
  };
}

test('lifecycle, a signed movie.done accepted (with the video), a forged delivery refused', async () => {
  const { key } = await bridge.keyWithRole('editor');
  const h = triggerHarness(
    { events: ['movie.done'], options: { download: true, binaryPropertyName: 'video' } },
    { credentials: { '1': { baseUrl: bridge.url, apiKey: key } }, webhookBaseUrl: receiverUrl },
  );

  const accepted: IWebhookResponseData[] = [];
  const statuses: number[] = [];
  onDelivery = async (req, res) => {
    const raw = req.body as Buffer;
    const parsed = { body: JSON.parse(raw.toString('utf8')) as IDataObject, rawBody: raw, headers: req.headers, params: {}, query: {} };
    res.on('finish', () => statuses.push(res.statusCode));
    const result = await h.webhook(parsed, res);
    if (result.noWebhookResponse) return; // webhook() answered (401) itself
    if (result.workflowData) accepted.push(result);
    res.status(200).json({ received: true });
  };

  expect(await h.checkExists()).toBe(false);
  expect(await h.create()).toBe(true);
  const { webhookId, secret } = h.staticData() as { webhookId: string; secret: string };
  expect(secret).toMatch(/^whsec_/);
  expect(await h.checkExists()).toBe(true);
  const stored = await bridge.request('GET', `/v2/webhooks/${webhookId}`, { key });
  expect(stored.status).toBe(200);
  expect(JSON.stringify(stored.body)).toContain(h.webhookUrl);

  // A render started afterwards is delivered, signed, and becomes one item with the MP4.
  const render = await bridge.request('POST', '/v2/movies', { key, body: TINY_MOVIE });
  expect(render.status).toBe(200);
  const delivery = await waitFor('the movie.done delivery', () => accepted[0]);
  const item = delivery.workflowData![0][0];
  expect(item.json).toMatchObject({ event: 'movie.done', project: render.body.project, status: 'done', deliveryId: expect.any(String) });
  expect(item.binary?.video).toMatchObject({ mimeType: 'video/mp4' });
  expect(Buffer.from(item.binary!.video.data, 'base64').length).toBeGreaterThan(1000);

  // A forged delivery (signed with another secret) to the same URL is refused before any run.
  const body = JSON.stringify({ type: 'movie.done', timestamp: new Date().toISOString(), data: { project: 'forged', status: 'done' } });
  const forged = await fetch(h.webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': 'msg_forged',
      'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
      'webhook-signature': 'v1,' + Buffer.alloc(32, 7).toString('base64'),
    },
    body,
  });
  expect(forged.status).toBe(401);
  expect(accepted).toHaveLength(1);
  expect(statuses).toContain(401);

  expect(await h.delete()).toBe(true);
  expect(h.staticData()).toEqual({});
  expect((await bridge.request('GET', `/v2/webhooks/${webhookId}`, { key })).status).toBe(404);
}, 120_000);

test('a secret rotated elsewhere: on the next check (n8n restart) the trigger replaces its subscription and verifies again', async () => {
  const { key } = await bridge.keyWithRole('editor');
  const h = triggerHarness({ events: ['movie.done'] }, { credentials: { '1': { baseUrl: bridge.url, apiKey: key } }, webhookBaseUrl: receiverUrl });
  expect(await h.create()).toBe(true);
  const before = { ...h.staticData() } as { webhookId: string; secret: string; secretVersion: number };
  expect(before.secretVersion).toBe(1);
  expect(await h.checkExists()).toBe(true);

  // Someone rotates the secret through the API: the trigger never sees the new one.
  const rotated = await bridge.request('POST', `/v2/webhooks/${before.webhookId}/rotate-secret`, { key });
  expect(rotated.status).toBe(200);
  expect(await h.checkExists()).toBe(false);
  expect((await bridge.request('GET', `/v2/webhooks/${before.webhookId}`, { key })).status).toBe(404);
  expect(await h.create()).toBe(true);
  const after = h.staticData() as { webhookId: string; secret: string; secretVersion: number };
  expect(after.webhookId).not.toBe(before.webhookId);
  expect(after.secret).not.toBe(before.secret);
  expect(await h.checkExists()).toBe(true);

  // A ping from the new subscription verifies with the secret the trigger now holds.
  const statuses: number[] = [];
  onDelivery = answerWith(h, statuses);
  expect((await bridge.request('POST', `/v2/webhooks/${after.webhookId}/test`, { key })).status).toBe(202);
  await waitFor('the ping', () => statuses[0]);
  expect(statuses).toEqual([200]);
  expect(await h.delete()).toBe(true);
}, 60_000);

test('a secret rotated elsewhere whose overlap is over: the next delivery renews it, and Reelay\'s retry is accepted', async () => {
  const { key } = await bridge.keyWithRole('editor');
  const h = triggerHarness({ events: ['movie.done'] }, { credentials: { '1': { baseUrl: bridge.url, apiKey: key } }, webhookBaseUrl: receiverUrl });
  expect(await h.create()).toBe(true);
  const { webhookId, secret } = { ...h.staticData() } as { webhookId: string; secret: string };
  const statuses: number[] = [];
  onDelivery = answerWith(h, statuses);

  // Rotated through the API, and the old secret's 24 h overlap already over: deliveries carry only
  // a signature the trigger can not check, and n8n does not re-check subscriptions on its own.
  expect((await bridge.request('POST', `/v2/webhooks/${webhookId}/rotate-secret`, { key })).status).toBe(200);
  await bridge.services.db
    .updateTable('webhook_subscriptions')
    .set({ previous_secret_expires_at: new Date(Date.now() - 1000).toISOString() })
    .where('id', '=', webhookId)
    .execute();

  const ping = await bridge.request('POST', `/v2/webhooks/${webhookId}/test`, { key });
  expect(ping.status).toBe(202);
  await waitFor('the retried ping', () => (statuses.length >= 2 ? statuses : undefined), 20_000);
  expect(statuses).toEqual([503, 200]); // refused once while renewing, then verified
  const state = h.staticData() as { webhookId: string; secret: string; secretVersion: number };
  expect(state).toMatchObject({ webhookId, secretVersion: 3 });
  expect(state.secret).not.toBe(secret);
  const attempts = await bridge.request('GET', `/v2/webhooks/deliveries/${ping.body.delivery.id}`, { key });
  expect(attempts.body.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([503, 200]);

  // A forged delivery right after is refused without another look at the subscription.
  const forged = await fetch(h.webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' },
    body: JSON.stringify({ type: 'ping', data: {} }),
  });
  expect(forged.status).toBe(401);
  expect((h.staticData() as { secretVersion: number }).secretVersion).toBe(3);
  expect(await h.delete()).toBe(true);
}, 60_000);
