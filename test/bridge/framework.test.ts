/** The framework: error shape, 404, invalid JSON, 413, key in query, health, OpenAPI. */
import { startBridge, type TestBridge } from '../helpers/bridge';
import { formatJsonPath } from '../../bridge/src/errors';
import { allRoutes } from '../../bridge/src/routes';
import { assertRouteDeclarations } from '../../bridge/src/http/mount';
import { openApiPath } from '../../bridge/src/http/openapi';
import { createLogger, LineBatch } from '../../bridge/src/logger';
import { generateKey } from '../../bridge/src/keys/format';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
// the bridge's zod 4 (the zod 3 at the root comes with n8n's packages)
import { z } from '../../bridge/node_modules/zod';
import { buildApp } from '../../bridge/src/app';
import { defineRoute } from '../../bridge/src/http/route';
import path from 'node:path';
import { promisify } from 'node:util';

describe.each(['sqlite', 'postgres'] as const)('framework on %s', (db) => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startBridge({ db, env: { REELAY_BODY_LIMIT: '2kb' } });
  });
  afterAll(() => bridge.stop());

  test('health and readiness', async () => {
    expect((await bridge.request('GET', '/healthz')).body).toEqual({ success: true, status: 'ok' });
    expect((await bridge.request('GET', '/readyz')).body).toEqual({ success: true, store: 'ok', redis: 'ok', storage: 'ok' });
  });

  test('unknown route answers 404 in the one error shape', async () => {
    const res = await bridge.request('GET', '/v2/nope');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, code: 'not_found', details: null });
    expect(typeof res.body.requestId).toBe('string');
    expect(res.headers.get('x-request-id')).toBe(res.body.requestId);
  });

  test('malformed JSON → 400 invalid_json; oversized → 413', async () => {
    const bad = await bridge.request('POST', '/v2/nope', { raw: '{"a":', key: bridge.primaryKey });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_json');
    const big = await bridge.request('POST', '/v2/nope', { body: { a: 'x'.repeat(5000) } });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('payload_too_large');
  });

  test('a key in the query string is refused', async () => {
    const res = await bridge.request('GET', `/healthz?api_key=${bridge.primaryKey}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('key_in_query');
  });

  test('/docs lists every operation with its scope', async () => {
    const res = await bridge.request('GET', '/docs');
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    for (const r of allRoutes) expect(res.text).toContain(`<code>${openApiPath(r.path)}</code>`);
  });

  test('OpenAPI lists every mounted route with its scope', async () => {
    const res = await bridge.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    for (const r of allRoutes) {
      const op = res.body.paths[openApiPath(r.path)]?.[r.method];
      expect(op).toBeDefined();
      expect(op['x-reelay-scope']).toBe(r.scope);
    }
  });
});

test('JSON paths look like scenes[1].elements[0].src', () => {
  expect(formatJsonPath(['scenes', 1, 'elements', 0, 'src'])).toBe('scenes[1].elements[0].src');
  expect(formatJsonPath(['client-data', 'x'])).toBe('["client-data"].x');
  expect(formatJsonPath([])).toBe('');
});

test('every route declares a scope; a route without one is refused', () => {
  expect(() => assertRouteDeclarations(allRoutes)).not.toThrow();
  const broken = { ...allRoutes[0], scope: undefined } as unknown as (typeof allRoutes)[number];
  expect(() => assertRouteDeclarations([broken])).toThrow(/declares no valid scope/);
});

describe('auth basics', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startBridge();
  });
  afterAll(() => bridge.stop());

  test('x-api-key, Bearer and Basic all authenticate; verify names the key without its secret', async () => {
    const a = await bridge.request('GET', '/v2/auth/verify', { key: bridge.primaryKey });
    expect(a.status).toBe(200);
    expect(a.body.account.id).toBe(bridge.account.id);
    expect(a.body.key).toMatchObject({ id: bridge.primaryKeyId, isPrimary: true, role: 'primary' });
    expect(a.text).not.toContain(bridge.primaryKey);
    const b = await bridge.request('POST', '/v2/auth/verify', { headers: { authorization: `Bearer ${bridge.primaryKey}` } });
    expect(b.status).toBe(200);
    const basic = Buffer.from(`${bridge.primaryKey}:`).toString('base64');
    const c = await bridge.request('GET', '/v2/account', { headers: { authorization: `Basic ${basic}` } });
    expect(c.status).toBe(200);
    expect(c.body.account).toMatchObject({ id: bridge.account.id, credits: null });
  });

  test('a role without the scope gets 403 naming it', async () => {
    const { key } = await bridge.keyWithScopes(['movies:read']);
    const res = await bridge.request('GET', '/v2/account', { key });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'insufficient_scope', details: { requiredScope: 'account:read' } });
  });
});

test('every request gives its handler a context of one shape, with a logger made on first use', async () => {
  // An accessor in a per-request object literal made V8 build each context in dictionary mode, and
  // with it every request's objects outlived young-generation GC (7 KB promoted per
  // /v2/auth/verify, a quarter of its CPU). %HasFastProperties and %HaveSameMap see the difference.
  setFlagsFromString('--allow-natives-syntax');
  const natives = new Function('a', 'b', 'return [%HasFastProperties(a), %HaveSameMap(a, b)]') as (a: object, b: object) => [boolean, boolean];
  const bridge = await startBridge();
  const seen: Array<{ ctx: object; requestId?: string }> = [];
  const probe = defineRoute({
    method: 'get',
    path: '/probe/:n',
    scope: 'authenticated',
    rateClass: 'read',
    summary: 'test probe',
    request: { params: z.object({ n: z.coerce.number() }) },
    responses: { 204: z.undefined() },
    handler: async (ctx) => {
      seen.push({ ctx, requestId: ctx.params.n === 3 ? (ctx.log.bindings().requestId as string) : undefined });
    },
  });
  const server = buildApp(bridge.services, [probe]).listen(0, '127.0.0.1');
  try {
    await once(server, 'listening');
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const n of [1, 2, 3]) {
      const res = await fetch(`${url}/probe/${n}`, { headers: { 'x-api-key': bridge.primaryKey, 'x-request-id': `probe-${n}` } });
      expect(res.status).toBe(204);
    }
    expect(seen).toHaveLength(3);
    expect(natives(seen[0].ctx, seen[1].ctx)).toEqual([true, true]);
    expect(seen[2].requestId).toBe('probe-3');
  } finally {
    server.close();
    await bridge.stop();
  }
});

describe('logs', () => {
  test('secret fields are redacted wherever a log object carries them', () => {
    const lines: string[] = [];
    const { Writable } = jest.requireActual('node:stream') as typeof import('node:stream');
    const sink = new Writable({
      write(chunk, _e, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('info', sink);
    const key = generateKey();
    log.info({ apiKey: key, key, authorization: `Bearer ${key}`, connection: { password: 'hunter2', secret: key }, req: { headers: { 'x-api-key': key } } }, 'with secrets');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(key);
    expect(lines[0]).not.toContain('hunter2');
    expect(lines[0]).toContain('[redacted]');
  });

  test('a line batch writes lines in order, one write per batch, and the rest on drain', () => {
    const writes: string[] = [];
    const batch = new LineBatch((chunk) => writes.push(chunk), 100);
    const lines = Array.from({ length: 25 }, (_, i) => `{"n":${String(i).padStart(2, '0')},"pad":"${'x'.repeat(20)}"}\n`); // 38 chars each
    for (const line of lines) batch.write(line);
    expect(writes.map((w) => w.length)).toEqual(Array(8).fill(38 * 3)); // 3 lines reach 100 chars; the 25th waits
    batch.flush();
    expect(writes.join('')).toBe(lines.join(''));
    batch.drain(); // nothing pending: nothing written
    expect(writes).toHaveLength(9);
  });

  test.each([
    ['ends on its own', ''],
    ['calls process.exit', 'process.exit(3);'],
  ])('a process that logs to stdout by default loses no line when it %s', async (_name, end) => {
    const script = `require('tsx/cjs'); const log = require(${JSON.stringify(require.resolve('../../bridge/src/logger'))}).createLogger('info');
      for (let i = 0; i < 2000; i++) log.info({ i }, 'line'); ${end}`;
    const child = await promisify(execFile)(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '../..'), maxBuffer: 1 << 24 }).catch((e: { code: number; stdout: string }) => e);
    expect(child).toMatchObject({ ...(end ? { code: 3 } : {}) });
    const numbers = String(child.stdout).trim().split('\n').map((l) => JSON.parse(l).i);
    expect(numbers).toEqual(Array.from({ length: 2000 }, (_, i) => i));
  });

  test('request logs carry the path, never the query string or headers', async () => {
    const bridge = await startBridge();
    try {
      await bridge.request('GET', '/v2/account', { key: bridge.primaryKey });
      await bridge.request('GET', `/v2/account?apikey=${bridge.primaryKey}`);
      const requests = bridge.logs.filter((l) => l.includes('"msg":"request"'));
      expect(requests.length).toBeGreaterThanOrEqual(2);
      expect(requests.join('\n')).not.toContain(bridge.primaryKey);
      expect(requests.join('\n')).not.toContain('apikey=');
    } finally {
      await bridge.stop(); // stop() itself fails when any captured line holds a full key
    }
  });
});

describe('when Redis goes away', () => {
  test('authenticated requests answer 503 service_unavailable (logged with the cause), not 500', async () => {
    const bridge = await startBridge();
    const second = await bridge.startAnotherInstance();
    try {
      second.services.redis.disconnect();
      const res = await second.request('GET', '/v2/account', { key: bridge.primaryKey });
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('service_unavailable');
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.text).not.toContain('Connection is closed');
      expect(second.logs.some((l) => l.includes('"msg":"request failed"') && l.includes('Connection is closed'))).toBe(true);
      const ready = await second.request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ store: 'ok', redis: 'unreachable' });
    } finally {
      await bridge.stop();
    }
  });
});
