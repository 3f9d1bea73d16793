import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so two equal documents give one string whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Fingerprint of a request body (Idempotency-Key comparisons). */
export function bodyFingerprint(body: unknown): string {
  return sha256(canonicalJson(body));
}

/**
 * Fingerprint for `cache: true`: the normalised movie minus the fields that do not change the
 * pixels (client-data, comment, id, exports, cache itself), so re-sending an identical movie with
 * another order id reuses the file.
 */
export function renderFingerprint(movie: Record<string, unknown>): string {
  const { ['client-data']: _cd, comment: _c, id: _id, exports: _e, cache: _cache, ...visual } = movie;
  return sha256(canonicalJson(visual));
}
