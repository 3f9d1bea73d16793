/**
 * Declared template variables and how a render request's variables are checked against them:
 * declared defaults fill gaps, a missing required variable is a 400 listing every one missing.
 */
import { z } from 'zod';

export const declaredVariableSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name: letters, digits and _, not starting with a digit'),
  default: z.unknown().optional(),
  required: z.boolean().default(false),
  description: z.string().max(1000).default(''),
});
export type DeclaredVariable = z.infer<typeof declaredVariableSchema>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names used as plain `{{name}}` placeholders anywhere in the movie (expressions are not parsed). */
export function placeholderNames(movie: unknown): string[] {
  const names = new Set<string>();
  const walk = (v: unknown) => {
    if (typeof v === 'string') for (const m of v.matchAll(PLACEHOLDER)) names.add(m[1]);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(movie);
  return [...names].sort();
}

/**
 * The declarations of a template: the given list, or, when none is given, one required variable per
 * plain placeholder the movie uses that its own `variables` do not define.
 */
export function declarationsFor(movie: Record<string, unknown>, given: DeclaredVariable[] | undefined): DeclaredVariable[] {
  if (given) return given;
  const own = movie.variables && typeof movie.variables === 'object' ? Object.keys(movie.variables) : [];
  return placeholderNames(movie)
    .filter((n) => !own.includes(n))
    .map((name) => ({ name, required: true, description: '' }));
}

/** Merges defaults under the given values; returns the names of required variables still missing. */
export function bindVariables(
  declared: DeclaredVariable[],
  movieVariables: Record<string, unknown> | undefined,
  given: Record<string, unknown>,
): { variables: Record<string, unknown>; missing: string[] } {
  const variables: Record<string, unknown> = { ...(movieVariables ?? {}) };
  for (const d of declared) if (d.default !== undefined) variables[d.name] = d.default;
  Object.assign(variables, given);
  const missing = declared
    .filter((d) => d.required && d.default === undefined && (given[d.name] === undefined || given[d.name] === null || given[d.name] === ''))
    .map((d) => d.name);
  return { variables, missing };
}
