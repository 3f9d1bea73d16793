/**
 * `validateMovie(json)`: the one entry the bridge and the worker use. Resolves variables and
 * conditions, then applies the schema, and returns every problem with its JSON path in the
 * original movie (`scenes[1].elements[0].src`).
 */
import { formatPath, type MovieIssue } from '../errors';
import type { DeferredField } from '../variables/element-times';
import { resolveVariables, type Origin } from '../variables/resolve';
import { checkMovieCounts, checkMovieShape, checkRenderBudget } from './limits';
import { movieSchema, movieSize, type Movie } from './movie';
import { movieWarnings, type MovieWarning } from './warnings';

/** Problems listed in one answer; a movie of 2,000 broken elements says how many more there are. */
export const MAX_LISTED_ISSUES = 100;

export type ValidationResult =
  | {
      ok: true;
      movie: Movie;
      issues: [];
      /** where kept scenes/elements sat before conditions dropped others */
      origin: Origin;
      /** What the movie says that Reelay accepts without acting on it (schema/warnings.ts). */
      warnings: MovieWarning[];
      /** Fields that used element variables only the assets can tell (worked out again by normalise). */
      deferred: DeferredField[];
    }
  | { ok: false; issues: MovieIssue[] };

/** Maps a path in the resolved movie (conditions may have dropped items) back to the original. */
function originalPath(path: ReadonlyArray<PropertyKey>, origin: Origin): PropertyKey[] {
  const p = [...path];
  if (p[0] === 'scenes' && typeof p[1] === 'number') {
    const s = p[1];
    p[1] = origin.scenes[s] ?? s;
    if (p[2] === 'elements' && typeof p[3] === 'number') p[3] = origin.sceneElements[s]?.[p[3]] ?? p[3];
  } else if (p[0] === 'elements' && typeof p[1] === 'number') {
    p[1] = origin.elements[p[1]] ?? p[1];
  }
  return p;
}

export function validateMovie(json: unknown): ValidationResult {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { ok: false, issues: [{ path: '', message: 'the movie must be a JSON object' }] };
  }
  // Caps first: everything after this walks the JSON recursively, some of it more than once.
  const tooLarge = checkMovieShape(json);
  if (tooLarge.length > 0) return { ok: false, issues: tooLarge };
  const resolved = resolveVariables(json);
  const overCaps = resolved.issues.filter((i) => i.code !== undefined);
  if (overCaps.length > 0) return { ok: false, issues: overCaps };
  const grown = checkMovieCounts(resolved.movie, (path) => originalPath(path, resolved.origin));
  if (grown.length > 0) return { ok: false, issues: grown };
  const parsed = movieSchema.safeParse(withoutNulls(resolved.movie));
  const issues: MovieIssue[] = [...resolved.issues];
  if (!parsed.success) {
    // Variable errors already explain the field; don't repeat a type error for the same path.
    const seen = new Set(issues.map((i) => i.path));
    for (const issue of parsed.error.issues) {
      const message = issue.code === 'invalid_type' && /received undefined$/.test(issue.message) ? 'required' : issue.message;
      const path = formatPath(originalPath(issue.path, resolved.origin));
      if (seen.has(path)) continue;
      seen.add(path);
      issues.push({ path, message });
    }
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues: capped(issues) };
  const overBudget = checkRenderBudget({ ...movieSize(parsed.data), fps: parsed.data.fps, seconds: statedSeconds(parsed.data) });
  if (overBudget.length > 0) return { ok: false, issues: overBudget };
  return { ok: true, movie: parsed.data, issues: [], origin: resolved.origin, warnings: movieWarnings(json), deferred: resolved.deferred };
}

/** The length the JSON itself fixes (assets of unknown length count 0 here; checked again once probed). */
function statedSeconds(movie: Movie): number {
  const end = (elements: Movie['elements']) =>
    elements.reduce((e, el) => (el.duration !== undefined && el.duration > 0 ? Math.max(e, (el.start ?? 0) + el.duration + (el['extra-time'] ?? 0)) : e), 0);
  const scenes = movie.scenes.reduce((sum, scene) => sum + (scene.duration !== undefined && scene.duration > 0 ? scene.duration : end(scene.elements)), 0);
  return Math.max(scenes, end(movie.elements));
}

/**
 * JSON2Video treats `"width": null` or `"pan": null` as not given (tools that fill templates write null
 * for an empty cell), so null-valued properties are dropped before the schema; `client-data` is the
 * caller's own and is kept as sent. Depth is bounded by the shape check, so recursion is safe here.
 */
function withoutNulls(value: unknown, key = ''): unknown {
  if (key === 'client-data' || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => withoutNulls(v));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v, k);
  return out;
}

function capped(issues: MovieIssue[]): MovieIssue[] {
  if (issues.length <= MAX_LISTED_ISSUES) return issues;
  return [...issues.slice(0, MAX_LISTED_ISSUES), { path: '', message: `and ${issues.length - MAX_LISTED_ISSUES} more problems` }];
}

