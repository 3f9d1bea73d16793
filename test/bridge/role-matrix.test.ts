/**
 * The role matrix: EVERY mounted route (from the one route list, so routes added later are covered
 * without touching this file) × every kind of caller. A route's required scope comes from its own
 * definition; path parameters get a placeholder id; the body is `{}`.
 *   bad callers (no key, malformed, bad checksum, unknown, expired, revoked, rolled past grace) → 401 + code
 *   a key without the route's scope → 403 insufficient_scope naming it
 *   a key holding it (role, custom with exactly that scope, primary) → neither 401 nor that 403, never 5xx
 */
import { startBridge, type TestBridge } from '../helpers/bridge';
import { allRoutes } from '../../bridge/src/routes';
import { assertRouteDeclarations } from '../../bridge/src/http/mount';
import { generateKey } from '../../bridge/src/keys/format';
import { ROLES, SCOPES, type Role } from '../../bridge/src/keys/scopes';
import type { Route } from '../../bridge/src/http/route';

const PLACEHOLDER = 'missing-0000';
const routes = allRoutes.filter((r) => r.scope !== 'public');
const label = (r: Route) => `${r.method.toUpperCase()} ${r.path} [${r.scope}]`;
const urlOf = (r: Route) => r.path.replace(/:([A-Za-z0-9_]+)/g, PLACEHOLDER);

function badChecksum(): string {
  const k = generateKey();
  const last = k[k.length - 1];
  return k.slice(0, -1) + (last === 'a' ? 'b' : 'a');
}

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(() => bridge.stop());

test('every route declares a scope and a rate class', () => {
  expect(() => assertRouteDeclarations(allRoutes)).not.toThrow();
  expect(routes.length).toBeGreaterThan(5);
});

/** Calls the route as the given key and returns status + code. */
async function call(r: Route, key: string | undefined, headers?: Record<string, string>) {
  const res = await bridge.request(r.method.toUpperCase(), urlOf(r), { key, headers, body: r.method === 'get' || r.method === 'delete' ? undefined : {} });
  return { status: res.status, code: res.body?.code as string | undefined, body: res.body };
}

function expectAllowed(r: Route, res: { status: number; code?: string }, who: string) {
  const denied = res.status === 401 || (res.status === 403 && res.code === 'insufficient_scope');
  if (denied || res.status >= 500) throw new Error(`${label(r)} as ${who}: got ${res.status} ${res.code ?? ''}`);
}

describe.each(routes.map((r) => [label(r), r] as const))('%s', (_name, route) => {
  test('bad credentials → 401 with the right code', async () => {
    // Each route gets its own account so a route that resets or revokes keys can not disturb others.
    const { account, primaryKey } = await bridge.createAccount({ name: 'bad-callers' });
    const expired = await bridge.keyWithScopes(SCOPES, { accountId: account.id, expiresAt: new Date(Date.now() - 1000).toISOString() });
    const revoked = await bridge.keyWithScopes(SCOPES, { accountId: account.id });
    await bridge.services.db.updateTable('api_keys').set({ revoked_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', revoked.id).execute();
    const rolled = await bridge.keyWithScopes(SCOPES, { accountId: account.id });
    const roll = await bridge.request('POST', `/v2/keys/${rolled.id}/roll`, { key: primaryKey, body: { graceSeconds: 0 } });
    expect(roll.status).toBe(201);

    const cases: Array<[string, string | undefined, Record<string, string> | undefined, string]> = [
      ['no key', undefined, undefined, 'missing_api_key'],
      ['malformed', 'rly_short', undefined, 'malformed_api_key'],
      ['bad checksum', badChecksum(), undefined, 'malformed_api_key'],
      ['unknown', generateKey(), undefined, 'unknown_api_key'],
      ['expired', expired.key, undefined, 'expired_api_key'],
      ['revoked', revoked.key, undefined, 'revoked_api_key'],
      ['rolled past grace', rolled.key, undefined, 'expired_api_key'],
      ['unsupported auth scheme', undefined, { authorization: 'Digest abc' }, 'malformed_api_key'],
    ];
    for (const [who, key, headers, code] of cases) {
      const res = await call(route, key, headers);
      expect({ who, status: res.status, code: res.code }).toEqual({ who, status: 401, code });
    }
  });

  test('roles, custom keys and the primary: 403 without the scope, through with it', async () => {
    const { account, primaryKey } = await bridge.createAccount({ name: 'callers' });
    const needed = route.scope;
    for (const role of Object.keys(ROLES) as Role[]) {
      const { key } = await bridge.keyWithRole(role, { accountId: account.id });
      const res = await call(route, key);
      if (needed === 'authenticated' || (ROLES[role] as readonly string[]).includes(needed)) expectAllowed(route, res, `role ${role}`);
      else expect({ role, status: res.status, code: res.code, scope: res.body?.details?.requiredScope }).toEqual({ role, status: 403, code: 'insufficient_scope', scope: needed });
    }
    if (needed !== 'authenticated') {
      const exact = await bridge.keyWithScopes([needed], { accountId: account.id });
      expectAllowed(route, await call(route, exact.key), `custom [${needed}]`);
      const without = await bridge.keyWithScopes(SCOPES.filter((s) => s !== needed), { accountId: account.id });
      const res = await call(route, without.key);
      expect({ status: res.status, code: res.code }).toEqual({ status: 403, code: 'insufficient_scope' });
      const empty = await bridge.keyWithScopes([], { accountId: account.id });
      expect((await call(route, empty.key)).status).toBe(403);
    }
    expectAllowed(route, await call(route, primaryKey), 'primary');
  });
});
