/**
 * compile is pure: the same plan gives the same argv. Snapshots pin the filter graph so any change to
 * what ffmpeg is asked to do shows up in review.
 */
import { compile } from '../../renderer/src/compile/compile';
import { toArgv } from '../../renderer/src/compile/command';
import type { Plan, TextPiece, VisualLayer } from '../../renderer/src/normalise/plan';

const red = { r: 255, g: 0, b: 0, a: 1 };
const black = { r: 0, g: 0, b: 0, a: 1 };
const geometry = { x: 10, y: 20, width: 40, height: 30, boxWidth: 40, boxHeight: 30, resize: 'cover' as const };
const noEffects = { flipHorizontal: false, flipVertical: false };
const layer = (over: Partial<VisualLayer>): VisualLayer => ({
  path: 'scenes[0].elements[0]', zIndex: 0, start: 0, duration: 2, containerStart: 0, geometry, effects: noEffects, fadeIn: 0, fadeOut: 0,
  source: { kind: 'image', input: 0 }, ...over,
});

const plan: Plan = {
  width: 320, height: 180, fps: 25, duration: 4.5, format: 'mp4', quality: 'medium', draft: undefined,
  inputs: [
    { file: '/cache/red.png', seek: 0, duration: 2, loop: 0, still: true },
    { file: '/cache/clip.mp4', seek: 1.5, duration: 3, loop: 0, still: false },
    { file: '/cache/music.mp3', seek: 0, duration: 4.5, loop: -1, still: false },
  ],
  scenes: [
    {
      path: 'scenes[0]', start: 0, duration: 2, background: black,
      layers: [
        layer({ fadeIn: 0.5, effects: { ...noEffects, zoom: { from: 1, to: 1.2, pan: 'left', panDistance: 0.1 } } }),
        layer({
          path: 'scenes[0].elements[1]', start: 0.5, duration: 1.5,
          source: { kind: 'text', text: { fontFile: '/fonts/DejaVuSans.ttf', fontSize: 20, ascent: 19, color: red, lines: [{ textFile: '/work/t1-0.txt', x: 3, y: 4, width: 30, height: 20 }] } },
        }),
      ],
    },
    { path: 'scenes[1]', start: 1.5, duration: 3, background: red, transition: { style: 'wipeleft', duration: 0.5 }, layers: [layer({ path: 'scenes[1].elements[0]', duration: 3, source: { kind: 'video', input: 1 }, effects: { ...noEffects, flipHorizontal: true } })] },
  ],
  overlays: [layer({ path: 'elements[1]', duration: 4.5, source: { kind: 'audiogram', color: red, opacity: 0.5, amplitude: 5 } })],
  audio: [
    { path: 'elements[0]', input: 2, start: 0, duration: 4.5, volume: 0.3, fadeIn: 0, fadeOut: 1 },
    { path: 'scenes[1].elements[0]', input: 1, start: 1.5, duration: 3, volume: 1, fadeIn: 0, fadeOut: 0 },
  ],
  subtitles: { file: '/work/subtitles.ass' },
  output: '/out/movie.mp4',
};

test('a full plan compiles to one stable command', () => {
  const cmd = compile(plan);
  expect(cmd.filterGraph).toMatchSnapshot('filter graph');
  expect(toArgv(cmd)).toMatchSnapshot('argv');
  expect(compile(plan)).toEqual(cmd);
});

test('text pieces: each drawn from its frame on (or until its frame), the last changing frame held with tpad', () => {
  const text = (pieces: TextPiece[]) => compile({
    ...plan, overlays: [], subtitles: undefined,
    scenes: [{ ...plan.scenes[0], duration: 2, layers: [layer({ path: 'scenes[0].elements[0]', duration: 2, source: { kind: 'text', text: { fontFile: '/f.ttf', fontSize: 20, ascent: 19, color: red, lines: [], pieces } } })] }],
  }).filterGraph.find((c) => c.includes('drawtext'))!;
  const chain = text([{ textFile: '/w/p0.txt', x: 0, y: 2, from: 0 }, { textFile: '/w/p1.txt', x: 30, y: 2, from: 0.4 }]);
  expect(chain).toContain("textfile='/w/p0.txt':expansion=none:fontsize=20:fontcolor=0xff0000@1:x=0:y=21-max_glyph_a,");
  expect(chain).toContain("textfile='/w/p1.txt':expansion=none:fontsize=20:fontcolor=0xff0000@1:x=30:y=21-max_glyph_a:enable='gte(n,10)'");
  // 25 fps: the canvas runs to frame 10, then frame 10 is cloned for the other 39 of the 50 frames
  expect(chain).toContain('trim=end_frame=11,');
  expect(chain).toContain('tpad=stop_mode=clone:stop=39,');
  const leaving = text([{ textFile: '/w/p0.txt', x: 0, y: 2, from: 0, until: 1.6 }]);
  expect(leaving).toContain(":enable='between(n,0,39)'");
  expect(leaving).toContain('trim=end_frame=41,');
});

test('one ffmpeg process, one filter graph, every input used', () => {
  const argv = toArgv(compile(plan));
  expect(argv.filter((a) => a === '-filter_complex')).toHaveLength(1);
  const graph = argv[argv.indexOf('-filter_complex') + 1];
  for (let i = 0; i < plan.inputs.length; i++) expect(graph).toContain(`[${i}:`);
});

test('gif and webm outputs, no audio, draft watermark', () => {
  const gif = compile({ ...plan, format: 'gif', overlays: [], audio: [], subtitles: undefined, draft: { fontFile: '/fonts/b.ttf' } });
  expect(gif.filterGraph.join(';')).not.toContain('aout');
  expect(gif.filterGraph.slice(-3)).toMatchSnapshot('gif tail');
  expect(gif.outputOptions).toEqual(expect.arrayContaining(['-an', '-f', 'gif']));
  const webm = compile({ ...plan, format: 'webm', audio: [], overlays: [] });
  expect(webm.filterGraph[0]).toBe('anullsrc=r=48000:cl=stereo,apad=whole_dur=4.5,atrim=duration=4.5[aout]');
  expect(webm.outputOptions).toEqual(expect.arrayContaining(['libvpx-vp9', 'libopus']));
});

test('paths that would break filter quoting are refused', () => {
  const bad = { ...plan, subtitles: { file: "/work/it's.ass" } };
  expect(() => compile(bad)).toThrow(/unsupported character/);
});

test('an opaque full-canvas layer becomes the scene base instead of a blend over a colour', () => {
  const full = { x: 0, y: 0, width: 320, height: 180, boxWidth: 320, boxHeight: 180, resize: 'cover' as const };
  const based = compile({
    ...plan, overlays: [], audio: [], subtitles: undefined,
    scenes: [{ path: 'scenes[0]', start: 0, duration: 2, background: black, layers: [layer({ geometry: full, coversContainer: true, source: { kind: 'video', input: 1 } })] }],
  });
  const graph = based.filterGraph.join(';');
  expect(graph).not.toContain('color=c=');
  expect(graph).not.toContain('overlay');
  expect(based.filterGraph).toMatchSnapshot('base layer');
});

test('transitions: scenes are cut into body and short head/tail pieces, xfaded piecewise and concatenated once; too short a scene falls back to chained xfades', () => {
  const still = (path: string, duration: number) => layer({ path, duration, coversContainer: true, geometry: { ...geometry, x: 0, y: 0, width: 320, height: 180 } });
  const scene = (k: number, start: number, duration: number, transition?: number) => ({
    path: `scenes[${k}]`, start, duration, background: black, layers: [still(`scenes[${k}].elements[0]`, duration)],
    ...(transition ? { transition: { style: 'fade', duration: transition } } : {}),
  });
  const graph = (scenes: Plan['scenes']) => compile({ ...plan, overlays: [], subtitles: undefined, audio: [], scenes }).filterGraph;
  // 2 s + 2 s (fade 0.4 s) + 2 s (no transition) at 25 fps: 50, 50, 50 frames; the fade is 10 frames
  const pieces = graph([scene(0, 0, 2), scene(1, 1.6, 2, 0.4), scene(2, 3.6, 2)]);
  expect(pieces).toContain('[s0tailin]trim=start_frame=40,setpts=PTS-STARTPTS[s0tail]');
  expect(pieces).toContain('[s1headin]trim=end_frame=10,setpts=PTS-STARTPTS[s1head]');
  expect(pieces).toContain('[s0tail][s1head]xfade=transition=fade:duration=0.4:offset=0[s1blend]');
  expect(pieces).toContain('[s0body][s1blend][s1body][s2body]concat=n=4:v=1:a=0,settb=1/25[scenes]');
  expect(pieces.filter((c) => c.includes('xfade'))).toHaveLength(1);
  // the middle scene (0.5 s) is shorter than its two 0.3 s transitions: no body to cut
  const nested = graph([scene(0, 0, 2), scene(1, 1.7, 0.5, 0.3), scene(2, 1.9, 2, 0.3)]);
  expect(nested).toContain('[scene0][scene1]xfade=transition=fade:duration=0.3:offset=1.7[join1]');
  expect(nested).toContain('[join1][scene2]xfade=transition=fade:duration=0.3:offset=1.9[scenes]');
  expect(nested.some((c) => c.includes('split'))).toBe(false);
});
