/**
 * Movie shapes JSON2Video accepts (compatibility issue): no `scenes` key, or `"scenes": []`, with the
 * content in movie-level elements; the movie lasts as long as those elements. Rendered for real.
 */
import path from 'node:path';
import { validateMovie } from '../../renderer/src/schema/validate';
import { estimateSeconds } from '../../bridge/src/movies/cost';
import { expectColour, ffprobe, frameAt, harness, makeMedia, serveDir, type AssetServer, type RenderHarness } from './helpers';

let h: RenderHarness;
let server: AssetServer;

beforeAll(async () => {
  h = harness('shapes');
  makeMedia(path.join(h.dir, 'media'));
  server = await serveDir(path.join(h.dir, 'media'));
});
afterAll(async () => {
  await server.close();
  h.cleanup();
});

const small = { resolution: 'custom', width: 160, height: 90, quality: 'low', cache: false };

test.each([
  ['no scenes key', {}],
  ['an empty scenes list', { scenes: [] }],
])('%s: the movie lasts as long as its movie-level elements', async (_name, shape) => {
  const movie = {
    ...small,
    ...shape,
    elements: [
      { type: 'video', src: `${server.url}/green.mp4` }, // 2 s of its own
      { type: 'text', text: 'Hi', settings: { 'font-size': 20, color: '#ffffff' } }, // follows the movie
    ],
  };
  expect(validateMovie(movie).ok).toBe(true);
  const r = await h.render(movie);
  expect(r.duration).toBeGreaterThan(1.9);
  expect(r.duration).toBeLessThan(2.2);
  expect(ffprobe(r.file).streams.some((s) => s.codec_type === 'audio')).toBe(true);
  expectColour(frameAt(r.file, 1), 10, 80, 'green');
});

test('the price of such a movie counts its movie-level elements', () => {
  expect(estimateSeconds({ elements: [{ type: 'audio', src: 'x', duration: 12, start: 3 }] })).toBe(15);
});

test('a movie with neither scenes nor elements is refused with a path', () => {
  const r = validateMovie({ ...small, scenes: [] });
  expect(r.ok).toBe(false);
  expect(r.issues).toEqual([{ path: 'scenes', message: 'a movie needs at least one scene or one movie-level element' }]);
});
