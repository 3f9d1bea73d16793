/**
 * `validateMovie(json)`: the one entry the bridge and the worker use. Resolves variables and
 * conditions, then applies the schema, and returns every problem with its JSON path in the
 * original movie (`scenes[1].elements[0].src`).
 */
import { formatPath, type MovieIssue } from '../errors';
import { resolveVariables, type Origin } from '../variables/resolve';
import { movieSchema, type Movie } from './movie';

export type ValidationResult =
  | { ok: true; movie: Movie; issues: []; /** where kept scenes/elements sat before conditions dropped others */ origin: Origin }
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
  const resolved = resolveVariables(json);
  const parsed = movieSchema.safeParse(resolved.movie);
  const issues: MovieIssue[] = [...resolved.issues];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const message = issue.code === 'invalid_type' && /received undefined$/.test(issue.message) ? 'required' : issue.message;
      const path = formatPath(originalPath(issue.path, resolved.origin));
      // Variable errors already explain the field; don't repeat a type error for the same path.
      if (!issues.some((i) => i.path === path)) issues.push({ path, message });
    }
  }
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, movie: parsed.data, issues: [], origin: resolved.origin };
}
