import { ConnectionType, connectionTypeOf, extraIssues } from './types';

export interface MergeIssue {
  /** Field name relative to the site (joined to the site's JSON path by the caller). */
  field: string;
  code: 'connection_type_override' | 'connection_override_forbidden' | 'connection_invalid';
  message: string;
}

export type MergeResult = { ok: true; config: Record<string, unknown> & { type: ConnectionType } } | { ok: false; status: 400 | 403; issues: MergeIssue[] };

/**
 * Merges inline fields over a saved connection (or validates a fully inline one) for one use.
 *
 * A principal without `connections:write` may override only the type's `renderOverridable` fields
 * (paths, file names, subjects, recipients): anything else could redirect a saved secret (a new host
 * receives the saved password) or impersonate (a new `from`). Fully inline configurations carry no
 * saved secret and are accepted from any key that may render.
 */
export function mergeConnection(opts: {
  type: ConnectionType;
  saved?: Record<string, unknown>;
  inline: Record<string, unknown>;
  /** An inline `type` different from the saved one. */
  inlineType?: string;
  canWriteConnections: boolean;
}): MergeResult {
  const def = connectionTypeOf(opts.type);
  if (opts.saved && opts.inlineType !== undefined && opts.inlineType !== opts.type) {
    return { ok: false, status: 400, issues: [{ field: 'type', code: 'connection_type_override', message: `the type of a saved connection cannot be overridden (it is ${opts.type})` }] };
  }
  if (opts.saved && !opts.canWriteConnections) {
    const forbidden = Object.keys(opts.inline).filter((f) => !def.renderOverridable.includes(f) && opts.inline[f] !== opts.saved?.[f]);
    if (forbidden.length > 0) {
      return {
        ok: false,
        status: 403,
        issues: forbidden.map((f) => ({
          field: f,
          code: 'connection_override_forbidden',
          message: def.where.includes(f)
            ? `overriding "${f}" would send the saved ${opts.type} credentials somewhere else: it needs the connections:write scope`
            : `overriding "${f}" of a saved connection needs the connections:write scope (this key may override only ${def.renderOverridable.join(', ') || 'nothing'})`,
        })),
      };
    }
  }
  const merged = { ...(opts.saved ?? {}), ...opts.inline };
  const parsed = def.schema.safeParse(merged);
  const issues: MergeIssue[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      issues.push({ field: issue.path.map(String).join('.') || '(connection)', code: 'connection_invalid', message: issue.message });
    }
  } else {
    for (const extra of extraIssues(opts.type, parsed.data)) issues.push({ field: extra.path, code: 'connection_invalid', message: extra.message });
  }
  if (issues.length > 0) return { ok: false, status: 400, issues };
  return { ok: true, config: { ...(parsed.data as Record<string, unknown>), type: opts.type } };
}
