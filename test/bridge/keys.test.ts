/** Key lifecycle and least-privilege rules, over HTTP against a real bridge (SQLite + Redis). */
import { startBridge, type TestBridge } from '../helpers/bridge';
import { checkKeyFormat, displayPrefix, generateKey, hashKey } from '../../bridge/src/keys/format';
import { SCOPES } from '../../bridge/src/keys/scopes';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge();
});
afterAll(() => bridge.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('key format', () => {
  test('rly_ + 30 base62 + 6-char CRC32 checksum; display prefix; SHA-256 stored', async () => {
    const k = generateKey();
    expect(k).toMatch(/^rly_[0-9A-Za-z]{36}$/);
    expect(checkKeyFormat(k)).toEqual({ ok: true });
    const flipped = k.slice(0, 10) + (k[10] === 'x' ? 'y' : 'x') + k.slice(11);
    expect(checkKeyFormat(flipped)).toEqual({ ok: false, reason: 'checksum' });
    expect(checkKeyFormat('rly_abc')).toEqual({ ok: false, reason: 'shape' });
    expect(displayPrefix(k)).toBe(`${k.slice(0, 8)}…${k.slice(-4)}`);
    const created = await bridge.request('POST', '/v2/keys', { key: bridge.primaryKey, body: { name: 'fmt', role: 'render' } });
    const row = await bridge.services.db.selectFrom('api_keys').selectAll().where('id', '=', created.body.apiKey.id).executeTakeFirstOrThrow();
    expect(row.hash).toBe(hashKey(created.body.key));
    expect(JSON.stringify(row)).not.toContain(created.body.key.slice(4));
  });

  test('a bad checksum is rejected before any database access', async () => {
    const second = await bridge.startAnotherInstance();
    await second.services.db.destroy(); // this instance can no longer reach the store
    const k = generateKey();
    const bad = k.slice(0, -1) + (k.endsWith('a') ? 'b' : 'a');
    const res = await second.request('GET', '/v2/auth/verify', { key: bad });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('malformed_api_key');
    // a well-formed key does need the store, which is gone: proves the first answer never touched it
    expect((await second.request('GET', '/v2/auth/verify', { key: generateKey() })).status).toBe(500);
    await second.stop().catch(() => undefined);
  });
});

describe('creating and listing', () => {
  test('the full key is returned once; lists are masked with status and lastUsedAt', async () => {
    const res = await bridge.request('POST', '/v2/keys', { key: bridge.primaryKey, body: { name: 'ci', role: 'editor' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ success: true, apiKey: { name: 'ci', role: 'editor', status: 'active', lastUsedAt: null, isPrimary: false } });
    const key: string = res.body.key;
    expect(checkKeyFormat(key).ok).toBe(true);
    expect(res.body.apiKey.prefix).toBe(displayPrefix(key));
    expect((await bridge.request('GET', '/v2/account', { key })).status).toBe(200);

    const list = await bridge.request('GET', '/v2/keys', { key: bridge.primaryKey });
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(key);
    const mine = list.body.keys.find((k: { id: string }) => k.id === res.body.apiKey.id);
    expect(mine.lastUsedAt).not.toBeNull();
    const one = await bridge.request('GET', `/v2/keys/${mine.id}`, { key: bridge.primaryKey });
    expect(one.text).not.toContain(key);
    expect(one.body.apiKey.scopes).toEqual(expect.arrayContaining(['movies:batch', 'webhooks:write']));
    expect(one.body.apiKey.risk).toBe('high');
  });

  test('validation errors list every problem with its JSON path', async () => {
    const res = await bridge.request('POST', '/v2/keys', {
      key: bridge.primaryKey,
      body: { name: '', scopes: ['movies:read', 'nope:x'], expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_error');
    const paths = res.body.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'scopes[1]', 'expiresAt']));
    expect(res.body.details[0]).toMatchObject({ in: 'body' });
  });

  test('a custom key with no scopes can do nothing', async () => {
    const res = await bridge.request('POST', '/v2/keys', { key: bridge.primaryKey, body: { name: 'empty', scopes: [] } });
    expect(res.status).toBe(201);
    expect(res.body.apiKey.scopes).toEqual([]);
    expect((await bridge.request('GET', '/v2/account', { key: res.body.key })).status).toBe(403);
  });

  test('resource wildcards cover every scope of the resource', async () => {
    const res = await bridge.request('POST', '/v2/keys', { key: bridge.primaryKey, body: { name: 'wild', scopes: ['movies:*'] } });
    expect(res.body.apiKey.scopes.sort()).toEqual(SCOPES.filter((s) => s.startsWith('movies:')).sort());
    expect(res.body.apiKey.scopePatterns).toEqual(['movies:*']);
  });
});

describe('no widening', () => {
  test('a key can not grant scopes, wildcards or grantAll it does not hold', async () => {
    const admin = await bridge.keyWithScopes(['keys:write', 'keys:read', 'movies:read', 'movies:create']);
    const ok = await bridge.request('POST', '/v2/keys', { key: admin.key, body: { name: 'sub', scopes: ['movies:read'] } });
    expect(ok.status).toBe(201);
    for (const body of [
      { name: 'wider', scopes: ['movies:delete'] },
      { name: 'wild', scopes: ['movies:*'] },
      { name: 'role', role: 'render' }, // render includes templates:read, uploads:write, account:read
      { name: 'all', grantAll: true },
    ]) {
      const res = await bridge.request('POST', '/v2/keys', { key: admin.key, body });
      expect({ name: body.name, status: res.status, code: res.body.code }).toEqual({ name: body.name, status: 403, code: 'scope_widening' });
    }
    const all = await bridge.request('POST', '/v2/keys', { key: bridge.primaryKey, body: { name: 'all', grantAll: true } });
    expect(all.status).toBe(201);
    expect(all.body.apiKey.scopes.sort()).toEqual([...SCOPES].sort());
    // nor manage a key wider than itself (rolling it would hand over a wider secret)
    const roll = await bridge.request('POST', `/v2/keys/${all.body.apiKey.id}/roll`, { key: admin.key, body: {} });
    expect(roll.status).toBe(403);
    const patch = await bridge.request('PATCH', `/v2/keys/${ok.body.apiKey.id}`, { key: admin.key, body: { scopes: ['movies:read', 'templates:write'] } });
    expect(patch.body.code).toBe('scope_widening');
  });

  test('nothing but the primary key touches the primary', async () => {
    const admin = await bridge.keyWithScopes(['keys:write', 'keys:read']);
    for (const [method, path] of [
      ['PATCH', `/v2/keys/${bridge.primaryKeyId}`],
      ['DELETE', `/v2/keys/${bridge.primaryKeyId}`],
      ['POST', `/v2/keys/${bridge.primaryKeyId}/roll`],
      ['POST', '/v2/keys/primary/reset'],
    ]) {
      const body = method === 'DELETE' ? undefined : path.endsWith('/roll') || path.endsWith('/reset') ? {} : { name: 'x' };
      const res = await bridge.request(method, path, { key: admin.key, body });
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 403, code: 'primary_key_protected' });
    }
    const self = await bridge.request('PATCH', `/v2/keys/${bridge.primaryKeyId}`, { key: bridge.primaryKey, body: { scopes: [] } });
    expect(self.body.code).toBe('primary_key_protected');
  });

  test('a key with an expiry can not mint a longer-lived key', async () => {
    const soon = new Date(Date.now() + 3600_000).toISOString();
    const admin = await bridge.keyWithScopes(['keys:write', 'movies:read'], { expiresAt: soon });
    const inherit = await bridge.request('POST', '/v2/keys', { key: admin.key, body: { name: 'inherit', scopes: ['movies:read'] } });
    expect(inherit.body.apiKey.expiresAt).toBe(soon);
    const later = await bridge.request('POST', '/v2/keys', {
      key: admin.key,
      body: { name: 'later', scopes: ['movies:read'], expiresAt: new Date(Date.now() + 7200_000).toISOString() },
    });
    expect(later.status).toBe(403);
  });
});

describe('changes hold on the next request', () => {
  test('scope change, revocation and expiry', async () => {
    const made = await bridge.request('POST', '/v2/keys', { key: bridge.primaryKey, body: { name: 'change', scopes: ['account:read'] } });
    const { key } = made.body;
    const id = made.body.apiKey.id;
    expect((await bridge.request('GET', '/v2/account', { key })).status).toBe(200);
    const patched = await bridge.request('PATCH', `/v2/keys/${id}`, { key: bridge.primaryKey, body: { scopes: ['movies:read'], name: 'renamed' } });
    expect(patched.body.apiKey).toMatchObject({ name: 'renamed', scopes: ['movies:read'] });
    expect((await bridge.request('GET', '/v2/account', { key })).status).toBe(403);
    await bridge.request('PATCH', `/v2/keys/${id}`, { key: bridge.primaryKey, body: { role: 'read-only' } });
    expect((await bridge.request('GET', '/v2/account', { key })).status).toBe(200);

    const exp = new Date(Date.now() + 2000).toISOString();
    await bridge.request('PATCH', `/v2/keys/${id}`, { key: bridge.primaryKey, body: { expiresAt: exp } });
    expect((await bridge.request('GET', '/v2/account', { key })).status).toBe(200);
    await sleep(2100);
    const expired = await bridge.request('GET', '/v2/account', { key });
    expect([expired.status, expired.body.code]).toEqual([401, 'expired_api_key']);

    const other = await bridge.keyWithRole('render');
    const del = await bridge.request('DELETE', `/v2/keys/${other.id}`, { key: bridge.primaryKey });
    expect(del.body.apiKey.status).toBe('revoked');
    const revoked = await bridge.request('GET', '/v2/account', { key: other.key });
    expect([revoked.status, revoked.body.code]).toEqual([401, 'revoked_api_key']);
    expect((await bridge.request('GET', '/v2/keys?status=revoked', { key: bridge.primaryKey })).body.keys.map((k: { id: string }) => k.id)).toContain(other.id);
  });
});

describe('rolling and resetting', () => {
  test('roll: same name, role, scopes and expiry; the old key works for the grace period only', async () => {
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const made = await bridge.request('POST', '/v2/keys', { key: bridge.primaryKey, body: { name: 'rolling', role: 'render', expiresAt } });
    const old = made.body.key;
    const rolled = await bridge.request('POST', `/v2/keys/${made.body.apiKey.id}/roll`, { key: bridge.primaryKey, body: { graceSeconds: 2 } });
    expect(rolled.status).toBe(201);
    expect(rolled.body.apiKey).toMatchObject({ name: 'rolling', role: 'render', expiresAt });
    expect(rolled.body.key).not.toBe(old);
    expect((await bridge.request('GET', '/v2/account', { key: old })).status).toBe(200);
    expect((await bridge.request('GET', '/v2/account', { key: rolled.body.key })).status).toBe(200);
    await sleep(2100);
    const after = await bridge.request('GET', '/v2/account', { key: old });
    expect([after.status, after.body.code]).toEqual([401, 'expired_api_key']);
    expect(after.body.error).toMatch(/rolled/);
  });

  test('roll never gives the old key a later expiry than it had', async () => {
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    const made = await bridge.request('POST', '/v2/keys', { key: bridge.primaryKey, body: { name: 'short', role: 'render', expiresAt } });
    const rolled = await bridge.request('POST', `/v2/keys/${made.body.apiKey.id}/roll`, { key: bridge.primaryKey, body: { graceSeconds: 86400 } });
    expect(rolled.body.previous.expiresAt).toBe(expiresAt);
    expect(rolled.body.apiKey.expiresAt).toBe(expiresAt);
    // a rolled (or expired / revoked) key can not be rolled again into a fresh one
    await bridge.request('DELETE', `/v2/keys/${rolled.body.apiKey.id}`, { key: bridge.primaryKey });
    const again = await bridge.request('POST', `/v2/keys/${rolled.body.apiKey.id}/roll`, { key: bridge.primaryKey, body: {} });
    expect(again.status).toBe(409);
  });

  test('primary reset: the old primary stops at once', async () => {
    const { account, primaryKey } = await bridge.createAccount({ name: 'reset' });
    const res = await bridge.request('POST', '/v2/keys/primary/reset', { key: primaryKey });
    expect(res.status).toBe(201);
    expect(res.body.apiKey.isPrimary).toBe(true);
    const old = await bridge.request('GET', '/v2/account', { key: primaryKey });
    expect([old.status, old.body.code]).toEqual([401, 'revoked_api_key']);
    const fresh = await bridge.request('GET', '/v2/account', { key: res.body.key });
    expect(fresh.body.account.id).toBe(account.id);
  });
});

describe('accounts are walls', () => {
  test("another account's keys and audit entries answer 404", async () => {
    const other = await bridge.createAccount({ name: 'other' });
    const mine = await bridge.keyWithRole('render');
    await bridge.request('GET', '/v2/account', { key: mine.key });
    const entries = (await bridge.request('GET', '/v2/audit', { key: bridge.primaryKey })).body.entries;
    expect(entries.length).toBeGreaterThan(0);
    for (const [method, path] of [
      ['GET', `/v2/keys/${mine.id}`],
      ['PATCH', `/v2/keys/${mine.id}`],
      ['DELETE', `/v2/keys/${mine.id}`],
      ['POST', `/v2/keys/${mine.id}/roll`],
      ['GET', `/v2/keys/${mine.id}/usage`],
      ['GET', `/v2/audit/${entries[0].id}`],
    ]) {
      const body = method === 'PATCH' ? { name: 'x' } : method === 'POST' ? {} : undefined;
      const res = await bridge.request(method, path, { key: other.primaryKey, body });
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 404, code: 'not_found' });
    }
    const list = await bridge.request('GET', '/v2/keys', { key: other.primaryKey });
    expect(list.body.keys.map((k: { id: string }) => k.id)).toEqual([other.primaryKeyId]);
    const own = await bridge.request('GET', `/v2/audit/${entries[0].id}`, { key: bridge.primaryKey });
    expect(own.status).toBe(200);
  });
});

describe('audit log and usage', () => {
  test('key mutations and failed authentications are audited, paginated newest first', async () => {
    const { account, primaryKey } = await bridge.createAccount({ name: 'audited' });
    const ids: string[] = [];
    for (const n of [1, 2, 3]) {
      const r = await bridge.request('POST', '/v2/keys', { key: primaryKey, body: { name: `k${n}`, role: 'render' } });
      ids.push(r.body.apiKey.id);
    }
    await bridge.request('DELETE', `/v2/keys/${ids[0]}`, { key: primaryKey });
    const revokedKey = await bridge.keyWithRole('render', { accountId: account.id });
    await bridge.request('DELETE', `/v2/keys/${revokedKey.id}`, { key: primaryKey });
    await bridge.request('GET', '/v2/account', { key: revokedKey.key });

    const p1 = await bridge.request('GET', '/v2/audit?limit=2', { key: primaryKey });
    expect(p1.body.entries.map((e: { event: string }) => e.event)).toEqual(['auth.failed', 'key.revoked']);
    expect(p1.body.entries[0]).toMatchObject({ keyId: revokedKey.id, ip: expect.any(String), details: { reason: 'revoked_api_key' } });
    expect(p1.text).not.toContain(revokedKey.key);
    const p2 = await bridge.request('GET', `/v2/audit?limit=2&cursor=${p1.body.nextCursor}`, { key: primaryKey });
    expect(p2.body.entries.map((e: { event: string }) => e.event)).toEqual(['key.revoked', 'key.created']);
    const created = await bridge.request('GET', '/v2/audit?event=key.created', { key: primaryKey });
    expect(created.body.entries.map((e: { keyId: string }) => e.keyId)).toEqual([...ids].reverse());
    expect(created.body.nextCursor).toBeNull();
  });

  test('usage: requests per day and endpoint class, and the last client addresses', async () => {
    const k = await bridge.keyWithRole('editor');
    for (let i = 0; i < 3; i++) await bridge.request('GET', '/v2/account', { key: k.key });
    await bridge.request('POST', '/v2/auth/verify', { key: k.key });
    const res = await bridge.request('GET', `/v2/keys/${k.id}/usage`, { key: bridge.primaryKey });
    expect(res.status).toBe(200);
    expect(res.body.days).toEqual([{ date: new Date().toISOString().slice(0, 10), total: 4, byClass: { read: 4 } }]);
    expect(res.body.lastClientAddresses[0].address).toMatch(/127\.0\.0\.1/);
  });

  test('client addresses: X-Forwarded-For counts only behind a trusted proxy', async () => {
    const spoofed = { 'x-forwarded-for': '203.0.113.7' };
    const addresses = async (b: TestBridge) => {
      const k = await b.keyWithRole('editor');
      expect((await b.request('GET', '/v2/account', { key: k.key, headers: spoofed })).status).toBe(200);
      const usage = await b.request('GET', `/v2/keys/${k.id}/usage`, { key: b.primaryKey });
      return usage.body.lastClientAddresses.map((a: { address: string }) => a.address);
    };
    expect(await addresses(bridge)).toEqual([expect.stringMatching(/127\.0\.0\.1/)]);
    const proxied = await startBridge({ env: { REELAY_TRUST_PROXY: 'loopback' } });
    try {
      expect(await addresses(proxied)).toEqual(['203.0.113.7']);
    } finally {
      await proxied.stop();
    }
  });
});

describe('patching grants', () => {
  test('grantAll on and off by the primary; grantAll false alone keeps the scopes', async () => {
    const made = await bridge.request('POST', '/v2/keys', { key: bridge.primaryKey, body: { name: 'g', scopes: ['movies:read'] } });
    const id = made.body.apiKey.id;
    const on = await bridge.request('PATCH', `/v2/keys/${id}`, { key: bridge.primaryKey, body: { grantAll: true } });
    expect(on.body.apiKey).toMatchObject({ grantAll: true, scopePatterns: ['*'] });
    expect(on.body.apiKey.scopes.sort()).toEqual([...SCOPES].sort());
    const off = await bridge.request('PATCH', `/v2/keys/${id}`, { key: bridge.primaryKey, body: { grantAll: false } });
    expect(off.body.apiKey).toMatchObject({ grantAll: false, scopes: [] });
    const both = await bridge.request('PATCH', `/v2/keys/${id}`, { key: bridge.primaryKey, body: { role: 'render', scopes: ['movies:read'] } });
    expect(both.status).toBe(400);
    const role = await bridge.request('PATCH', `/v2/keys/${id}`, { key: bridge.primaryKey, body: { role: 'render' } });
    expect(role.body.apiKey).toMatchObject({ role: 'render', grantAll: false });
    const kept = await bridge.request('PATCH', `/v2/keys/${id}`, { key: bridge.primaryKey, body: { grantAll: false } });
    expect(kept.body.apiKey.role).toBe('render');
    const admin = await bridge.keyWithScopes(['keys:write', 'movies:read']);
    const widen = await bridge.request('PATCH', `/v2/keys/${id}`, { key: admin.key, body: { grantAll: true } });
    expect([widen.status, widen.body.code]).toEqual([403, 'scope_widening']);
  });
});
