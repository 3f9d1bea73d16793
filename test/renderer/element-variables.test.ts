/**
 * JSON2Video's automatic element variables (compatibility issue): an element with an `id` gives the
 * elements after it `<id>_start`, `<id>_end`, `<id>_duration`, `<id>_extratime`. Exact at once when
 * the JSON fixes the timing; worked out by the renderer when only the asset can tell. Rendered for real.
 */
import path from 'node:path';
import { validateMovie } from '../../renderer/src/schema/validate';
import { expectColour, ffprobe, frameAt, harness, makeMedia, serveDir, type AssetServer, type RenderHarness } from './helpers';

let h: RenderHarness;
let server: AssetServer;
beforeAll(async () => {
  h = harness('element-variables');
  makeMedia(path.join(h.dir, 'media'));
  server = await serveDir(path.join(h.dir, 'media'));
});
afterAll(async () => {
  await server.close();
  h.cleanup();
});

const small = { resolution: 'custom', width: 160, height: 90, quality: 'low', fps: 10 };

test('timings the JSON fixes are exact at validation: start, end (with extra time), duration', () => {
  const r = validateMovie({
    scenes: [{ elements: [
      { id: 'title', type: 'text', text: 'a', start: 1, duration: 2, 'extra-time': 0.5 },
      { type: 'text', text: '{{title_start}}-{{title_end}}-{{title_duration}}-{{title_extratime}}', start: '{{title_end}}' },
    ] }],
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  expect(r.movie.scenes[0].elements[1]).toMatchObject({ start: 3.5, text: '1-3.5-2-0.5' });
  expect(r.deferred).toEqual([]);
});

test('a user variable of the same name wins; an element of another scene gives nothing', () => {
  const same = validateMovie({ variables: { intro_end: 9 }, scenes: [{ elements: [{ id: 'intro', type: 'text', text: 'a', duration: 1 }, { type: 'text', text: '{{intro_end}}' }] }] });
  expect(same.ok && same.movie.scenes[0].elements[1]).toMatchObject({ text: '9' });
  const other = validateMovie({ scenes: [{ elements: [{ id: 'intro', type: 'text', text: 'a', duration: 1 }] }, { elements: [{ type: 'text', text: '{{intro_end}}' }] }] });
  expect(other.issues).toEqual([{ path: 'scenes[1].elements[0].text', message: "variable 'intro_end' is not defined" }]);
});

test('a video of its own length: the time is worked out once probed, a chain of three included', async () => {
  const movie = {
    ...small,
    scenes: [{ elements: [
      { id: 'intro', type: 'video', src: `${server.url}/green.mp4` }, // 2 s of its own
      { id: 'card', type: 'image', src: `${server.url}/red.png`, start: '{{intro_end}}', duration: '{{intro_duration / 2}}' },
      { type: 'image', src: `${server.url}/blue.png`, start: '{{card_end}}', duration: 0.5 },
    ] }],
  };
  const checked = validateMovie(movie);
  expect(checked.ok).toBe(true);
  expect(checked.ok && checked.deferred.map((d) => d.path)).toEqual(['scenes[0].elements[1].start', 'scenes[0].elements[1].duration', 'scenes[0].elements[2].start']);
  const r = await h.render(movie);
  // green 0–2 s, red 2–3 s, blue 3–3.5 s
  expect(ffprobe(r.file).duration).toBeCloseTo(3.5, 1);
  expectColour(frameAt(r.file, 1), 80, 45, 'green');
  expectColour(frameAt(r.file, 2.5), 80, 45, 'red');
  expectColour(frameAt(r.file, 3.25), 80, 45, 'blue');
});

test('refused: a condition on a time only the asset tells, an element of its container\'s length, a src', async () => {
  const video = { id: 'intro', type: 'video', src: `${server.url}/green.mp4` };
  const condition = validateMovie({ scenes: [{ elements: [video, { type: 'text', text: 'x', condition: '{{intro_duration > 1}}' }] }] });
  expect(condition.issues).toEqual([{ path: 'scenes[0].elements[1].condition', message: expect.stringContaining('too late to decide a condition') }]);
  // A text lasting as long as its scene gives no times (its end is the scene's).
  const follows = validateMovie({ scenes: [{ elements: [{ id: 'bg', type: 'image', src: `${server.url}/red.png` }, { type: 'text', text: 'x', start: '{{bg_end}}' }] }] });
  expect(follows.ok).toBe(true); // a stand-in at validation…
  await expect(h.render({ ...small, scenes: [{ duration: 1, elements: [{ id: 'bg', type: 'image', src: `${server.url}/red.png` }, { type: 'text', text: 'x', start: '{{bg_end}}' }] }] })).rejects.toMatchObject({
    code: 'invalid_movie', path: 'scenes[0].elements[1].start', message: expect.stringContaining("variable 'bg_end' is not defined"),
  });
  const src = validateMovie({ scenes: [{ elements: [video, { type: 'image', src: `${server.url}/{{intro_duration}}.png` }] }] });
  expect(src.issues).toEqual([{ path: 'scenes[0].elements[1].src', message: expect.stringContaining('decides what is downloaded or spoken') }]);
});
