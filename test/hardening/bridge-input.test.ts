/**
 * Hardening findings 5, 6, 10 and 12, replayed against a real bridge (loopback port, SQLite, Redis),
 * each with a render key — the least an attacker needs:
 * - broken gzip/br bodies and bodies nested 10,000 deep (client-data, variables, an unknown key) are
 *   400s with stable codes, never 500s;
 * - `__proto__` / `constructor` / `prototype` keys are refused with their JSON path in every JSON body
 *   and CSV batch header (a scene's `__proto__.duration` was charged as 1e308);
 * - inline WebVTT captions are captions, not a URL with the scheme `webvtt00`;
 * - every answer, and every served file, carries `X-Content-Type-Options: nosniff`; files also a
 *   sandboxing Content-Security-Policy.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { renderLocal } from '../../renderer/src/cli/render-local';
import { signFileUrl } from '../../bridge/src/storage/signed-urls';
import { startBridge, type TestBridge } from '../helpers/bridge';

let bridge: TestBridge;
let key: string;
beforeAll(async () => {
  bridge = await startBridge({ credits: 1_000_000 });
  key = (await bridge.keyWithRole('render')).key;
});
afterAll(() => bridge.stop());

const movie = (extra: Record<string, unknown> = {}) => ({ resolution: 'custom', width: 64, height: 64, scenes: [{ duration: 1, elements: [] }], ...extra });

async function post(path: string, body: string | Buffer, headers: Record<string, string> = {}) {
  const res = await fetch(`${bridge.url}${path}`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as Record<string, unknown>, headers: res.headers };
}

function expectErrorShape(body: Record<string, unknown>, code: string) {
  expect(Object.keys(body).sort()).toEqual(['code', 'details', 'error', 'requestId', 'success']);
  expect(body).toMatchObject({ success: false, error: expect.any(String), code, requestId: expect.any(String) });
}

/** `{"a":{"a":…{}…}}` n levels deep, as raw JSON text (JSON.stringify of such a value would itself recurse). */
const deep = (n: number) => '{"a":'.repeat(n) + '{}' + '}'.repeat(n);

describe('finding 5: bodies that made the bridge answer 500', () => {
  test.each([
    ['gzip', () => gzipSync(JSON.stringify(movie())).subarray(0, 20)],
    ['gzip (not gzip at all)', () => Buffer.from('this is not gzip data, just text')],
    ['br', () => Buffer.concat([brotliCompressSync(JSON.stringify(movie())).subarray(0, 5), Buffer.from([0xff, 0xff, 0xff])])],
  ])('a broken %s body → 400 invalid_body_encoding', async (name, body) => {
    const res = await post('/v2/movies', body(), { 'content-encoding': name.startsWith('br') ? 'br' : 'gzip' });
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'invalid_body_encoding');
  });

  test('a valid gzip body still works', async () => {
    const res = await post('/v2/movies/validate', gzipSync(JSON.stringify(movie())), { 'content-encoding': 'gzip' });
    expect(res.status).toBe(200);
  });

  test.each([
    ['client-data', (d: string) => `{"resolution":"custom","width":64,"height":64,"scenes":[{"duration":1,"elements":[]}],"client-data":${d}}`, '["client-data"]'],
    ['variables', (d: string) => `{"resolution":"custom","width":64,"height":64,"scenes":[{"duration":1,"elements":[]}],"variables":{"x":${d}}}`, 'variables.x'],
    ['an unknown key', (d: string) => `{"resolution":"custom","width":64,"height":64,"scenes":[{"duration":1,"elements":[]}],"zzz":${d}}`, 'zzz'],
  ])('10,000 levels deep in %s → 400 too_deeply_nested with the path', async (_name, wrap, prefix) => {
    const res = await post('/v2/movies', wrap(deep(10_000)));
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'too_deeply_nested');
    expect((res.body.details as Array<{ path: string }>)[0].path.startsWith(prefix)).toBe(true);
  });

  test('the limit is 64 levels: 64 passes the check, 65 does not (any JSON route)', async () => {
    // the body (level 1) > client-data (level 2) > 62 more objects = 64 levels
    const ok = await post('/v2/movies/validate', JSON.stringify(movie()).replace(/}$/, `,"client-data":${deep(62)}}`));
    expect(ok.body.code).not.toBe('too_deeply_nested');
    const over = await post('/v2/movies/validate', JSON.stringify(movie()).replace(/}$/, `,"client-data":${deep(63)}}`));
    expect(over.status).toBe(400);
    expect(over.body.code).toBe('too_deeply_nested');
    const webhooks = await post('/v2/webhooks', `{"url":"https://example.com/h","events":["movie.done"],"x":${deep(100)}}`);
    expect(webhooks.body.code).toBe('too_deeply_nested');
  });
});

describe('finding 6: prototype keys', () => {
  test('a scene {"__proto__": {"duration": 1e308}} is refused, not charged', async () => {
    const before = (await bridge.request('GET', '/v2/account', { key: bridge.primaryKey })).body;
    const res = await post('/v2/movies', '{"resolution":"custom","width":64,"height":64,"scenes":[{"elements":[],"__proto__":{"duration":1e308}}]}');
    expect(res.status).toBe(400);
    expectErrorShape(res.body, 'forbidden_key');
    expect(res.body.details).toEqual([{ path: 'scenes[0].__proto__', message: expect.any(String), in: 'body' }]);
    const after = (await bridge.request('GET', '/v2/account', { key: bridge.primaryKey })).body;
    expect(after).toEqual(before);
  });

  test.each(['constructor', 'prototype'])('a %s key anywhere is refused with its path', async (k) => {
    const res = await post('/v2/movies', `{"scenes":[{"duration":1,"elements":[{"type":"text","text":"x","settings":{"${k}":{"a":1}}}]}]}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('forbidden_key');
    expect((res.body.details as Array<{ path: string }>)[0].path).toBe(`scenes[0].elements[0].settings.${k}`);
  });

  test('a CSV batch whose header names __proto__ is refused', async () => {
    const tpl = await bridge.request('POST', '/v2/templates', { key: bridge.primaryKey, body: { name: 'csv', movie: movie({ scenes: [{ duration: 1, elements: [{ type: 'text', text: '{{name}}' }] }] }) } });
    expect(tpl.status).toBe(201);
    const res = await fetch(`${bridge.url}/v2/movies/batch?template=${tpl.body.template.id}`, {
      method: 'POST',
      headers: { 'x-api-key': bridge.primaryKey, 'content-type': 'text/csv' },
      body: 'name,__proto__\nBo,x\n',
    });
    const body = (await res.json()) as Record<string, unknown>;
    expect(res.status).toBe(400);
    expectErrorShape(body, 'forbidden_key');
    expect((body.details as Array<{ path: string }>)[0].path).toBe('rows[0].__proto__');
  });
});

test('reelay render --local refuses the same files before rendering anything', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-local-'));
  try {
    const cases: Array<[string, RegExp]> = [
      ['{"resolution":"custom","width":64,"height":64,"scenes":[{"elements":[],"__proto__":{"duration":1e308}}]}', /scenes\[0\]\.__proto__: the key '__proto__' is not allowed/],
      [`{"scenes":[{"duration":1,"elements":[]}],"client-data":${deep(10_000)}}`, /nested more than 64 levels deep/],
    ];
    for (const [i, [json, message]] of cases.entries()) {
      const file = path.join(dir, `m${i}.json`);
      writeFileSync(file, json);
      await expect(renderLocal(file, { dataDir: dir })).rejects.toMatchObject({ code: 'invalid_movie', message: expect.stringMatching(message) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('finding 10: inline captions are captions', () => {
  const vtt = 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nHello there\n';
  test.each([
    ['WebVTT', vtt],
    ['WebVTT with a BOM and a header', `\uFEFFWEBVTT - my captions\n\n00:00.000 --> 00:01.000\nHi\n`],
    ['SRT', '1\n00:00:00,000 --> 00:00:01,000\nHello\n'],
  ])('%s text in captions is accepted', async (_name, captions) => {
    const res = await post('/v2/movies/validate', JSON.stringify(movie({ scenes: [{ duration: 1, elements: [{ type: 'subtitles', captions }] }] })));
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(true);
  });

  test('a captions URL is still checked (file: and metadata refused)', async () => {
    for (const captions of ['file:///etc/passwd', 'http://169.254.169.254/x.vtt']) {
      const res = await post('/v2/movies', JSON.stringify(movie({ scenes: [{ duration: 1, elements: [{ type: 'subtitles', captions }] }] })));
      expect([res.status, res.body.code, captions]).toEqual([400, 'forbidden_url', captions]);
    }
  });
});

describe('finding 12: nosniff', () => {
  test('a served file (PNG magic + HTML) carries nosniff and a sandboxing CSP', async () => {
    const storageKey = `uploads/${bridge.account.id}/polyglot.png`;
    await bridge.services.pipeline.storage.put(storageKey, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('<html><script>alert(1)</script></html>')]));
    try {
      const url = await signFileUrl({ publicUrl: bridge.url, secret: bridge.config.jwtSecret, storageKey });
      for (const method of ['GET', 'HEAD']) {
        const res = await fetch(url, { method });
        await res.arrayBuffer();
        expect(res.status).toBe(200);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      }
      const gone = await fetch(url.replace('polyglot', 'other'));
      expect(gone.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await bridge.services.pipeline.storage.delete(storageKey);
    }
  });

  test('every API answer carries nosniff', async () => {
    for (const res of [await bridge.request('GET', '/v2/account', { key }), await bridge.request('GET', '/nope'), await bridge.request('GET', '/healthz')]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });
});
