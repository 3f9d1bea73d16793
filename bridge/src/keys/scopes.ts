/**
 * Scopes, their risk labels, and the role presets (design.md "Keys, roles, scopes"). Reads are
 * separate from writes. A custom key may hold resource wildcards (`movies:*`), which cover every
 * scope of that resource, present and future; `grantAll` covers every scope there will ever be.
 */
export const SCOPE_INFO = {
  'movies:create': { risk: 'medium', description: 'Start renders (spends credits)' },
  'movies:batch': { risk: 'medium', description: 'Start batch renders (a template × rows)' },
  'movies:read': { risk: 'low', description: 'Read render status and results' },
  'movies:delete': { risk: 'medium', description: 'Cancel or delete renders' },
  'templates:read': { risk: 'low', description: 'Read templates' },
  'templates:write': { risk: 'medium', description: 'Create, change and delete templates' },
  'uploads:write': { risk: 'medium', description: 'Upload assets that movies may use' },
  'connections:read': { risk: 'medium', description: 'List connections (secrets stay masked)' },
  'connections:write': { risk: 'high', description: 'Create, change and delete third-party credentials' },
  'webhooks:read': { risk: 'low', description: 'Read webhook subscriptions and deliveries' },
  'webhooks:write': { risk: 'high', description: 'Create, change and delete webhook subscriptions' },
  'keys:read': { risk: 'medium', description: 'List API keys, their usage and the audit log' },
  'keys:write': { risk: 'high', description: 'Create, change, roll and revoke API keys' },
  'account:read': { risk: 'low', description: 'Read the account and its credit balance' },
} as const satisfies Record<string, { risk: 'low' | 'medium' | 'high'; description: string }>;

export type Scope = keyof typeof SCOPE_INFO;
export const SCOPES = Object.keys(SCOPE_INFO) as Scope[];
export type Risk = (typeof SCOPE_INFO)[Scope]['risk'];

const readOnly: Scope[] = ['movies:read', 'templates:read', 'webhooks:read', 'account:read'];
const render: Scope[] = ['movies:create', 'movies:read', 'templates:read', 'uploads:write', 'account:read'];
const editor: Scope[] = [...render, 'movies:batch', 'movies:delete', 'templates:write', 'webhooks:read', 'webhooks:write'];
const manager: Scope[] = [...editor, 'connections:read', 'connections:write'];

export const ROLES = {
  'read-only': readOnly,
  render,
  editor,
  manager,
} as const satisfies Record<string, Scope[]>;
export type Role = keyof typeof ROLES;
export const ROLE_NAMES = Object.keys(ROLES) as Role[];

/** A scope or a resource wildcard such as `movies:*`. */
export function isScopePattern(s: string): boolean {
  if ((SCOPES as string[]).includes(s)) return true;
  const m = /^([a-z]+):\*$/.exec(s);
  return !!m && SCOPES.some((sc) => sc.startsWith(`${m[1]}:`));
}

/** Expands patterns to the concrete scopes they cover today. */
export function expandScopes(patterns: readonly string[]): Set<Scope> {
  const out = new Set<Scope>();
  for (const p of patterns) {
    if (p.endsWith(':*')) {
      const resource = p.slice(0, -1);
      for (const s of SCOPES) if (s.startsWith(resource)) out.add(s);
    } else if ((SCOPES as string[]).includes(p)) out.add(p as Scope);
  }
  return out;
}

/** Highest risk among scopes (for the key list), or null when none. */
export function highestRisk(scopes: Iterable<Scope>): Risk | null {
  const order = { low: 1, medium: 2, high: 3 } as const;
  let best: Risk | null = null;
  for (const s of scopes) {
    const r = SCOPE_INFO[s].risk;
    if (!best || order[r] > order[best]) best = r;
  }
  return best;
}
