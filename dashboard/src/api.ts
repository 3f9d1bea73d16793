/**
 * The one client of the bridge's public /v2 API. The session cookie goes along by itself (same
 * origin); state-changing requests carry the CSRF token the bridge set in a readable cookie.
 */
export interface ApiProblem {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }

  /** Problems with JSON paths, when the bridge gave them. */
  get problems(): ApiProblem[] {
    if (Array.isArray(this.details)) return this.details as ApiProblem[];
    const issues = (this.details as { issues?: ApiProblem[] } | null)?.issues;
    return Array.isArray(issues) ? issues : [];
  }
}

/** Called when the session is gone (logged out elsewhere, key revoked): the app shows sign-in. */
let onSignedOut: () => void = () => {};
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn;
}

function csrfToken(): string {
  const m = /(?:^|;\s*)reelay_csrf=([^;]+)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]) : '';
}

async function send(method: string, path: string, body?: unknown, accept = 'application/json', signal?: AbortSignal): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept };
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken();
  let payload: BodyInit | undefined;
  if (typeof body === 'string') {
    headers['Content-Type'] = 'text/csv';
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  const res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', signal });
  if (res.ok) return res;
  const data = await res.json().catch(() => ({}));
  const err = new ApiError(res.status, data.code ?? 'http_error', data.error ?? `HTTP ${res.status}`, data.details ?? null);
  if (res.status === 401 && path !== '/v2/auth/session') onSignedOut();
  throw err;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await send(method, path, body);
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}

/** POST that answers a binary body (the frame preview); aborting it stops the server's work too. */
export async function apiBlob(path: string, body: unknown, signal?: AbortSignal): Promise<{ blob: Blob; headers: Headers }> {
  const res = await send('POST', path, body, 'image/png', signal);
  return { blob: await res.blob(), headers: res.headers };
}

export interface KeyView {
  id: string;
  name: string;
  prefix: string;
  role: string;
  scopes: string[];
  isPrimary: boolean;
  risk: 'low' | 'medium' | 'high' | null;
  status: 'active' | 'expired' | 'revoked';
  expiresAt: string | null;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface Me {
  key: KeyView;
  account: { id: string; name: string; credits: number | null };
}

export const can = (me: Me, scope: string) => me.key.scopes.includes(scope);
