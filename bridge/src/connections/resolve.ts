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
import { FORBIDDEN_KEYS } from '@reelay/renderer/src/safe-json';
import { ApiError, validationError, type ValidationProblem } from '../errors';
import type { Services } from '../services';
import { reserveEmails } from './email-cap';
import { checkDestinationTargets } from './targets';
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
  const allSites = findConnectionSites(movie);
  refusePrototypeKeys(movie, allSites);
  const allowPrivate = services.config.allowPrivateUrls;
  // An inline webhook (no saved id) carries no stored secret and is the webhooks feature's alone; its
  // endpoint is still checked here, at submit, like every other export target.
  const inlineWebhooks = allSites.filter((s) => s.kind === 'destination' && s.connectionId === undefined && s.type === 'webhook');
  await checkDestinationTargets(inlineWebhooks.map((s) => ({ path: s.path, type: 'webhook', fields: s.inline })), allowPrivate);
  const sites = allSites.filter((s) => s.connectionId !== undefined || (s.type !== undefined && !(s.kind === 'destination' && s.type === 'webhook')));
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

  // Where the merged destinations send the render (and the saved secret): refused now, not at delivery.
  await checkDestinationTargets(
    sites.filter((s) => s.kind === 'destination' && configs[s.path]).map((s) => ({ path: s.path, type: configs[s.path].type, fields: configs[s.path] as Record<string, unknown> })),
    allowPrivate,
  );

  const emails = Object.values(configs).filter((c) => c.type === 'email').length;
  if (emails > 0) await reserveEmails(services, accountId, emails);
  const payload: JobConnections = { v: 1, accountId, canWriteConnections: canWrite, refs, configs };
  return { sealed: sealJobConnections(payload, ring), emails };
}

/**
 * Defence in depth behind the body check (http/json-body.ts): a connection site holding a
 * `__proto__`/`constructor`/`prototype` key, or whose prototype was replaced by an object parse, could
 * carry fields the override rule does not see. Refused (400 forbidden_key), never merged.
 */
function refusePrototypeKeys(movie: Record<string, unknown>, sites: readonly ConnectionSite[]): void {
  for (const site of sites) {
    const node = atPath(movie, site.path);
    if (!node || typeof node !== 'object') continue;
    const proto = Object.getPrototypeOf(node) as unknown;
    // A plain object's prototype is (some realm's) Object.prototype, whose own prototype is null.
    const replaced = proto !== null && Object.getPrototypeOf(proto) !== null;
    const key = Object.keys(node).find((k) => FORBIDDEN_KEYS.has(k)) ?? (replaced ? '__proto__' : undefined);
    if (key) {
      const path = `${site.path}[${JSON.stringify(key)}]`;
      throw new ApiError(400, 'forbidden_key', `${path}: the key '${key}' is not allowed`, [{ path, message: `the key '${key}' is not allowed`, in: 'body' }]);
    }
  }
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
