/**
 * Chaos, on real processes (one `reelay bridge`, `reelay renderer` processes, one Redis prefix): a
 * movie that kills its renderer every time. "Always crashes it" is simulated honestly: each time a
 * renderer starts that movie's ffmpeg, the renderer is killed with SIGKILL (as the kernel's OOM
 * killer or a crash would) and a fresh renderer is started. After POISON_STARTS starts the movie
 * fails with code render_crashed (credits refunded, not rendered again), the renderer keeps serving
 * other movies, and the work directories the dead renderers left are swept.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { POISON_STARTS } from '../../renderer/src/jobs/contract';
import { createInstall, ffmpegOf, ROOT, tinyMovie, type Install, type ReelayProcess } from '../e2e/harness';

jest.setTimeout(150_000);

let install: Install;
let accountKey: string;
const tmp = () => path.join(install.dir, 'tmp');
/** Renderers get their own temp dir, so what they leave behind is seen exactly; short timeout = sweep age. */
const rendererEnv = () => ({ TMPDIR: tmp(), REELAY_RENDER_TIMEOUT_SECONDS: '8' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  install = await createInstall();
  mkdirSync(tmp(), { recursive: true });
  await install.spawn('bridge');
  const made = spawnSync(process.execPath, [path.join(ROOT, 'bridge/bin/reelay.js'), 'accounts', 'create', '--name', 'chaos', '--credits', '1000'], {
    env: { ...process.env, ...install.env },
    encoding: 'utf8',
  });
  accountKey = /rly_[A-Za-z0-9]+/.exec(made.stdout)![0];
}, 60_000);
afterAll(() => install?.stop());

test('a movie that kills its renderer every time fails with render_crashed after POISON_STARTS starts; the renderer keeps serving', async () => {
  const balance = async () => (await install.api('GET', '/v2/account', { key: accountKey })).body.account.credits as number;
  let renderer: ReelayProcess = await install.spawn('renderer', rendererEnv());
  const poison = {
    resolution: 'custom', width: 640, height: 360, quality: 'low', cache: false,
    scenes: [{ 'background-color': '#336699', duration: 30, elements: [{ type: 'text', text: 'poison', settings: { 'font-size': 40, color: '#ffffff' } }] }],
  };
  const res = await install.api('POST', '/v2/movies', { key: accountKey, body: poison });
  expect(res.status).toBe(200);
  const project = res.body.project as string;
  expect(await balance()).toBeLessThan(1000);

  let kills = 0;
  const deadline = Date.now() + 110_000;
  let status: { status: string; message: string } | undefined;
  while (Date.now() < deadline) {
    const st = await install.api('GET', `/v2/movies?project=${project}`, { key: accountKey });
    if (st.body.movie.status === 'error' || st.body.movie.status === 'done') {
      status = st.body.movie;
      break;
    }
    const ff = ffmpegOf(renderer.child.pid!, project);
    if (ff !== undefined) {
      // The movie "crashes" its renderer: the process dies at once, its ffmpeg with it.
      await renderer.kill('SIGKILL');
      try {
        process.kill(ff, 'SIGKILL');
      } catch {
        // already gone
      }
      kills++;
      renderer = await install.spawn('renderer', rendererEnv());
    }
    await sleep(100);
  }
  expect(status).toMatchObject({ status: 'error', code: 'render_crashed', message: expect.stringContaining('render_crashed') });
  expect(status!.message).toContain(`stopped the renderer ${POISON_STARTS - 1} times`);
  expect(kills).toBe(POISON_STARTS - 1);
  expect(await balance()).toBe(1000);
  // The last start refused it without running ffmpeg, and said why.
  expect(renderer.logs('render given up: it stopped the renderer every time')).toHaveLength(1);

  // The renderer that gave it up renders the next movie.
  const next = await install.api('POST', '/v2/movies', { key: accountKey, body: tinyMovie('after the storm') });
  expect(await install.waitFor(next.body.project, ['done', 'error'], 30_000, accountKey)).toMatchObject({ status: 'done' });

  // Not rendered again: no further start of the poison movie, whatever the bridge's sweep does.
  await sleep(4000);
  const starts = install.processes.flatMap((p) => p.logs('render started')).filter((l) => l.project === project);
  expect(starts).toHaveLength(POISON_STARTS - 1);
  expect((await install.api('GET', `/v2/movies?project=${project}`, { key: accountKey })).body.movie.status).toBe('error');
  // The dead renderers' work directories were swept by the one that started after them.
  expect(readdirSync(tmp()).filter((n) => n.startsWith('reelay-render-'))).toEqual([]);
});
