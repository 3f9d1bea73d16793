/**
 * The movie language: JSON2Video's v2 movie JSON. Objects are loose (unknown keys are kept and ignored)
 * so existing JSON2Video movies validate unchanged; every field we act on is typed here.
 * This schema describes a movie whose `{{variables}}` are already resolved; `validateMovie` resolves
 * them first and then applies it.
 */
import { z } from 'zod';
import { parseColour } from './colour';
import { parseCssLength, withinBounds } from './css';
import { MOVIE_LIMITS } from './limits';
import { COMPONENTS, componentIds } from '../html/components';
import { TEXT_STYLES } from '../text/styles';

export const RESOLUTIONS = {
  sd: [640, 360],
  hd: [1280, 720],
  'full-hd': [1920, 1080],
  squared: [1080, 1080],
  'instagram-feed': [1080, 1080],
  'instagram-story': [1080, 1920],
  'twitter-landscape': [1600, 900],
  'twitter-portrait': [1080, 1350],
} as const;

/** `"640x360"`: a custom size written as the resolution. */
const SIZE = /^(\d{2,4})x(\d{2,4})$/;

export const TRANSITION_STYLES = [
  'fade', 'fadeblack', 'fadewhite', 'fadegrays', 'distance', 'dissolve', 'pixelize', 'radial', 'zoomin',
  'wipeleft', 'wiperight', 'wipeup', 'wipedown', 'wipetl', 'wipetr', 'wipebl', 'wipebr',
  'slideleft', 'slideright', 'slideup', 'slidedown',
  'smoothleft', 'smoothright', 'smoothup', 'smoothdown',
  'circleopen', 'circleclose', 'circlecrop', 'rectcrop',
  'vertopen', 'vertclose', 'horzopen', 'horzclose',
  'diagtl', 'diagtr', 'diagbl', 'diagbr', 'hlslice', 'hrslice', 'vuslice', 'vdslice',
  'squeezeh', 'squeezev', 'hblur',
] as const;

export const POSITIONS = [
  'top-left', 'top-center', 'top-right', 'center-left', 'center-center', 'center-right',
  'bottom-left', 'bottom-center', 'bottom-right', 'custom',
] as const;

const colour = z.string().refine((s) => parseColour(s) !== undefined, { message: 'not a colour (use #RRGGBB, #RRGGBBAA, rgba(), hsl() or a CSS name)' });
const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;
/**
 * JSON2Video reads `"duration": "100"` as 100 (templates fill numbers from text variables, and
 * spreadsheets send everything as text), so a number may come as a string of one. Only a string
 * that is a plain decimal number: `""`, `"0x10"` or `true` stay wrong (`z.coerce` would take them).
 */
const num = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'string' && NUMERIC.test(v) ? Number(v) : v), schema);

const MAX_SECONDS = MOVIE_LIMITS.maxSeconds;
/** -1 = the asset's own length, -2 = the container's length. (At least one frame: checked with the movie's fps below.) */
const elementDuration = num(z.number().max(MAX_SECONDS).refine((n) => n === -1 || n === -2 || n > 0, { message: 'must be > 0, -1 (asset length) or -2 (container)' }));
const seconds = num(z.number().min(0).max(MAX_SECONDS));
/** Where to start reading a source: it may be longer than any movie. */
const seekSeconds = num(z.number().min(0).max(86_400));
/** Pixels on the canvas: far outside it is a typo, and ffmpeg's expressions lose precision. */
const coordinate = (min = -100_000) => num(z.number().min(min).max(100_000));
const condition = z.union([z.string(), z.boolean(), z.number()]);
const variables = z.record(z.string(), z.unknown());
/**
 * CSS lengths (schema/css.ts): 72, "72", "72px", "6vw", "5%", "1.5em"…; at most `max` pixels, or a
 * sane multiple of a relative unit (a font of 1e308 px is a mistake, not a design).
 */
const cssSize = (max: number) =>
  z.union([z.number(), z.string()]).superRefine((v, ctx) => {
    const l = parseCssLength(v);
    if (!l) ctx.addIssue({ code: 'custom', message: 'must be a CSS length (72, "72px", "6vw", "5%", "1.5em"…)' });
    else if (!withinBounds(l, max)) ctx.addIssue({ code: 'custom', message: `at most ${max} pixels` });
  });
const fontSize = cssSize(2_000);
const strokeSize = cssSize(1_000);

const common = {
  id: z.string().optional(),
  start: seconds.optional(),
  duration: elementDuration.optional(),
  'extra-time': seconds.optional(),
  'z-index': num(z.number().int().min(-99).max(99)).optional(),
  'fade-in': seconds.optional(),
  'fade-out': seconds.optional(),
  condition: condition.optional(),
  variables: variables.optional(),
  cache: z.boolean().optional(),
  comment: z.string().optional(),
  /** A saved connection id (voice/image providers); opened by the connections module. */
  connection: z.string().optional(),
};

const visual = {
  position: z.enum(POSITIONS).optional(),
  x: coordinate().optional(),
  y: coordinate().optional(),
  // Capped so a typo cannot make ffmpeg allocate gigabytes for one layer.
  width: num(z.number().max(7680).refine((n) => n === -1 || n >= 1, 'must be at least 1 (pixel) or -1')).optional(),
  height: num(z.number().max(7680).refine((n) => n === -1 || n >= 1, 'must be at least 1 (pixel) or -1')).optional(),
  resize: z.enum(['cover', 'fill', 'fit', 'contain']).optional(),
  zoom: num(z.number().min(-10).max(10)).optional(),
  pan: z.enum(['left', 'right', 'top', 'bottom', 'top-left', 'top-right', 'bottom-left', 'bottom-right']).optional(),
  'pan-distance': num(z.number().min(0).max(0.5)).optional(),
  crop: z.looseObject({ x: coordinate(0).optional(), y: coordinate(0).optional(), width: coordinate(1), height: coordinate(1) }).optional(),
  rotate: z.looseObject({ angle: num(z.number().min(-36_000).max(36_000)).optional(), speed: num(z.number().min(-3_600).max(3_600)).optional() }).optional(),
  /** 0 (invisible) to 1 (opaque, the default). */
  opacity: num(z.number().min(0).max(1)).optional(),
  'flip-horizontal': z.boolean().optional(),
  'flip-vertical': z.boolean().optional(),
  'chroma-key': z.looseObject({ color: colour, tolerance: num(z.number().min(1).max(100)).optional() }).optional(),
  correction: z.looseObject({
    brightness: num(z.number().min(-1).max(1)).optional(),
    contrast: num(z.number().min(-2).max(2)).optional(),
    gamma: num(z.number().min(0.1).max(10)).optional(),
    saturation: num(z.number().min(0).max(3)).optional(),
  }).optional(),
};

const audible = {
  volume: num(z.number().min(0).max(10)).optional(),
  muted: z.boolean().optional(),
  /** Number of extra plays; -1 = loop for as long as the element lasts. */
  loop: num(z.number().int().min(-1).max(1_000)).optional(),
  seek: seekSeconds.optional(),
};

const url = z.string().min(1, 'required');

export const imageElementSchema = z
  .looseObject({ type: z.literal('image'), src: url.optional(), prompt: z.string().min(1).optional(), model: z.string().optional(), ...common, ...visual })
  .refine((el) => el.src !== undefined || el.prompt !== undefined, { path: ['src'], message: 'required (or a prompt)', when: () => true });
export const videoElementSchema = z.looseObject({ type: z.literal('video'), src: url, ...common, ...visual, ...audible });
export const textSettingsSchema = z.looseObject({
  'font-family': z.string().optional(),
  'font-url': z.string().optional(),
  'font-size': fontSize.optional(),
  'font-weight': z.union([z.string(), z.number()]).optional(),
  color: colour.optional(),
  'background-color': colour.optional(),
  'text-align': z.enum(['left', 'center', 'right', 'justify']).optional(),
  'vertical-align': z.enum(['top', 'center', 'middle', 'bottom']).optional(),
  'line-height': z.union([num(z.number().min(0).max(100)), z.string()]).optional(),
  'outline-color': colour.optional(),
  'outline-width': strokeSize.optional(),
  'shadow-color': colour.optional(),
  'shadow-offset': strokeSize.optional(),
  padding: strokeSize.optional(),
  // JSON2Video's placement of the text block inside the element's box.
  'vertical-position': z.enum(['top', 'center', 'bottom']).optional(),
  'horizontal-position': z.enum(['left', 'center', 'right']).optional(),
  margin: strokeSize.optional(),
  'margin-top': strokeSize.optional(),
  'margin-bottom': strokeSize.optional(),
  'margin-left': strokeSize.optional(),
  'margin-right': strokeSize.optional(),
});
export const textElementSchema = z.looseObject({ type: z.literal('text'), text: z.union([z.string(), z.number()]).transform(String), style: z.enum(TEXT_STYLES).optional(), settings: textSettingsSchema.optional(), ...common, ...visual });
export const audioElementSchema = z.looseObject({ type: z.literal('audio'), src: url, ...common, ...audible });
/**
 * A voice model's own settings, sent to its provider (ElevenLabs: `language_code`, `voice_settings`).
 * Plain values only; what a provider does not know is not sent.
 */
const voiceModelSettings = z.record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean(), z.record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean()]))]));
export const voiceElementSchema = z.looseObject({ type: z.literal('voice'), text: z.string().min(1, 'required'), voice: z.string().optional(), model: z.string().optional(), 'model-settings': voiceModelSettings.optional(), ...common, ...audible });
export const audiogramElementSchema = z.looseObject({ type: z.literal('audiogram'), color: colour.optional(), amplitude: num(z.number().min(0).max(10)).optional(), ...common, ...visual });
/** JSON2Video's subtitle styles (see subtitles/ass.ts for how each is drawn). */
export const SUBTITLE_STYLES = ['classic', 'classic-progressive', 'classic-one-word', 'boxed-line', 'boxed-word'] as const;
export const subtitlesSettingsSchema = z.looseObject({
  style: z.enum(SUBTITLE_STYLES).optional(),
  'font-family': z.string().optional(),
  'font-size': fontSize.optional(),
  'word-color': colour.optional(),
  'line-color': colour.optional(),
  'box-color': colour.optional(),
  'outline-color': colour.optional(),
  'outline-width': num(z.number().min(0).max(1_000)).optional(),
  'shadow-offset': num(z.number().min(0).max(1_000)).optional(),
  // JSON2Video's twelve, and Reelay's earlier top / center / bottom.
  position: z.enum([
    'top-left', 'top-center', 'top-right', 'center-left', 'center-center', 'center-right', 'bottom-left', 'bottom-center', 'bottom-right',
    'mid-top-center', 'mid-bottom-center', 'custom', 'top', 'center', 'bottom',
  ]).optional(),
  /** Where the text's top-left corner goes with `position: custom`. */
  x: coordinate().optional(),
  y: coordinate().optional(),
  'font-weight': z.union([z.string(), z.number()]).optional(),
  'shadow-color': colour.optional(),
  /** Words shown differently from how they are spoken or written: `{"gonna": "going to"}`. */
  replace: z.record(z.string(), z.string()).optional(),
  'max-words-per-line': num(z.number().int().min(1).max(30)).optional(),
  'all-caps': z.boolean().optional(),
});
export const subtitlesElementSchema = z.looseObject({ type: z.literal('subtitles'), captions: z.string().optional(), language: z.string().optional(), model: z.string().optional(), settings: subtitlesSettingsSchema.optional(), ...common });
/**
 * JSON2Video's html element: a snippet (`html`) or a web page (`src`), drawn by the browser in the
 * element's box (html/); `tailwindcss` (or `tailwind`) loads Tailwind, `wait` is page time before
 * the first frame; `settings` are CSS on the page's body.
 */
export const htmlElementSchema = z
  .looseObject({
    type: z.literal('html'),
    // Its length is capped with every string's (schema/limits.ts).
    html: z.string().optional(),
    src: url.optional(),
    tailwindcss: z.boolean().optional(),
    tailwind: z.boolean().optional(),
    wait: num(z.number().min(0).max(30)).optional(),
    settings: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
    ...common, ...visual,
  })
  .refine((el) => el.html !== undefined || el.src !== undefined, { path: ['html'], message: 'required (or a page address in src)', when: () => true });
/**
 * JSON2Video's component element: a piece of its component library (html/components/) by id, and
 * that component's `settings`, checked by its own schema (issues at `settings.<path>`). An unknown id
 * names the supported ones. (A refinement, not a transform, so the element stays an object schema
 * warnings.ts can read; the engine parses the settings again with the component's schema for their
 * safe, normal form.)
 */
export const componentElementSchema = z
  .looseObject({ type: z.literal('component'), component: z.string(), settings: z.unknown().optional(), ...common, ...visual })
  .superRefine((el, ctx) => {
    const def = COMPONENTS.get(el.component);
    if (!def) {
      ctx.addIssue({ code: 'custom', path: ['component'], message: `unknown component '${el.component.slice(0, 60)}' (supported: ${componentIds().join(', ')})` });
      return;
    }
    const parsed = def.settings.safeParse(el.settings ?? {});
    if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: ['settings', ...issue.path], message: issue.message });
  });

export const elementSchema = z.discriminatedUnion('type', [
  imageElementSchema, videoElementSchema, textElementSchema, audioElementSchema, voiceElementSchema,
  audiogramElementSchema, subtitlesElementSchema, htmlElementSchema, componentElementSchema,
]);

export const sceneSchema = z.looseObject({
  id: z.string().optional(),
  'background-color': colour.optional(),
  duration: num(z.number().max(MAX_SECONDS).refine((n) => n === -1 || n > 0, 'must be > 0 or -1 (fit its elements)')).optional(),
  transition: z.looseObject({ style: z.enum(TRANSITION_STYLES).default('fade'), duration: num(z.number().positive().max(10)).default(1) }).optional(),
  elements: z.array(elementSchema).default([]),
  variables: variables.optional(),
  condition: condition.optional(),
  cache: z.boolean().optional(),
  comment: z.string().optional(),
});

export const destinationSchema = z.looseObject({
  type: z.string().optional(),
  /** A saved connection id holding the destination's settings. */
  id: z.string().optional(),
}).refine((d) => d.type !== undefined || d.id !== undefined, { message: 'a destination needs a type or a connection id' });

export const exportSchema = z.looseObject({ destinations: z.array(destinationSchema).default([]) });

export const movieSchema = z.looseObject({
  id: z.string().optional(),
  comment: z.string().optional(),
  /** A preset, `custom` (width and height), or `"640x360"` as JSON2Video's own OpenAPI example writes a custom size. */
  resolution: z.union([
    z.enum(['sd', 'hd', 'full-hd', 'squared', 'instagram-feed', 'instagram-story', 'twitter-landscape', 'twitter-portrait', 'custom']),
    z.string().regex(SIZE, 'a preset (sd, hd, full-hd, squared, instagram-feed, instagram-story, twitter-landscape, twitter-portrait), custom, or WIDTHxHEIGHT'),
  ]).optional(),
  width: num(z.number().int().min(50).max(3840)).optional(),
  height: num(z.number().int().min(50).max(3840)).optional(),
  fps: num(z.number().min(1).max(60)).default(25),
  quality: z.enum(['low', 'medium', 'high']).default('high'),
  format: z.enum(['mp4', 'webm', 'gif']).default('mp4'),
  draft: z.boolean().default(false),
  cache: z.boolean().default(true),
  'client-data': z.record(z.string(), z.unknown()).optional(),
  variables: variables.optional(),
  /** None (or no key) when everything is in movie-level `elements`: the movie then lasts as long as they do. */
  scenes: z.array(sceneSchema).default([]),
  elements: z.array(elementSchema).default([]),
  exports: z.array(exportSchema).default([]),
}).superRefine((movie, ctx) => {
  // Sizes: presets fix them; `custom` (or no resolution with width/height) needs both.
  if (movie.resolution === 'custom' && (movie.width === undefined || movie.height === undefined)) {
    ctx.addIssue({ code: 'custom', path: [movie.width === undefined ? 'width' : 'height'], message: 'required when resolution is custom' });
  }
  const size = typeof movie.resolution === 'string' ? SIZE.exec(movie.resolution) : null;
  if (size && [size[1], size[2]].some((n) => Number(n) < 50 || Number(n) > 3840)) {
    ctx.addIssue({ code: 'custom', path: ['resolution'], message: 'width and height must be 50 to 3840 pixels' });
  }
  // One subtitles element per movie, in the movie's elements or (as real movies do) in a scene's.
  let subtitles = 0;
  const oneSubtitles = (el: Element, path: PropertyKey[]) => {
    if (el.type === 'subtitles' && ++subtitles > 1) ctx.addIssue({ code: 'custom', path, message: 'only one subtitles element per movie' });
  };
  movie.elements.forEach((el, i) => oneSubtitles(el, ['elements', i]));
  // At least one frame: ffmpeg asked for less writes nothing and never ends (a duration of 1e-9).
  const frame = 1 / movie.fps;
  const atLeastAFrame = (d: number | undefined, path: PropertyKey[]) => {
    if (d !== undefined && d > 0 && d < frame) ctx.addIssue({ code: 'custom', path, message: `shorter than one frame (${frame.toFixed(4)} s at ${movie.fps} fps)` });
  };
  movie.elements.forEach((el, i) => atLeastAFrame(el.duration, ['elements', i, 'duration']));
  movie.scenes.forEach((scene, s) => {
    atLeastAFrame(scene.duration, ['scenes', s, 'duration']);
    scene.elements.forEach((el, e) => {
      oneSubtitles(el, ['scenes', s, 'elements', e]);
      atLeastAFrame(el.duration, ['scenes', s, 'elements', e, 'duration']);
    });
  });
});

export type Movie = z.infer<typeof movieSchema>;
export type MovieInput = z.input<typeof movieSchema>;
export type Scene = z.infer<typeof sceneSchema>;
export type Element = z.infer<typeof elementSchema>;
export type ImageElement = z.infer<typeof imageElementSchema>;
export type VideoElement = z.infer<typeof videoElementSchema>;
export type TextElement = z.infer<typeof textElementSchema>;
export type AudioElement = z.infer<typeof audioElementSchema>;
export type VoiceElement = z.infer<typeof voiceElementSchema>;
export type AudiogramElement = z.infer<typeof audiogramElementSchema>;
export type SubtitlesElement = z.infer<typeof subtitlesElementSchema>;
export type HtmlElement = z.infer<typeof htmlElementSchema>;
export type ComponentElement = z.infer<typeof componentElementSchema>;
export type TextSettings = z.infer<typeof textSettingsSchema>;
export type SubtitlesSettings = z.infer<typeof subtitlesSettingsSchema>;
export type Destination = z.infer<typeof destinationSchema>;

/** Width and height of a movie from its resolution preset or custom size (API default 640×360). */
export function movieSize(movie: Pick<Movie, 'resolution' | 'width' | 'height'>): { width: number; height: number } {
  // yuv420p needs even sizes.
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  const given = movie.resolution === undefined ? null : SIZE.exec(movie.resolution);
  if (given) return { width: even(Number(given[1])), height: even(Number(given[2])) };
  if (movie.resolution && movie.resolution !== 'custom') {
    const [width, height] = RESOLUTIONS[movie.resolution as keyof typeof RESOLUTIONS];
    return { width, height };
  }
  return { width: even(movie.width ?? 640), height: even(movie.height ?? 360) };
}
