/**
 * The pure part of segmenting: how a Plan is cut (segments/split.ts) and how long segments are
 * (segments/sizing.ts). The rendered result is checked against a single graph in segments-join.test.ts.
 */
import type { Plan, PlannedScene, VisualLayer } from '../../renderer/src/normalise/plan';
import { planSegments } from '../../renderer/src/segments/sizing';
import { movieFrameCount, unsplittable } from '../../renderer/src/segments/split';

const layer = (input: number, extra: Partial<VisualLayer> = {}): VisualLayer => ({
  path: `l${input}`, zIndex: 0, start: 0, duration: 5.5, containerStart: 0, fadeIn: 0, fadeOut: 0,
  geometry: { x: 0, y: 0, width: 1280, height: 720, boxWidth: 1280, boxHeight: 720, resize: 'cover' }, effects: { flipHorizontal: false, flipVertical: false },
  source: { kind: 'image', input }, ...extra,
});

/** `n` slideshow scenes of 5.5 s with 0.5 s fades, a picture and a caption each, a logo over the whole movie and an intro logo. */
function slideshow(n: number, size: [number, number] = [1280, 720], format: Plan['format'] = 'mp4'): Plan {
  const scenes: PlannedScene[] = Array.from({ length: n }, (_, k) => ({
    path: `scenes[${k}]`, start: k * 5, duration: 5.5, background: { r: 0, g: 0, b: 0, a: 1 },
    ...(k > 0 ? { transition: { style: 'fade', duration: 0.5 } } : {}),
    // a picture and its caption (the text's layout does not matter here)
    layers: [layer(k), layer(-1, { source: { kind: 'text', text: {} as never } })],
  }));
  return {
    width: size[0], height: size[1], fps: 30, duration: n * 5 + 0.5, format, quality: 'high', draft: undefined,
    inputs: [...scenes.map((_, k) => ({ file: `/img${k}.jpg`, seek: 0, duration: 5.5, loop: 0, still: true })), { file: '/logo.png', seek: 0, duration: n * 5, loop: 0, still: true }, { file: '/intro.png', seek: 0, duration: 3, loop: 0, still: true }],
    scenes,
    overlays: [layer(n, { duration: n * 5 + 0.5 }), layer(n + 1, { duration: 3 })],
    audio: [], output: '/movie.mp4',
  };
}

test('a 10-minute 720p slideshow is cut into segments of 10 scenes that tile its frames exactly', () => {
  const plan = slideshow(120);
  const segments = planSegments(plan, {}, (i) => `/seg${i}.mp4`)!;
  expect(segments.map((s) => s.endScene - s.firstScene)).toEqual(Array(12).fill(10));
  expect(movieFrameCount(plan)).toBe(120 * 165 - 119 * 15);
  let next = 0;
  for (const s of segments) {
    expect(s.startFrame).toBe(next);
    next += s.frames;
    // Frame 0 of the segment's graph is scene firstScene's first frame; the blend into it was shown before.
    expect(s.plan.segment).toEqual({ movieFrame: s.startFrame - (s.index === 0 ? 0 : 15), skipFrames: s.index === 0 ? 0 : 15, frames: s.frames });
    expect(s.plan.scenes[0].transition).toBeUndefined();
    expect(s.plan.audio).toEqual([]);
  }
  expect(next).toBe(movieFrameCount(plan));
  // The next scene comes along to draw the fade into it; inputs are only the segment's own.
  const [first, second] = segments;
  expect(first.plan.scenes).toHaveLength(11);
  expect(first.plan.inputs.map((i) => i.file)).toEqual([...Array.from({ length: 11 }, (_, k) => `/img${k}.jpg`), '/logo.png', '/intro.png']);
  // The intro (first 3 s) is in the first segment only; the logo everywhere, on movie time.
  expect(second.plan.overlays).toHaveLength(1);
  expect(second.plan.overlays[0].start).toBeCloseTo(-second.plan.segment!.movieFrame / 30, 6);
  expect(second.plan.inputs.at(-1)!.file).toBe('/logo.png');
  expect(second.plan.output).toBe('/seg1.mp4');
});

test('a movie that fits the budget stays one graph; a forced size cuts it anyway', () => {
  expect(planSegments(slideshow(12), {}, String)).toBeUndefined();
  expect(planSegments(slideshow(12), { maxScenes: 5 }, String)!.map((s) => s.endScene - s.firstScene)).toEqual([5, 5, 2]);
  // Larger frames: fewer scenes a segment.
  expect(planSegments(slideshow(12, [1920, 1080]), {}, String)!.length).toBe(12);
});

test('GIFs, audiograms and scenes shorter than their transitions stay one graph', () => {
  expect(unsplittable(slideshow(40, [1280, 720], 'gif'))).toMatch(/GIF/);
  const wave = slideshow(40);
  wave.overlays.push(layer(0, { source: { kind: 'audiogram', color: { r: 1, g: 1, b: 1, a: 1 }, opacity: 1, amplitude: 5 } }));
  expect(planSegments(wave, { maxScenes: 2 }, String)).toBeUndefined();
  const short = slideshow(40);
  short.scenes[3] = { ...short.scenes[3], duration: 0.6 };
  expect(unsplittable(short)).toMatch(/shorter/);
});
