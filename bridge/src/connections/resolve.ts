/**
 * What POST /v2/movies does with connections: check every reference, merge inline fields over the
 * saved connection under the caller's scopes, count emails against the daily cap, and seal the
 * merged configurations for the render job.
 *
 * Inline sensitive values (a password written straight into a destination) are REMOVED from the movie
 * object passed in, in place: the movie is stored in the renders table and sent through Redis, and
 * credentials may travel in neither in clear. The renderer gets them back from the sealed blob.
 */
import { connectionTypeOf, type ConnectionType } from '@reelay/renderer/src/connections/types';
import { findConnectionSites, atPath, type ConnectionSite } from '@reelay/renderer/src/connections/sites';
import { mergeConnection, type MergeIssue } from '@reelay/renderer/src/connections/merge';
import { sealJobConnections, type ConnectionConfigs, type ConnectionRef, type JobConnections } from '@reelay/renderer/src/connections/job-payload';
import { ApiError, validationError, type ValidationProblem } from '../errors';
import type { Services } from '../services';
import { reserveEmails } from './email-cap';
import { loadConnections, type Connection } from './repository';
import { vaultOf } from './vault';

export interface ResolvedConnections {
  /** The sealed blob for the job (`sealedConnections`), or null when the movie uses none. */
  sealed: string | null;
  /** How many email deliveries the movie will make (already counted against the daily cap). */
  emails: number;
}

/**
 * Validates a movie's connection references and seals what the render needs.
 * - unknown id → 400 connection_not_found naming the JSON path;
 * - `type` differing from the saved one → 400 validation_error;
 * - an override beyond paths/file names/subjects/recipients without connections:write → 403.
 */
export async function resolveMovieConnections(
  services: Services,
  accountId: string,
  movie: Record<string, unknown>,
  principalScopes: ReadonlySet<string> | undefined,
): Promise<ResolvedConnections> {
  // An inline webhook (no saved id) carries no stored secret and is the webhooks feature's alone.
  const sites = findConnectionSites(movie).filter((s) => s.connectionId !== undefined || (s.type !== undefined && !(s.kind === 'destination' && s.type === 'webhook')));
  if (sites.length === 0) return { sealed: null, emails: 0 };
  const canWrite = principalScopes?.has('connections:write') ?? false;
  const { ring } = vaultOf(services);
  const saved = await loadConnections(services.db, ring, accountId, sites.flatMap((s) => (s.connectionId ? [s.connectionId] : [])));

  const notFound: ValidationProblem[] = [];
  const invalid: ValidationProblem[] = [];
  const forbidden: ValidationProblem[] = [];
  const refs: Record<string, ConnectionRef> = {};
  const configs: ConnectionConfigs = {};

  for (const site of sites) {
    const outcome = resolveSite(site, saved, canWrite);
    if ('notFound' in outcome) notFound.push(outcome.notFound);
    else if ('issues' in outcome) (outcome.status === 403 ? forbidden : invalid).push(...outcome.issues);
    else {
      refs[site.path] = outcome.ref;
      configs[site.path] = outcome.config;
      stripSecrets(movie, site, outcome.ref.type);
    }
  }
  if (notFound.length > 0) {
    throw new ApiError(400, 'connection_not_found', `Connection '${notFound[0].message.match(/'([^']+)'/)?.[1]}' not found (${notFound[0].path})`, [...notFound, ...invalid, ...forbidden]);
  }
  if (invalid.length > 0) throw validationError([...invalid, ...forbidden]);
  if (forbidden.length > 0) {
    throw new ApiError(403, 'connection_override_forbidden', `${forbidden[0].path}: ${forbidden[0].message}`, { requiredScope: 'connections:write', problems: forbidden });
  }

  const emails = Object.values(configs).filter((c) => c.type === 'email').length;
  if (emails > 0) await reserveEmails(services, accountId, emails);
  const payload: JobConnections = { v: 1, accountId, canWriteConnections: canWrite, refs, configs };
  return { sealed: sealJobConnections(payload, ring), emails };
}

type SiteOutcome =
  | { notFound: ValidationProblem }
  | { status: 400 | 403; issues: ValidationProblem[] }
  | { ref: ConnectionRef; config: ConnectionConfigs[string] };

function resolveSite(site: ConnectionSite, saved: Map<string, Connection>, canWrite: boolean): SiteOutcome {
  const idField = site.kind === 'element' ? 'connection' : 'id';
  let type: ConnectionType | undefined = site.type;
  let savedConnection: Connection | undefined;
  if (site.connectionId !== undefined) {
    savedConnection = saved.get(site.connectionId);
    if (!savedConnection) return { notFound: { path: `${site.path}.${idField}`, message: `connection '${site.connectionId}' does not exist in this account`, in: 'body' } };
    if (site.kind === 'element' && type !== undefined && type !== savedConnection.type) {
      return {
        status: 400,
        issues: [{ path: `${site.path}.connection`, message: `'${site.connectionId}' is a ${savedConnection.type} connection; this element's model needs a ${type} connection`, in: 'body' }],
      };
    }
    type = savedConnection.type;
  }
  if (!type) return { status: 400, issues: [{ path: site.path, message: 'cannot tell which kind of connection this needs', in: 'body' }] };
  if (site.kind === 'element' && !savedConnection && Object.keys(site.inline).length === 0) {
    return { status: 400, issues: [{ path: `${site.path}.connection`, message: `the ${connectionTypeOf(type).models.join('/')} model needs a saved ${type} connection ("connection": "<id>")`, in: 'body' }] };
  }
  const inlineType = site.kind === 'destination' ? (site.type ?? site.unknownType) : undefined;
  const result = mergeConnection({ type, saved: savedConnection?.config, inline: site.inline, inlineType, canWriteConnections: canWrite });
  if (!result.ok) return { status: result.status, issues: result.issues.map((i) => toProblem(site, i)) };
  return { ref: { connectionId: site.connectionId, type, inline: site.inline, inlineType }, config: result.config };
}

function toProblem(site: ConnectionSite, issue: MergeIssue): ValidationProblem {
  return { path: `${site.path}.${issue.field}`, message: issue.message, in: 'body' };
}

/** Removes inline sensitive values from the movie (they live on in the sealed blob only). */
function stripSecrets(movie: Record<string, unknown>, site: ConnectionSite, type: ConnectionType): void {
  const node = atPath(movie, site.path);
  if (!node || typeof node !== 'object') return;
  for (const field of connectionTypeOf(type).sensitive) delete (node as Record<string, unknown>)[field];
}

/**
 * Re-merges a sealed job payload after connections changed: refs to `changed` ids use the new saved
 * form; refs to deleted ids lose their configuration (the render then fails naming the element).
 * Inline fields and the submitting key's rights are those of the original request.
 */
export function remergeJobConnections(payload: JobConnections, saved: Map<string, Connection>): JobConnections {
  const configs: ConnectionConfigs = {};
  for (const [path, ref] of Object.entries(payload.refs)) {
    const savedConnection = ref.connectionId ? saved.get(ref.connectionId) : undefined;
    if (ref.connectionId && !savedConnection) continue;
    if (savedConnection && savedConnection.type !== ref.type) continue;
    const result = mergeConnection({ type: ref.type, saved: savedConnection?.config, inline: ref.inline, inlineType: ref.inlineType, canWriteConnections: payload.canWriteConnections });
    if (result.ok) configs[path] = result.config;
  }
  return { ...payload, configs };
}
