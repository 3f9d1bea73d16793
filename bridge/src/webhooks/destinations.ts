/**
 * A movie's own webhook destinations (`exports[].destinations[]`, JSON2Video's format). The renderer
 * does not post them: when the render ends, the bridge turns each into a delivery row, so they get the
 * same queue, retries, SSRF policy and delivery log as subscriptions, and survive restarts.
 *
 * A destination is either inline `{type:"webhook", endpoint, "content-type"?}` or a saved connection
 * `{id, …overrides}` whose type is `webhook`; a connection's endpoint and (sensitive) headers are read
 * at send time, so they never sit in the delivery row or in Redis. Inline overrides of a saved
 * connection (e.g. `headers`, stripped from the stored movie as sensitive) are read from the render's
 * sealed connections blob, also at send time.
 */
import type { DestinationTarget } from './store';

/** What the connections vault tells us about a saved connection (fields opened, for sending only). */
export interface ResolvedConnection {
  type: string;
  fields: Record<string, unknown>;
}
export type ConnectionResolver = (accountId: string, connectionId: string) => Promise<ResolvedConnection | undefined>;

/** What a render's sealed blob says about one destination path: the inline fields given with the saved id. */
export interface SealedDestination {
  inline: Record<string, unknown>;
}
export type SealedDestinationLookup = (accountId: string, project: string, path: string) => Promise<SealedDestination | undefined>;

interface RawDestination {
  type?: unknown;
  id?: unknown;
  endpoint?: unknown;
  'content-type'?: unknown;
}

export interface MovieWebhookDestination {
  /** Position in the movie, `exports[i].destinations[j]`, which makes its dedupe key stable. */
  path: string;
  target: DestinationTarget;
}

function contentTypeOf(value: unknown): DestinationTarget['contentType'] {
  return value === 'urlencoded' ? 'urlencoded' : 'json';
}

/** The webhook destinations of a stored movie JSON, in order. Unknown shapes are skipped, not fatal. */
export async function movieWebhookDestinations(
  movie: unknown,
  accountId: string,
  resolve: ConnectionResolver | undefined,
): Promise<MovieWebhookDestination[]> {
  const exportsList = (movie as { exports?: unknown } | null | undefined)?.exports;
  if (!Array.isArray(exportsList)) return [];
  const found: MovieWebhookDestination[] = [];
  for (const [i, exp] of exportsList.entries()) {
    const destinations = (exp as { destinations?: unknown } | null)?.destinations;
    if (!Array.isArray(destinations)) continue;
    for (const [j, raw] of destinations.entries()) {
      const d = (raw ?? {}) as RawDestination;
      const path = `exports[${i}].destinations[${j}]`;
      const endpoint = typeof d.endpoint === 'string' ? d.endpoint : undefined;
      if (typeof d.id === 'string') {
        const connection = resolve ? await resolve(accountId, d.id) : undefined;
        if (connection?.type !== 'webhook') continue;
        const contentType = contentTypeOf(d['content-type'] ?? connection.fields['content-type'] ?? connection.fields.contentType);
        found.push({ path, target: { connectionId: d.id, path, ...(endpoint ? { url: endpoint } : {}), contentType } });
      } else if (d.type === 'webhook' && endpoint) {
        found.push({ path, target: { url: endpoint, contentType: contentTypeOf(d['content-type']) } });
      }
    }
  }
  return found;
}

/** Header names lower-cased (HTTP names are case-insensitive, so an inline `X-Token` overrides a saved `x-token`). */
function headersOf(value: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  if (value && typeof value === 'object') {
    for (const [name, v] of Object.entries(value as Record<string, unknown>)) if (typeof v === 'string') headers[name.toLowerCase()] = v;
  }
  return headers;
}

/**
 * URL and extra headers for one attempt; connection secrets are opened here and used only for this
 * request. `sealed` (the render's inline fields for this path, if any) is laid over the saved
 * connection field by field, and `headers` name by name, so saved headers not overridden still go.
 */
export async function resolveTarget(
  target: DestinationTarget,
  accountId: string,
  resolve: ConnectionResolver | undefined,
  sealed?: SealedDestination,
): Promise<{ url: string; headers: Record<string, string> } | { error: string }> {
  if (!target.connectionId) return target.url ? { url: target.url, headers: {} } : { error: 'destination has no endpoint' };
  // The render is over (its blob is no longer re-sealed on edits), so the connection is read as saved
  // NOW and only the sealed inline fields are laid over it: an edit made before the send is honoured.
  const connection = resolve ? await resolve(accountId, target.connectionId) : undefined;
  if (!connection || connection.type !== 'webhook') return { error: `connection "${target.connectionId}" no longer exists` };
  const inline = sealed?.inline ?? {};
  const fields = { ...connection.fields, ...inline };
  const url = target.url ?? (typeof fields.endpoint === 'string' ? fields.endpoint : undefined);
  if (!url) return { error: `connection "${target.connectionId}" has no endpoint` };
  return { url, headers: { ...headersOf(connection.fields.headers), ...headersOf(inline.headers) } };
}
