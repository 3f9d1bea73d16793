/**
 * A movie's own webhook destinations (`exports[].destinations[]`, JSON2Video's format). The renderer
 * does not post them: when the render ends, the bridge turns each into a delivery row, so they get the
 * same queue, retries, SSRF policy and delivery log as subscriptions, and survive restarts.
 *
 * A destination is either inline `{type:"webhook", endpoint, "content-type"?}` or a saved connection
 * `{id, …overrides}` whose type is `webhook`; a connection's endpoint and (sensitive) headers are read
 * at send time, so they never sit in the delivery row or in Redis.
 */
import type { DestinationTarget } from './store';

/** What the connections vault tells us about a saved connection (fields opened, for sending only). */
export interface ResolvedConnection {
  type: string;
  fields: Record<string, unknown>;
}
export type ConnectionResolver = (accountId: string, connectionId: string) => Promise<ResolvedConnection | undefined>;

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
        found.push({ path, target: { connectionId: d.id, ...(endpoint ? { url: endpoint } : {}), contentType } });
      } else if (d.type === 'webhook' && endpoint) {
        found.push({ path, target: { url: endpoint, contentType: contentTypeOf(d['content-type']) } });
      }
    }
  }
  return found;
}

/** URL and extra headers for one attempt; connection secrets are opened here and used only for this request. */
export async function resolveTarget(
  target: DestinationTarget,
  accountId: string,
  resolve: ConnectionResolver | undefined,
): Promise<{ url: string; headers: Record<string, string> } | { error: string }> {
  if (!target.connectionId) return target.url ? { url: target.url, headers: {} } : { error: 'destination has no endpoint' };
  const connection = resolve ? await resolve(accountId, target.connectionId) : undefined;
  if (!connection || connection.type !== 'webhook') return { error: `connection "${target.connectionId}" no longer exists` };
  const url = target.url ?? (typeof connection.fields.endpoint === 'string' ? connection.fields.endpoint : undefined);
  if (!url) return { error: `connection "${target.connectionId}" has no endpoint` };
  const headers: Record<string, string> = {};
  const saved = connection.fields.headers;
  if (saved && typeof saved === 'object') {
    for (const [name, value] of Object.entries(saved as Record<string, unknown>)) {
      if (typeof value === 'string') headers[name.toLowerCase()] = value;
    }
  }
  return { url, headers };
}
