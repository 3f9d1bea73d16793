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

test('a movie with neither scenes nor elements (JSON2Video\'s exports examples send "scenes": []) is a few seconds of its background', async () => {
  const r = await h.render({ ...small, scenes: [] });
  expect(r.duration).toBeGreaterThan(4.9);
  expect(r.duration).toBeLessThan(5.2);
});

test('"640x360" as the resolution (JSON2Video\'s own OpenAPI example) is a custom size', async () => {
  const r = await h.render({ resolution: '320x180', quality: 'low', scenes: [{ duration: 1 }] });
  expect([r.width, r.height]).toEqual([320, 180]);
  expect(validateMovie({ resolution: '9000x10', scenes: [] }).issues).toEqual([{ path: 'resolution', message: 'width and height must be 50 to 3840 pixels' }]);
});
