/**
 * From a request body to a movie ready to queue: template + variables bound, validated by the
 * renderer's schema (every problem with its JSON path), asset URLs checked, uploads mapped to signed links, connections resolved and sealed, and the price computed.
 */
import path from 'node:path';
import { fontWarnings } from '@reelay/renderer/src/fonts/warnings';
import { validateMovie } from '@reelay/renderer/src/schema/validate';
import type { Movie } from '@reelay/renderer/src/schema/movie';
import { ApiError, validationError, type ValidationProblem } from '../errors';
import type { Services } from '../services';
import { getTemplate, type Template } from '../templates/repository';
import { bindVariables } from '../templates/variables';
import { checkMovieAssets, replaceAssetStrings } from './assets';
import { estimateSeconds, movieCost } from './cost';
import { renderFingerprint } from './fingerprint';

export interface PreparedMovie {
  /** What the renderer receives (variables kept: it resolves them itself; assets mapped). */
  jobMovie: Record<string, unknown>;
  /** The validated, variable-resolved movie. */
  movie: Movie;
  fingerprint: string;
  cost: number;
  /** The length the price counts (seconds), as far as the JSON tells. */
  seconds: number;
  templateId: string | null;
  clientData: Record<string, unknown>;
  sealedConnections: string | null;
  /** What the movie says that Reelay accepts without acting on it, with JSON paths. */
  warnings: { path: string; message: string }[];
}

/** Hook the connections feature sets: validates a movie's connection refs and seals what it needs. */
export type ConnectionSealer = (accountId: string, movie: Record<string, unknown>, principalScopes?: ReadonlySet<string>) => Promise<string | null>;

declare module '../services' {
  interface FeatureServices {
    /** Set by the connections feature; without it a movie naming a connection is refused. */
    sealMovieConnections?: ConnectionSealer;
  }
}

export function isTemplateRequest(body: unknown): body is { template: string; variables?: Record<string, unknown> } {
  return !!body && typeof body === 'object' && typeof (body as { template?: unknown }).template === 'string' && !('scenes' in body);
}

export async function loadTemplate(services: Services, accountId: string, id: string): Promise<Template> {
  const template = await getTemplate(services.db, accountId, id);
  if (!template) throw new ApiError(404, 'template_not_found', `Template '${id}' not found`, { template: id });
  return template;
}

/** The template's movie with the request's variables bound; `missing` lists required ones not given. */
export function bindTemplate(template: Template, given: Record<string, unknown>, extra: Record<string, unknown> = {}): { movie: Record<string, unknown>; missing: string[] } {
  const { variables, missing } = bindVariables(template.variables, template.movie.variables as Record<string, unknown> | undefined, given);
  return { movie: { ...template.movie, ...extra, variables }, missing };
}

export function missingVariablesError(missing: string[], rowLabel = ''): ApiError {
  return validationError(
    missing.map((name) => ({ path: `${rowLabel}variables.${name}`, message: 'required variable missing', in: 'body' as const })),
    `Missing required template variable${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`,
  );
}

/** Checks one movie JSON end to end; `pathPrefix` names a batch row in problems. */
export async function prepareMovie(
  services: Services,
  accountId: string,
  input: Record<string, unknown>,
  templateId: string | null,
  pathPrefix = '',
  /** The caller's scopes: overriding where a saved connection sends its secret needs connections:write. */
  principalScopes?: ReadonlySet<string>,
): Promise<PreparedMovie> {
  if ('client_data' in input) {
    throw validationError([{ path: `${pathPrefix}client_data`, message: 'use "client-data" (with a dash), as JSON2Video does', in: 'body' }]);
  }
  const result = validateMovie(input);
  if (!result.ok) {
    const problems: ValidationProblem[] = result.issues.map((i) => ({ path: `${pathPrefix}${i.path}`, message: i.message, in: 'body' }));
    // A cap on what a movie may hold (README "Limits") is answered apart from a mistake in the movie.
    if (result.issues.some((i) => i.code === 'limit_exceeded')) {
      const first = problems[0];
      throw new ApiError(400, 'limit_exceeded', `The movie is over a limit: ${first.path ? `${first.path}: ` : ''}${first.message}`, problems);
    }
    throw validationError(problems);
  }
  const movie = result.movie;
  const { replacements } = await checkMovieAssets(services, accountId, movie);
  // A copy: the connections hook strips inline secrets from it, the request body stays as sent.
  const jobMovie = replaceAssetStrings(structuredClone(input), replacements);
  // Times that wait for an asset (element variables) are stand-ins: priced as unknown, not as one second.
  const timingUnknown = (scene: number | undefined, element: number) => result.deferred.some((d) => d.scene === scene && d.element === element);
  let sealedConnections: string | null = null;
  if (services.sealMovieConnections) sealedConnections = await services.sealMovieConnections(accountId, jobMovie, principalScopes);
  return {
    jobMovie,
    movie,
    fingerprint: renderFingerprint(movie as unknown as Record<string, unknown>),
    cost: movieCost(movie as unknown as Record<string, unknown>, timingUnknown),
    seconds: estimateSeconds(movie as unknown as Record<string, unknown>, timingUnknown),
    templateId,
    clientData: (movie['client-data'] as Record<string, unknown> | undefined) ?? {},
    sealedConnections,
    // Fonts that will not be drawn as named (schema/warnings.ts covers the rest); the cache is the renderers' when they share the data dir.
    warnings: [...result.warnings, ...(await fontWarnings(movie, result.origin, { cacheDir: path.join(services.config.dataDir, 'cache') }))]
      .map((w) => ({ path: `${pathPrefix}${w.path}`, message: w.message })),
  };
}
