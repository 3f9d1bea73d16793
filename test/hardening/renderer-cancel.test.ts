/**
 * Cancel stops the render, on real processes (one `reelay bridge`, one `reelay renderer`): a
 * `DELETE /v2/movies/:project` while its ffmpeg runs kills that ffmpeg within about two seconds,
 * the job is never started again (no retry, no re-enqueue), the status is error 'Cancelled by
 * request' and the credits are back. Also when the renderer cannot act on the cancel at once (its
 * event loop held past the job's lock, here by SIGSTOP): Bull then hands the job out again as
 * stalled, and that second start must refuse it rather than render a cancelled movie.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createInstall, ffmpegOf, ROOT, type Install, type ReelayProcess } from '../e2e/harness';

jest.setTimeout(120_000);

let install: Install;
let renderer: ReelayProcess;
let accountKey: string;

/** Gone, or a zombie nobody reaped yet (it no longer runs). */
function running(pid: number): boolean {
  if (!existsSync(`/proc/${pid}`)) return false;
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const balance = async () => (await install.api('GET', '/v2/account', { key: accountKey })).body.account.credits as number;
const longMovie = (text: string) => ({
  resolution: 'hd', quality: 'high', cache: false,
  scenes: [{ 'background-color': '#336699', duration: 60, elements: [{ type: 'text', text, settings: { 'font-size': 60, color: '#ffffff' } }] }],
});

async function ffmpegStarted(project: string): Promise<number> {
  let pid: number | undefined;
  for (const end = Date.now() + 30_000; pid === undefined && Date.now() < end; await sleep(100)) pid = ffmpegOf(renderer.child.pid!, project);
  if (pid === undefined) throw new Error(`no ffmpeg for ${project}`);
  return pid;
}

beforeAll(async () => {
  install = await createInstall();
  await install.spawn('bridge');
  renderer = await install.spawn('renderer');
  const made = spawnSync(process.execPath, [path.join(ROOT, 'bridge/bin/reelay.js'), 'accounts', 'create', '--name', 'cancel', '--credits', '1000'], {
    env: { ...process.env, ...install.env },
    encoding: 'utf8',
  });
  accountKey = /rly_[A-Za-z0-9]+/.exec(made.stdout)![0];
}, 60_000);
afterAll(() => install?.stop());

test('DELETE during a render kills its ffmpeg at once; no second attempt; error "Cancelled by request"; credits refunded', async () => {
  const res = await install.api('POST', '/v2/movies', { key: accountKey, body: longMovie('long render') });
  expect(res.status).toBe(200);
  const project = res.body.project as string;
  expect(await balance()).toBeLessThan(1000);
  const pid = await ffmpegStarted(project);
  await sleep(1500); // well into the encode

  const del = await install.api('DELETE', `/v2/movies/${project}`, { key: accountKey });
  expect(del.body).toMatchObject({ success: true, result: 'cancelled' });
  const cancelledAt = Date.now();
  while (running(pid!) && Date.now() - cancelledAt < 10_000) await sleep(50);
  const stopMs = Date.now() - cancelledAt;
  expect(running(pid!)).toBe(false);
  expect(stopMs).toBeLessThan(2000);

  // Longer than a Bull retry's first backoff (5 s) and several stalled-job checks and reconcile sweeps.
  await sleep(12_000);
  expect(renderer.logs('render started').filter((l) => l.project === project)).toHaveLength(1);
  expect(ffmpegOf(renderer.child.pid!, project)).toBeUndefined();
  const st = (await install.api('GET', `/v2/movies?project=${project}`, { key: accountKey })).body.movie;
  expect(st).toMatchObject({ status: 'error', message: 'Cancelled by request', code: 'cancelled' });
  expect(await balance()).toBe(1000);
});

test('a cancel the renderer could only act on after its job lock lapsed: the job handed out again is refused, not rendered', async () => {
  const before = await balance();
  const res = await install.api('POST', '/v2/movies', { key: accountKey, body: longMovie('frozen') });
  const project = res.body.project as string;
  const pid = await ffmpegStarted(project);
  // The renderer's event loop is held (SIGSTOP) past Bull's job lock (30 s before this fix, 15 s
  // now) while its ffmpeg keeps encoding; the cancel arrives meanwhile.
  process.kill(renderer.child.pid!, 'SIGSTOP');
  try {
    const del = await install.api('DELETE', `/v2/movies/${project}`, { key: accountKey });
    expect(del.body).toMatchObject({ success: true, result: 'cancelled' });
    await sleep(32_000);
  } finally {
    process.kill(renderer.child.pid!, 'SIGCONT');
  }
  const resumed = Date.now();
  while (running(pid) && Date.now() - resumed < 10_000) await sleep(50);
  expect(running(pid)).toBe(false);
  // Longer than the stalled-job check of this fix (5 s) and of Bull's default (30 s).
  let again: number | undefined;
  for (const end = Date.now() + 33_000; again === undefined && Date.now() < end; await sleep(200)) again = ffmpegOf(renderer.child.pid!, project);
  expect(again).toBeUndefined();
  expect(renderer.logs('render started').filter((l) => l.project === project)).toHaveLength(1);
  expect((await install.api('GET', `/v2/movies?project=${project}`, { key: accountKey })).body.movie).toMatchObject({ status: 'error', message: 'Cancelled by request' });
  expect(await balance()).toBe(before);
});
