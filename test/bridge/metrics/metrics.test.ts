/**
 * `/metrics` on a real bridge (SQLite, Redis): served on the bridge's port only when
 * REELAY_METRICS_ON_BRIDGE_PORT says so, otherwise on its own listener that serves nothing else;
 * request counters and latency histograms move with real requests, labelled by route class; queue
 * gauges read the Bull queues in Redis when scraped.
 */
import type { JobOptions } from 'bull';
import type { AddressInfo } from 'node:net';
import { listenMetrics } from '../../../bridge/src/metrics/server';
import { startBridge, type TestBridge } from '../../helpers/bridge';
import { labelValues, sample } from '../../helpers/prometheus';

let open: TestBridge;
let closed: TestBridge;

beforeAll(async () => {
  open = await startBridge({ env: { REELAY_METRICS_ON_BRIDGE_PORT: 'true' } });
  closed = await startBridge({ env: { REELAY_METRICS_PORT: '0' } });
});
afterAll(async () => {
  await open?.stop();
  await closed?.stop();
});

async function scrape(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

test('requests are counted and timed by route class, method and status class', async () => {
  const before = await scrape(`${open.url}/metrics`);
  for (let i = 0; i < 3; i++) expect((await open.request('GET', '/v2/account', { key: open.primaryKey })).status).toBe(200);
  expect((await open.request('GET', '/v2/account')).status).toBe(401);
  expect((await open.request('GET', '/v2/no-such-route', { key: open.primaryKey })).status).toBe(404);
  const after = await scrape(`${open.url}/metrics`);
  const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);
  expect(delta('reelay_http_requests_total', { route: 'read', method: 'GET', status: '2xx' })).toBe(3);
  expect(delta('reelay_http_requests_total', { route: 'read', method: 'GET', status: '4xx' })).toBe(1);
  expect(delta('reelay_http_requests_total', { route: 'unmatched', method: 'GET', status: '4xx' })).toBe(1);
  expect(delta('reelay_http_request_duration_seconds_count', { route: 'read', status: '2xx' })).toBe(3);
  expect(delta('reelay_http_request_duration_seconds_bucket', { route: 'read', status: '2xx', le: '+Inf' })).toBe(3);
  expect(sample(after, 'reelay_http_request_duration_seconds_sum', { route: 'read', status: '2xx' })).toBeGreaterThan(0);
  // No label carries a path, an id or a key: the series count stays fixed whatever the traffic.
  expect(labelValues(after, 'reelay_http_requests_total', 'route').every((r) => /^[a-z:_]+$/.test(r))).toBe(true);
  expect(after).not.toContain(open.primaryKey);
  // Process and Node runtime metrics, under the same prefix.
  expect(sample(after, 'reelay_process_resident_memory_bytes')).toBeGreaterThan(0);
  expect(after).toContain('reelay_nodejs_eventloop_lag_seconds');
});

test('queue depth and age are read from Redis at scrape time', async () => {
  const text = await scrape(`${open.url}/metrics`);
  expect(labelValues(text, 'reelay_queue_jobs', 'queue')).toEqual(['render', 'render-events', 'webhooks']);
  expect(labelValues(text, 'reelay_queue_jobs', 'state')).toEqual(['active', 'delayed', 'failed', 'waiting']);
  // A job waiting in the render queue (no renderer runs here) shows in the depth and, as it ages, in the age.
  const queue = open.services.pipeline.queue;
  await queue.add({ project: 'metricsprobe0001', movie: {}, output: { key: 'x' } }, { jobId: 'metricsprobe0001', timestamp: Date.now() - 90_000 } as JobOptions);
  try {
    const later = await scrape(`${open.url}/metrics`);
    expect(sample(later, 'reelay_queue_jobs', { queue: 'render', state: 'waiting' })).toBe(1);
    expect(sample(later, 'reelay_queue_oldest_waiting_age_seconds', { queue: 'render' })).toBeGreaterThanOrEqual(90);
    expect(sample(later, 'reelay_queue_oldest_waiting_age_seconds', { queue: 'webhooks' })).toBe(0);
  } finally {
    await (await queue.getJob('metricsprobe0001'))?.remove();
  }
});

test('without REELAY_METRICS_ON_BRIDGE_PORT the bridge port has no /metrics; its own listener has nothing else', async () => {
  const res = await closed.request('GET', '/metrics');
  expect(res.status).toBe(404);
  expect(res.text).not.toContain('reelay_');
  const server = await listenMetrics(closed.services);
  expect(server).toBeDefined();
  const { address, port } = server!.address() as AddressInfo;
  expect(address).toBe('127.0.0.1');
  expect(sample(await scrape(`http://127.0.0.1:${port}/metrics`), 'reelay_process_resident_memory_bytes')).toBeGreaterThan(0);
  expect((await fetch(`http://127.0.0.1:${port}/v2/account`, { headers: { 'x-api-key': closed.primaryKey } })).status).toBe(404);
  // A second listener on a taken port is reported, not fatal.
  const taken = await listenMetrics({ ...closed.services, config: { ...closed.config, metrics: { host: '127.0.0.1', port, onBridgePort: false } } });
  expect(taken).toBeUndefined();
});
