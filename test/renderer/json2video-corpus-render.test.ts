/**
 * JSON2Video's published movies RENDER, not only validate (json2video-corpus.test.ts), with the size
 * and duration their JSON implies and, where the docs say what should be seen, the pixels to match
 * (corpus-render.ts holds the expectations).
 *
 * Cost, measured on the 2-core machine shared with other work: the 38 movies renderable then took 400 s at
 * 5 fps (1080p frames dominate; 8 of them took 130 s), so `npm test` renders a SAMPLE covering each
 * kind of expectation (a voice from a TTS stand-in, video/audio timing, loops, element variables, placement pixels, a movie of
 * exports only), and `npm run test:corpus` (REELAY_CORPUS_RENDER=all; CI runs it) renders them all.
 * Both render at 2 fps: size and duration are what is checked, and they do not depend on the frame
 * rate (every expected length is a whole number of half seconds).
 */
import { corpusFiles, corpusRenderer, EXPECTED, NOT_RENDERED, type CorpusRenderer } from './corpus-render';

const SAMPLE = [
  '009-voice-elevenlabs-connection.json',
  '013-timing-video-and-audio-20s.json',
  '016-loop-video-under-audio.json',
  '021-positioning-text-custom-xy.json',
  '036-exports-destination-id.json',
  '048-dynamic-variables-video-end.json',
];
const ALL = process.env.REELAY_CORPUS_RENDER === 'all';
const FPS = 2;

const renderable = corpusFiles().filter((f) => !(f in NOT_RENDERED));

let corpus: CorpusRenderer;
beforeAll(async () => {
  corpus = await corpusRenderer();
});
afterAll(() => corpus?.close());

test('every fixture either has its expectations or a stated reason it does not render here', () => {
  expect(renderable.filter((f) => !EXPECTED[f])).toEqual([]);
  expect(Object.keys(EXPECTED).filter((f) => !renderable.includes(f))).toEqual([]);
  expect(SAMPLE.filter((f) => !renderable.includes(f))).toEqual([]);
});

test.each(ALL ? renderable : SAMPLE)('%s renders at its size and length', async (file) => {
  const expected = EXPECTED[file];
  const out = await corpus.render(file, { fps: FPS });
  expect({ width: out.width, height: out.height }).toEqual({ width: expected.width, height: expected.height });
  // Audio frames (AAC, 1024 samples) may end the file a frame or two after the picture.
  expect(Math.abs(out.duration - expected.duration)).toBeLessThanOrEqual(0.1);
  expected.pixels?.(out.frame);
}, 300_000);
