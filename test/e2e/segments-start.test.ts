/**
 * A movie in segments through the product path: `reelay start` (bridge + in-process renderer) with
 * REELAY_RENDER_SEGMENT_SCENES=1, so a 3-scene movie is 3 segment jobs the same process takes
 * beside the movie's own job. It is done once, charged once, and leaves no segment file behind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createInstall, tinyMovie, type Install } from './harness';

let install: Install;
beforeAll(async () => {
  install = await createInstall({ REELAY_RENDER_SEGMENT_SCENES: '1' });
  await install.spawn('start');
}, 60000);
afterAll(() => install?.stop());

test('a segmented movie is rendered, charged once, and its segments are removed', async () => {
  const movie = tinyMovie('one', 1, {
    scenes: ['one', 'two', 'three'].map((text, k) => ({
      'background-color': ['#204080', '#802040', '#408020'][k], duration: 1, ...(k > 0 ? { transition: { style: 'fade', duration: 0.2 } } : {}),
      elements: [{ type: 'text', text, settings: { 'font-size': 20, color: '#ffffff' } }],
    })),
  });
  const res = await install.api('POST', '/v2/movies', { body: movie });
  expect(res.status).toBe(200);
  const done = await install.waitFor(res.body.project, ['done', 'error'], 90_000);
  expect(done).toMatchObject({ status: 'done', progress: 100, credits: 3 });
  // 3 × 1 s − 2 × 0.2 s of fades at 25 fps.
  expect(done.duration).toBeCloseTo(2.6, 1);
  const output = install.processes[0].output.join('');
  expect(output).toMatch(/rendering in segments/);
  expect(output.match(/segment done/g)).toHaveLength(3);
  const file = path.join(install.dir, 'segmented.mp4');
  execFileSync('curl', ['-s', '-o', file, done.url]);
  const frames = execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-select_streams', 'v', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim();
  expect(Number(frames)).toBe(65);
  const segments = path.join(install.dir, 'data', 'storage', 'segments');
  expect(existsSync(segments) ? readdirSync(segments) : []).toEqual([]);
}, 120_000);
