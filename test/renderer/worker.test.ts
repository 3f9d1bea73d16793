/**
 * The Bull worker through a real Redis queue with this file's own prefix: done events and results,
 * invalid movies failing without retry, passing faults retried, cancellation over pub/sub.
 */
import Queue from 'bull';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { cancelChannel, cancelledKey, createRenderWorker, RENDER_EVENTS_QUEUE, RENDER_QUEUE, renderJobOptions, type RenderEvent, type RenderJobData, type RenderWorker } from '../../renderer/src';
import { harness, makeMedia, serveDir, type AssetServer } from './helpers';

const REDIS = 'redis://127.0.0.1:6379';
const prefix = `reelay-test-${randomBytes(4).toString('hex')}`;
const h = harness('worker');
let server: AssetServer;
let worker: RenderWorker;
let jobs: Queue.Queue<RenderJobData>;
let events: Queue.Queue<RenderEvent>;
const received: RenderEvent[] = [];

const small = (scenes: unknown[]) => ({ resolution: 'custom', width: 160, height: 90, fps: 10, quality: 'low', scenes });

beforeAll(async () => {
  makeMedia(path.join(h.dir, 'media'));
  server = await serveDir(path.join(h.dir, 'media'));
  worker = createRenderWorker({ redis: REDIS, prefix, concurrency: 2, dataDir: path.join(h.dir, 'data'), allowPrivateUrls: true });
  await worker.ready;
  jobs = new Queue<RenderJobData>(RENDER_QUEUE, REDIS, { prefix });
  events = new Queue<RenderEvent>(RENDER_EVENTS_QUEUE, REDIS, { prefix });
  void events.process(async (job) => {
    received.push(job.data);
  });
});

afterAll(async () => {
  await worker.close();
  await jobs.close();
  await events.close();
  const redis = new Redis(REDIS);
  // `${prefix}-limit` is the timeout test's own worker.
  const keys = [...(await redis.keys(`${prefix}:*`)), ...(await redis.keys(`${prefix}-limit:*`))];
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await server.close();
  h.cleanup();
});

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 30000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
const eventsOf = (project: string) => received.filter((e) => e.project === project);

test('a render job reports running and done, with the result as job return value', async () => {
  const project = 'p-done';
  const out = path.join(h.dir, 'out');
  const job = await jobs.add({ project, movie: small([{ duration: 1, elements: [{ type: 'image', src: `${server.url}/red.png` }] }]), output: { dir: out } }, renderJobOptions(project));
  expect(job.id).toBe(project);
  const done = await until(() => eventsOf(project).find((e) => e.type === 'done'));
  expect(eventsOf(project)[0].type).toBe('running');
  expect(done.result).toMatchObject({ file: path.join(out, 'p-done.mp4'), poster: path.join(out, 'p-done.jpg'), width: 160, height: 90, fps: 10, format: 'mp4', exports: [] });
  expect(Math.abs(done.result!.duration - 1)).toBeLessThanOrEqual(0.1);
  expect(existsSync(done.result!.file)).toBe(true);
  expect(new Date(done.at).getTime()).toBeGreaterThan(Date.now() - 60000);
  // The done event can arrive before Bull has stored the job's return value: read the job afresh each time.
  const returned = await until(async () => (await jobs.getJob(project))?.returnvalue || undefined);
  expect(returned).toMatchObject({ type: 'done', project });
});

test('an invalid movie fails at once without retry and the event says so', async () => {
  const project = 'p-invalid';
  await jobs.add({ project, movie: small([{ elements: [{ type: 'image' }] }]), output: { dir: path.join(h.dir, 'out') } }, renderJobOptions(project));
  const err = await until(() => eventsOf(project).find((e) => e.type === 'error'));
  expect(err).toMatchObject({ retryable: false, code: 'invalid_movie', message: expect.stringContaining('scenes[0].elements[0].src') });
  const j = (await jobs.getJob(project))!;
  for (let i = 0; i < 100 && (await j.getState()) !== 'failed'; i++) await new Promise((r) => setTimeout(r, 50));
  expect(await j.getState()).toBe('failed');
  expect(j.attemptsMade).toBe(1);
});

test('a passing fault (5xx asset) is retried with backoff', async () => {
  const project = 'p-retry';
  await jobs.add(
    { project, movie: small([{ elements: [{ type: 'image', src: `${server.url}/status/503` }] }]), output: { dir: path.join(h.dir, 'out') } },
    { ...renderJobOptions(project, 2), backoff: { type: 'fixed', delay: 100 } },
  );
  const errors = await until(() => {
    const e = eventsOf(project).filter((x) => x.type === 'error');
    return e.length >= 2 ? e : undefined;
  });
  expect(errors.map((e) => e.retryable)).toEqual([true, false]);
  expect(errors[0].code).toBe('asset_unavailable');
});

test('a cancel on the pub/sub channel kills a running render', async () => {
  const project = 'p-cancel';
  const movie = { resolution: 'custom', width: 640, height: 360, fps: 30, scenes: [{ duration: 120, elements: [{ type: 'image', src: `${server.url}/bands.png`, zoom: 5 }] }] };
  await jobs.add({ project, movie, output: { dir: path.join(h.dir, 'out-cancel') } }, renderJobOptions(project));
  await until(() => eventsOf(project).find((e) => e.type === 'running'));
  await new Promise((r) => setTimeout(r, 300));
  const pub = new Redis(REDIS);
  await pub.publish(cancelChannel(prefix), project);
  await pub.quit();
  const err = await until(() => eventsOf(project).find((e) => e.type === 'error'), 15000);
  expect(err).toMatchObject({ message: 'cancelled', code: 'cancelled', retryable: false });
  const j = (await jobs.getJob(project))!;
  expect(j.failedReason).toBe('cancelled');
});

test('a cancel mark in Redis stops a running render even when the pub/sub message was lost', async () => {
  const project = 'p-cancel-mark';
  const movie = { resolution: 'custom', width: 640, height: 360, fps: 30, scenes: [{ duration: 120, elements: [{ type: 'image', src: `${server.url}/bands.png`, zoom: 5 }] }] };
  await jobs.add({ project, movie, output: { dir: path.join(h.dir, 'out-cancel-mark') } }, renderJobOptions(project));
  await until(() => eventsOf(project).find((e) => e.type === 'running'));
  const redis = new Redis(REDIS);
  await redis.set(cancelledKey(prefix, project), '1', 'EX', 60); // what the bridge sets, without the publish
  await redis.quit();
  const marked = Date.now();
  const err = await until(() => eventsOf(project).find((e) => e.type === 'error'), 15000);
  expect(err).toMatchObject({ code: 'cancelled', retryable: false });
  expect(Date.now() - marked).toBeLessThan(4000);
});

test('a render running past the time limit is stopped and fails with code timeout, without retry', async () => {
  const limited = `${prefix}-limit`;
  const w = createRenderWorker({ redis: REDIS, prefix: limited, dataDir: path.join(h.dir, 'data'), allowPrivateUrls: true, timeoutSeconds: 1 });
  await w.ready;
  const q = new Queue<RenderJobData>(RENDER_QUEUE, REDIS, { prefix: limited });
  const ev = new Queue<RenderEvent>(RENDER_EVENTS_QUEUE, REDIS, { prefix: limited });
  const seen: RenderEvent[] = [];
  void ev.process(async (job) => {
    seen.push(job.data);
  });
  try {
    const out = path.join(h.dir, 'out-limit');
    const movie = { resolution: 'custom', width: 640, height: 360, fps: 30, scenes: [{ duration: 120, elements: [{ type: 'image', src: `${server.url}/bands.png`, zoom: 5 }] }] };
    const started = Date.now();
    await q.add({ project: 'p-limit', movie, output: { dir: out } }, { ...renderJobOptions('p-limit'), attempts: 3 });
    const err = await until(() => seen.find((e) => e.type === 'error'), 20000);
    expect(err).toMatchObject({ code: 'timeout', retryable: false, message: expect.stringContaining('limit of 1 s') });
    expect(Date.now() - started).toBeLessThan(10000);
    // The error event is sent before Bull moves the job to failed: wait for that, then count its attempts.
    let j = (await q.getJob('p-limit'))!;
    for (let i = 0; i < 100 && !(await j.isFailed()); i++) {
      await new Promise((r) => setTimeout(r, 50));
      j = (await q.getJob('p-limit'))!;
    }
    expect(await j.isFailed()).toBe(true);
    expect(j.attemptsMade).toBe(1);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  } finally {
    await w.close();
    await q.close();
    await ev.close();
  }
});
