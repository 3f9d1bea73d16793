/**
 * Warnings: what a movie says that Reelay accepts but does not act on. JSON2Video ignores what it does
 * not know, and real movies carry editor metadata and fields of newer docs, so these never refuse a
 * movie; each is reported with its JSON path so nothing is dropped silently:
 * - a property JSON2Video does not define (a typo, editor metadata): ignored;
 * - a property JSON2Video defines that Reelay does not apply yet: accepted, not applied;
 * - a text or html setting (CSS) that is not a property and value the browser is given (html/css-settings.ts).
 * The properties Reelay acts on come from the schema itself, so the two can not drift apart.
 */
import type { z } from 'zod';
import type { MovieIssue } from '../errors';
import { formatPath } from '../errors';
import { declarations } from '../html/css-settings';
import { elementSchema, movieSchema, sceneSchema, subtitlesSettingsSchema, textSettingsSchema } from './movie';

export type MovieWarning = MovieIssue;

const keys = (schema: { shape: Record<string, z.ZodType> }, ...more: string[]) => new Set([...Object.keys(schema.shape), ...more]);

const MOVIE_KEYS = keys(movieSchema, 'template');
const SCENE_KEYS = keys(sceneSchema, 'iterate', 'iterate-as');
const ELEMENT_KEYS = new Map(elementSchema.options.map((o) => [String((o.shape.type as z.ZodLiteral<string>).value), keys(o as { shape: Record<string, z.ZodType> })]));
const TEXT_SETTINGS = keys(textSettingsSchema);
const SUBTITLES_SETTINGS = keys(subtitlesSettingsSchema);

/** Properties in JSON2Video's documentation that Reelay accepts without applying them (yet). */
const DOCUMENTED: Record<string, readonly string[]> = {
  movie: ['settings'],
  scene: ['import'],
  visual: ['pan-crop', 'mask'],
  image: ['aspect-ratio', 'model-settings'],
  subtitles: ['keywords'],
  'subtitles.settings': ['font-url'],
  transition: ['type'],
};
const VISUAL_TYPES = new Set(['image', 'video', 'text', 'html', 'component', 'audiogram']);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Warnings listed at most; a movie of 2,000 elements with a typo each says how many more. */
export const MAX_LISTED_WARNINGS = 100;

export function movieWarnings(movie: unknown): MovieWarning[] {
  const warnings: MovieWarning[] = [];
  const check = (value: unknown, known: Set<string>, documented: readonly string[], path: PropertyKey[]) => {
    if (!isObject(value)) return;
    for (const key of Object.keys(value)) {
      if (known.has(key)) continue;
      const message = documented.includes(key) ? 'accepted, but Reelay does not apply it yet' : 'not a JSON2Video property here; ignored';
      warnings.push({ path: formatPath([...path, key]), message });
    }
  };
  const element = (el: unknown, path: PropertyKey[]) => {
    if (!isObject(el) || typeof el.type !== 'string') return;
    const known = ELEMENT_KEYS.get(el.type);
    if (!known) return; // an unknown type is an error, reported by the schema
    check(el, known, [...(VISUAL_TYPES.has(el.type) ? DOCUMENTED.visual : []), ...(DOCUMENTED[el.type] ?? [])], path);
    if ((el.type === 'text' || el.type === 'html') && isObject(el.settings)) {
      // Settings beyond Reelay's own are CSS for the browser (html/css-settings.ts); what it refuses is left out.
      const css = Object.fromEntries(Object.entries(el.settings).filter(([key]) => el.type === 'html' || !TEXT_SETTINGS.has(key)));
      for (const key of declarations(css, { canvasWidth: 1, canvasHeight: 1 }).refused) {
        warnings.push({ path: formatPath([...path, 'settings', key]), message: `left out: not a CSS property and value Reelay draws (values may not load anything or leave their declaration)` });
      }
    }
    if (el.type === 'subtitles') check(el.settings, SUBTITLES_SETTINGS, DOCUMENTED['subtitles.settings'], [...path, 'settings']);
  };
  if (!isObject(movie)) return warnings;
  check(movie, MOVIE_KEYS, DOCUMENTED.movie, []);
  if (Array.isArray(movie.elements)) movie.elements.forEach((el, i) => element(el, ['elements', i]));
  if (Array.isArray(movie.scenes)) {
    movie.scenes.forEach((scene, s) => {
      if (!isObject(scene)) return;
      check(scene, SCENE_KEYS, DOCUMENTED.scene, ['scenes', s]);
      if (isObject(scene.transition)) check(scene.transition, new Set(['style', 'duration']), DOCUMENTED.transition, ['scenes', s, 'transition']);
      if (Array.isArray(scene.elements)) scene.elements.forEach((el, e) => element(el, ['scenes', s, 'elements', e]));
    });
  }
  if (warnings.length <= MAX_LISTED_WARNINGS) return warnings;
  return [...warnings.slice(0, MAX_LISTED_WARNINGS), { path: '', message: `and ${warnings.length - MAX_LISTED_WARNINGS} more warnings` }];
}
