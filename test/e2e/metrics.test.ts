/**
 * `/metrics` of a real `reelay start` (bridge + in-process renderer) on its own loopback port: after a
 * movie renders and its webhooks are delivered (one receiver answering 200, one failing until it is
 * given up), the render, credit and webhook counters have moved by exactly what happened.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sample } from '../helpers/prometheus';
import { createInstall, freePort, tinyMovie, type Install } from './harness';

let install: Install;
let metricsUrl: string;
let receiver: http.Server;
let receiverUrl: string;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    req.resume();
    res.writeHead(req.url === '/fail' ? 500 : 200).end();
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const port = await freePort();
  metricsUrl = `http://127.0.0.1:${port}/metrics`;
  install = await createInstall({ REELAY_METRICS_PORT: String(port) });
  await install.spawn('start');
}, 60_000);

afterAll(async () => {
  await install?.stop();
  receiver?.closeAllConnections();
  await new Promise((r) => receiver?.close(r));
});

const scrape = async () => (await fetch(metricsUrl)).text();

async function until(check: (text: string) => boolean, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await scrape();
    if (check(text)) return text;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`metrics did not reach the expected values within ${timeoutMs} ms:\n${text.split('\n').filter((l) => l.startsWith('reelay_renders') || l.startsWith('reelay_webhook')).join('\n')}`);
}

test('a render and its webhooks move the render, credit and delivery counters', async () => {
  for (const path of ['/ok', '/fail']) {
    const sub = await install.api('POST', '/v2/webhooks', { body: { url: `${receiverUrl}${path}`, events: ['movie.done'] } });
    expect(sub.status).toBe(201);
  }
  const before = await scrape();
  const res = await install.api('POST', '/v2/movies', { body: tinyMovie('metrics', 1) });
  expect(res.status).toBe(200);
  const done = await install.waitFor(res.body.project, ['done', 'error']);
  expect(done.status).toBe('done');
  // The failing receiver is tried 1 + 3 times (REELAY_WEBHOOK_RETRY_SCHEDULE=1,1,1), then given up.
  const after = await until((t) => sample(t, 'reelay_webhook_deliveries_total', { outcome: 'failed' }) >= 1, 30_000);
  const delta = (name: string, labels: Record<string, string> = {}) => sample(after, name, labels) - sample(before, name, labels);
  expect(delta('reelay_renders_total', { status: 'done' })).toBe(1);
  expect(delta('reelay_renders_total', { status: 'error' })).toBe(0);
  expect(delta('reelay_render_duration_seconds_count')).toBe(1);
  expect(delta('reelay_render_duration_seconds_sum')).toBeCloseTo(done.rendering_time, 2);
  expect(delta('reelay_encoded_video_seconds_total')).toBeCloseTo(done.duration, 2);
  expect(delta('reelay_credits_charged_total')).toBeGreaterThan(0);
  expect(delta('reelay_webhook_deliveries_total', { outcome: 'succeeded' })).toBe(1);
  expect(delta('reelay_webhook_deliveries_total', { outcome: 'retrying' })).toBe(3);
  expect(delta('reelay_webhook_deliveries_total', { outcome: 'failed' })).toBe(1);
  expect(delta('reelay_http_requests_total', { route: 'render', method: 'POST', status: '2xx' })).toBe(1);
  // The bridge port itself does not answer /metrics unless asked to.
  expect((await fetch(`${install.url}/metrics`)).status).toBe(404);
}, 90_000);

test('a cancelled render counts as an error with its code, and its credits as refunded', async () => {
  const before = await scrape();
  const res = await install.api('POST', '/v2/movies', { body: tinyMovie('long', 30) });
  expect(res.status).toBe(200);
  const cancel = await install.api('DELETE', `/v2/movies/${res.body.project}`);
  expect(cancel.status).toBe(200);
  expect(cancel.body.refunded).toBeGreaterThan(0);
  const after = await until((t) => sample(t, 'reelay_renders_total', { status: 'error', code: 'cancelled' }) > sample(before, 'reelay_renders_total', { status: 'error', code: 'cancelled' }), 10_000);
  expect(sample(after, 'reelay_credits_refunded_total') - sample(before, 'reelay_credits_refunded_total')).toBe(cancel.body.refunded);
}, 60_000);
