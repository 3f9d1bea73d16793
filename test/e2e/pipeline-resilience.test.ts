/**
 * Nothing lost, on real processes: one `reelay bridge`, separate `reelay renderer` processes, one
 * Redis prefix and one data directory. The steps run in order on the same installation, each
 * leaving it healthy for the next:
 *   1. two renderers share one queue: 20 movies, each rendered exactly once;
 *   2. a key revoked while its render runs: the render completes, another key downloads it, the
 *      revoked key gets 401;
 *   3. renderers killed with SIGKILL mid-render: a new renderer picks the render up; done, charged once;
 *   4. the bridge killed while renders run and started again: statuses end correct;
 *   5. the prefix's Redis keys deleted with renders pending: the bridge re-enqueues them from the
 *      store, all complete.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createInstall, ROOT, tinyMovie, waitForLine, type Install, type ReelayProcess } from './harness';

jest.setTimeout(180000);

let install: Install;
let bridge: ReelayProcess;
let renderers: ReelayProcess[] = [];
let accountKey: string;

/** A movie that takes a few seconds to render (long enough to interrupt). */
const slowMovie = (text: string) => ({
  resolution: 'hd',
  quality: 'high',
  cache: false,
  scenes: [{ 'background-color': '#336699', duration: 40, elements: [{ type: 'text', text, settings: { 'font-size': 60, color: '#ffffff' } }] }],
});

const startedCounts = (procs: ReelayProcess[]) => {
  const counts = new Map<string, number>();
  for (const p of procs) for (const l of p.logs('render started')) counts.set(String(l.project), (counts.get(String(l.project)) ?? 0) + 1);
  return counts;
};

/**
 * The count once every project's start line has arrived: a log line can reach this process a moment
 * after the status it preceded (two pipes, read in whatever order the event loop sees them).
 */
async function startedCountsOf(procs: ReelayProcess[], projects: string[]): Promise<Map<string, number>> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const counts = startedCounts(procs);
    if (projects.every((p) => counts.has(p)) || Date.now() > deadline) return counts;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const balance = async () => (await install.api('GET', '/v2/account', { key: accountKey })).body.account.credits as number;

beforeAll(async () => {
  install = await createInstall();
  bridge = await install.spawn('bridge');
  renderers = [await install.spawn('renderer'), await install.spawn('renderer')];
  // An account with a finite balance, made by the CLI against the same store.
  const made = spawnSync(process.execPath, [path.join(ROOT, 'bridge/bin/reelay.js'), 'accounts', 'create', '--name', 'e2e', '--credits', '1000'], {
    env: { ...process.env, ...install.env },
    encoding: 'utf8',
  });
  accountKey = /rly_[A-Za-z0-9]+/.exec(made.stdout)![0];
}, 90000);
afterAll(() => install?.stop());

test('1. two renderers on one queue: 20 movies, each rendered exactly once', async () => {
  const projects: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await install.api('POST', '/v2/movies', { key: accountKey, body: tinyMovie(`movie ${i}`) });
    expect(res.status).toBe(200);
    projects.push(res.body.project);
  }
  for (const p of projects) expect(await install.waitFor(p, ['done', 'error'], 120000, accountKey)).toMatchObject({ status: 'done' });
  const counts = await startedCountsOf(renderers, projects);
  for (const p of projects) expect(counts.get(p)).toBe(1);
  const perRenderer = renderers.map((r) => r.logs('render started').filter((l) => projects.includes(String(l.project))).length);
  expect(perRenderer[0] + perRenderer[1]).toBe(20);
  expect(Math.min(...perRenderer)).toBeGreaterThan(0);
  expect(await balance()).toBe(1000 - 20);
});

test('2. a key revoked mid-render: the render completes; another key downloads it; the revoked key gets 401', async () => {
  const created = await install.api('POST', '/v2/keys', { key: accountKey, body: { name: 'short-lived', role: 'render' } });
  expect(created.status).toBe(201);
  const renderKey: string = created.body.key;
  const res = await install.api('POST', '/v2/movies', { key: renderKey, body: tinyMovie('revoked', 3) });
  expect(res.status).toBe(200);
  expect((await install.api('DELETE', `/v2/keys/${created.body.apiKey.id}`, { key: accountKey })).status).toBeLessThan(300);
  expect((await install.api('GET', `/v2/movies?project=${res.body.project}`, { key: renderKey })).status).toBe(401);
  const movie = await install.waitFor(res.body.project, ['done', 'error'], 60000, accountKey);
  expect(movie.status).toBe('done');
  const file = await fetch(movie.url);
  expect(file.status).toBe(200);
  expect((await file.arrayBuffer()).byteLength).toBe(movie.size);
  expect((await install.api('GET', `/v2/movies?project=${res.body.project}`, { key: renderKey })).status).toBe(401);
});

test('3. renderers killed with SIGKILL mid-render: picked up again, done, charged once', async () => {
  const before = await balance();
  const res = await install.api('POST', '/v2/movies', { key: accountKey, body: slowMovie('killed') });
  expect(res.status).toBe(200);
  await install.waitFor(res.body.project, ['running'], 60000, accountKey);
  for (const r of renderers) await r.kill('SIGKILL');
  const cost = 40 * 1; // 40 s at 1280×720
  expect(await balance()).toBe(before - cost);
  const rescuer = await install.spawn('renderer');
  renderers = [rescuer];
  const movie = await install.waitFor(res.body.project, ['done', 'error'], 150000, accountKey);
  expect(movie).toMatchObject({ status: 'done', credits: cost });
  expect((await startedCountsOf([rescuer], [res.body.project])).has(res.body.project)).toBe(true);
  expect(await balance()).toBe(before - cost);
  expect((await fetch(movie.url)).status).toBe(200);
});

test('4. the bridge restarted while renders run: statuses correct afterwards, nothing stuck', async () => {
  const projects: string[] = [];
  for (let i = 0; i < 4; i++) projects.push((await install.api('POST', '/v2/movies', { key: accountKey, body: tinyMovie(`restart ${i}`, 2) })).body.project);
  await install.waitFor(projects[0], ['running', 'done'], 60000, accountKey);
  await bridge.kill('SIGKILL');
  // Renders go on and report into Redis while no bridge listens.
  await new Promise((r) => setTimeout(r, 3000));
  bridge = await install.spawn('bridge');
  for (const p of projects) expect(await install.waitFor(p, ['done', 'error'], 60000, accountKey)).toMatchObject({ status: 'done', progress: 100 });
  const counts = await startedCountsOf(renderers, projects);
  for (const p of projects) expect(counts.get(p)).toBe(1);
});

test('5. Redis keys of the prefix deleted with renders pending: re-enqueued from the store, all complete', async () => {
  for (const r of renderers) await r.kill('SIGTERM');
  renderers = [];
  const projects: string[] = [];
  for (let i = 0; i < 5; i++) projects.push((await install.api('POST', '/v2/movies', { key: accountKey, body: tinyMovie(`flush ${i}`) })).body.project);
  expect(await install.flushRedis()).toBeGreaterThan(0);
  renderers = [await install.spawn('renderer')];
  for (const p of projects) expect(await install.waitFor(p, ['done', 'error'], 60000, accountKey)).toMatchObject({ status: 'done' });
  const counts = await startedCountsOf(renderers, projects);
  for (const p of projects) expect(counts.get(p)).toBe(1);
  await waitForLine(bridge, /"msg":"re-enqueued renders missing from Redis"/, 5000);
});
