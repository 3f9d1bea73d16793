/**
 * Dashboard sessions and the frame preview on a real bridge (HTTP, Redis, SQLite; no browser):
 * sign-in gives cookies with the right flags; the cookie acts with exactly the key's scopes; state
 * changes need the CSRF token and this origin; logout and revoking the key end the session on every
 * instance; the session slides; API key requests are unaffected; the preview answers the frame's pixels.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT } from 'jose';
import { startBridge, type HttpResult, type TestBridge } from '../helpers/bridge';

let bridge: TestBridge;
beforeAll(async () => {
  bridge = await startBridge({ env: { REELAY_TRUST_PROXY: 'loopback' } });
});
afterAll(() => bridge.stop());

interface Session {
  cookie: string;
  csrf: string;
  setCookies: string[];
}

async function signIn(key: string, headers: Record<string, string> = {}): Promise<Session> {
  const res = await bridge.request('POST', '/v2/auth/session', { body: { key }, headers });
  expect(res.status).toBe(201);
  const setCookies = res.headers.getSetCookie();
  const cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: res.body.csrf, setCookies };
}

function withSession(s: Session, method: string, path: string, opts: { body?: unknown; csrf?: string | null; origin?: string } = {}, on = bridge): Promise<HttpResult> {
  const headers: Record<string, string> = { cookie: s.cookie };
  if (opts.csrf !== null) headers['x-csrf-token'] = opts.csrf ?? s.csrf;
  if (opts.origin) headers.origin = opts.origin;
  return on.request(method, path, { body: opts.body, headers });
}

test('sign-in sets an HttpOnly SameSite=Strict session cookie, Secure only over https, and a readable CSRF cookie', async () => {
  const plain = await signIn(bridge.primaryKey);
  const session = plain.setCookies.find((c) => c.startsWith('reelay_session='))!;
  const csrf = plain.setCookies.find((c) => c.startsWith('reelay_csrf='))!;
  expect(session).toMatch(/HttpOnly/);
  expect(session).toMatch(/SameSite=Strict/);
  expect(session).toMatch(/Max-Age=1800/);
  expect(session).not.toMatch(/Secure/);
  expect(csrf).not.toMatch(/HttpOnly/);
  expect(csrf).toMatch(/SameSite=Strict/);
  // The JWT names a session; it carries neither the key nor its hash.
  const jwt = session.split(';')[0].split('=')[1];
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
  expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'sid']);
  // Behind a trusted proxy that terminated https, the cookies are Secure.
  const https = await signIn(bridge.primaryKey, { 'x-forwarded-proto': 'https' });
  expect(https.setCookies.every((c) => /;\s*Secure/.test(c))).toBe(true);
});

test('a wrong key gets no session', async () => {
  const res = await bridge.request('POST', '/v2/auth/session', { body: { key: 'rly_nope' } });
  expect(res.status).toBe(401);
  expect(res.headers.getSetCookie()).toEqual([]);
});

test("the session acts with exactly the key's scopes", async () => {
  const { key } = await bridge.keyWithRole('render');
  const s = await signIn(key);
  const me = await withSession(s, 'GET', '/v2/auth/verify');
  expect(me.status).toBe(200);
  expect(me.body.key.role).toBe('render');
  expect((await withSession(s, 'GET', '/v2/templates')).status).toBe(200);
  const keys = await withSession(s, 'GET', '/v2/keys');
  expect(keys.status).toBe(403);
  expect(keys.body.code).toBe('insufficient_scope');
});

test('a state-changing cookie request needs the CSRF token and this origin; API key requests need neither', async () => {
  const s = await signIn(bridge.primaryKey);
  const body = { name: 'csrf check', movie: { scenes: [] } };
  const missing = await withSession(s, 'POST', '/v2/templates', { body, csrf: null });
  expect(missing.status).toBe(403);
  expect(missing.body.code).toBe('csrf_failed');
  const wrong = await withSession(s, 'POST', '/v2/templates', { body, csrf: 'x'.repeat(s.csrf.length) });
  expect(wrong.status).toBe(403);
  const crossSite = await withSession(s, 'POST', '/v2/templates', { body, origin: 'https://evil.example' });
  expect(crossSite.status).toBe(403);
  expect(crossSite.body.code).toBe('csrf_failed');
  const ok = await withSession(s, 'POST', '/v2/templates', { body, origin: bridge.url });
  expect(ok.status).toBe(201);
  // Reads need no token.
  expect((await withSession(s, 'GET', '/v2/templates', { csrf: null })).status).toBe(200);
  // A key header is not a cookie: no CSRF token, whatever Origin says.
  const withKey = await bridge.request('POST', '/v2/templates', { key: bridge.primaryKey, body, headers: { origin: 'https://elsewhere.example' } });
  expect(withKey.status).toBe(201);
});

test('logout ends the session on every instance; the old cookie is refused', async () => {
  const other = await bridge.startAnotherInstance();
  const s = await signIn(bridge.primaryKey);
  expect((await withSession(s, 'GET', '/v2/account', {}, other)).status).toBe(200);
  const out = await withSession(s, 'DELETE', '/v2/auth/session');
  expect(out.status).toBe(204);
  expect(out.headers.getSetCookie().some((c) => c.startsWith('reelay_session=;'))).toBe(true);
  for (const on of [bridge, other]) {
    const after = await withSession(s, 'GET', '/v2/account', {}, on);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('invalid_session');
  }
  await other.stop();
});

test("revoking the key ends its sessions on the next request, on every instance", async () => {
  const other = await bridge.startAnotherInstance();
  const { key, id } = await bridge.keyWithRole('editor');
  const s = await signIn(key);
  expect((await withSession(s, 'GET', '/v2/templates', {}, other)).status).toBe(200);
  const revoked = await bridge.request('DELETE', `/v2/keys/${id}`, { key: bridge.primaryKey });
  expect(revoked.status).toBe(200);
  for (const on of [other, bridge]) {
    const after = await withSession(s, 'GET', '/v2/templates', {}, on);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('revoked_api_key');
  }
  await other.stop();
});

test('a forged or expired session token is refused; past half its life a used session is renewed', async () => {
  const s = await signIn(bridge.primaryKey);
  const sid = JSON.parse(Buffer.from(s.cookie.split('reelay_session=')[1].split(';')[0].split('.')[1], 'base64url').toString()).sid as string;
  const sign = (secret: string, issuedAt: number, expires: number) =>
    new SignJWT({ sid }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(issuedAt).setExpirationTime(expires).setAudience('reelay-dashboard').sign(new TextEncoder().encode(secret));
  const now = Math.floor(Date.now() / 1000);
  const cookieWith = (jwt: string) => ({ ...s, cookie: s.cookie.replace(/reelay_session=[^;]+/, `reelay_session=${jwt}`) });

  const forged = await withSession(cookieWith(await sign('not-the-secret-'.repeat(3), now, now + 600)), 'GET', '/v2/account');
  expect(forged.status).toBe(401);
  const expired = await withSession(cookieWith(await sign(bridge.config.jwtSecret, now - 4000, now - 100)), 'GET', '/v2/account');
  expect(expired.status).toBe(401);

  const fresh = await withSession(s, 'GET', '/v2/account');
  expect(fresh.headers.getSetCookie()).toEqual([]);
  const old = await withSession(cookieWith(await sign(bridge.config.jwtSecret, now - 1000, now + 800)), 'GET', '/v2/account');
  expect(old.status).toBe(200);
  const renewed = old.headers.getSetCookie().find((c) => c.startsWith('reelay_session='));
  expect(renewed).toMatch(/Max-Age=1800/);
  const ttl = await bridge.services.redis.ttl(bridge.services.redisKey('session', sid));
  expect(ttl).toBeGreaterThan(1700);
});

/** RGB of one pixel of a PNG, read back by ffmpeg. */
function pixel(png: Buffer, x: number, y: number): number[] {
  const raw = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', 'pipe:0', '-vf', `crop=1:1:${x}:${y}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { input: png });
  return [...raw.subarray(0, 3)];
}

test('the preview gets the movie\'s saved connections and its uploads, as a render job does', async () => {
  const colourPng = (colour: string) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `color=${colour}:s=64x64`, '-frames:v', '1', '-f', 'image2', '-c:v', 'png', 'pipe:1']);
  // A fal.ai queue API on loopback (renderer/src/providers/fal.ts) that draws green, for its key only.
  const green = colourPng('lime');
  const calls: string[] = [];
  const fal = http.createServer((req, res) => {
    calls.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    req.resume();
    const base = `http://127.0.0.1:${(fal.address() as AddressInfo).port}`;
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    if (req.headers.authorization !== 'Key fal-test-key' && req.url !== '/img.png') res.writeHead(401).end('{}');
    else if (req.method === 'POST') json({ request_id: 'r1', status_url: `${base}/status`, response_url: `${base}/result` });
    else if (req.url === '/status') json({ status: 'COMPLETED' });
    else if (req.url === '/result') json({ images: [{ url: `${base}/img.png` }] });
    else res.writeHead(200, { 'content-type': 'image/png' }).end(green);
  });
  await new Promise<void>((r) => fal.listen(0, '127.0.0.1', r));
  try {
    const base = `http://127.0.0.1:${(fal.address() as AddressInfo).port}`;
    const saved = await bridge.request('POST', '/v2/connections', { key: bridge.primaryKey, body: { id: 'preview-fal', type: 'fal', apiKey: 'fal-test-key', baseUrl: base } });
    expect(saved.status).toBe(201);
    const up = await fetch(`${bridge.url}/v2/uploads?name=blue.png`, { method: 'POST', headers: { 'x-api-key': bridge.primaryKey, 'content-type': 'application/octet-stream' }, body: new Uint8Array(colourPng('blue')) });
    expect(up.status).toBe(201);
    const upload = ((await up.json()) as { upload: { url: string } }).upload.url;
    const movie = {
      resolution: 'custom', width: 320, height: 180,
      scenes: [{ duration: 1, elements: [
        { type: 'image', model: 'fal', connection: 'preview-fal', prompt: 'a green square', x: 0, y: 0, width: 160, height: 180 },
        { type: 'image', src: upload, x: 160, y: 0, width: 160, height: 180 },
      ] }],
    };
    const res = await fetch(`${bridge.url}/v2/movies/preview`, { method: 'POST', headers: { 'x-api-key': bridge.primaryKey, 'content-type': 'application/json' }, body: JSON.stringify({ movie, time: 0.5 }) });
    expect({ status: res.status, body: res.status === 200 ? '' : await res.text() }).toEqual({ status: 200, body: '' });
    const png = Buffer.from(await res.arrayBuffer());
    const [r, g, b] = pixel(png, 80, 90);
    expect(g).toBeGreaterThan(200);
    expect(r + b).toBeLessThan(60);
    const [r2, g2, b2] = pixel(png, 240, 90);
    expect(b2).toBeGreaterThan(200);
    expect(r2 + g2).toBeLessThan(60);
    // The saved key went to the provider it belongs to (opened from the sealed payload).
    expect(calls[0]).toBe('POST /fal-ai/flux/schnell Key fal-test-key');
  } finally {
    await new Promise((r) => fal.close(r));
  }
});

test('POST /v2/movies/preview answers the PNG of the frame at the time asked, free, scope movies:create', async () => {
  const movie = {
    resolution: 'custom', width: 320, height: 180,
    scenes: [
      { duration: 1, 'background-color': '#ff0000', elements: [] },
      { duration: 1, 'background-color': '#0000ff', elements: [{ type: 'text', text: 'two', settings: { 'font-size': 30, color: '#ffffff' } }] },
    ],
  };
  const before = (await bridge.request('GET', '/v2/account', { key: bridge.primaryKey })).body.account.credits;
  const red = await fetch(`${bridge.url}/v2/movies/preview`, { method: 'POST', headers: { 'x-api-key': bridge.primaryKey, 'content-type': 'application/json' }, body: JSON.stringify({ movie, time: 0.3 }) });
  expect(red.status).toBe(200);
  expect(red.headers.get('content-type')).toBe('image/png');
  const redPng = Buffer.from(await red.arrayBuffer());
  expect(redPng.subarray(1, 4).toString()).toBe('PNG');
  const [r, g, b] = pixel(redPng, 10, 10);
  expect(r).toBeGreaterThan(200);
  expect(g + b).toBeLessThan(60);
  const blue = await fetch(`${bridge.url}/v2/movies/preview`, { method: 'POST', headers: { 'x-api-key': bridge.primaryKey, 'content-type': 'application/json' }, body: JSON.stringify({ movie, time: 1.5 }) });
  expect(blue.status).toBe(200);
  expect(Number(blue.headers.get('x-frame-time'))).toBeCloseTo(1.5, 1);
  const [r2, , b2] = pixel(Buffer.from(await blue.arrayBuffer()), 10, 10);
  expect(b2).toBeGreaterThan(200);
  expect(r2).toBeLessThan(40);
  expect((await bridge.request('GET', '/v2/account', { key: bridge.primaryKey })).body.account.credits).toBe(before);

  const invalid = await bridge.request('POST', '/v2/movies/preview', { key: bridge.primaryKey, body: { movie: { scenes: [{ elements: [{ type: 'text' }] }] }, time: 0 } });
  expect(invalid.status).toBe(400);
  expect(invalid.body.details[0].path).toMatch(/^scenes\[0\]\.elements\[0\]/);
  const { key: reader } = await bridge.keyWithRole('read-only');
  expect((await bridge.request('POST', '/v2/movies/preview', { key: reader, body: { movie, time: 0 } })).status).toBe(403);
});
