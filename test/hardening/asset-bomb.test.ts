/**
 * Finding 7: an asset served with `Content-Encoding: gzip` is capped by its DECODED size, the download
 * stops there (the server sees the connection closed long before it sent everything), and a failed
 * download leaves nothing in the asset cache (no blob, no URL entry, no temp file).
 * A real HTTP server on 127.0.0.1 serves a gzip bomb (64 MB of zeros, ~64 KB on the wire).
 */
import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync, brotliCompressSync } from 'node:zlib';
import { AssetCache } from '../../renderer/src/assets/cache';
import { fetchAsset } from '../../renderer/src/assets/fetch';

const DECODED = 64 * 1024 * 1024;
let server: Server;
let base: string;
let dir: string;
const gz = gzipSync(Buffer.alloc(DECODED), { level: 9 });
const br = brotliCompressSync(Buffer.alloc(DECODED));
const small = gzipSync(Buffer.from('hello small gzip asset'));
const text = gzipSync(Buffer.from(randomBytes(2_250_000).toString('base64')));
const broken = Buffer.concat([gzipSync(Buffer.alloc(10_000, 7)).subarray(0, 40), Buffer.from('this is not deflate data at all')]);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-bomb-'));
  server = createServer((req, res) => {
    const body = ({ '/bomb.gz': gz, '/bomb.br': br, '/text.gz': text, '/broken.gz': broken } as Record<string, Buffer>)[req.url ?? ''] ?? small;
    res.writeHead(200, { 'content-type': 'image/png', 'content-encoding': req.url === '/bomb.br' ? 'br' : 'gzip', 'content-length': String(body.length) });
    // Sent in small pieces so an early stop is visible in `sent`.
    let off = 0;
    const pump = () => {
      while (off < body.length) {
        const piece = body.subarray(off, off + 4096);
        off += piece.length;
        if (!res.write(piece)) return void res.once('drain', pump);
      }
      res.end();
    };
    res.on('close', () => (off = body.length));
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** Every file under the cache directory (blobs, url entries, temp files). */
function files(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.join(d.parentPath, d.name));
}

const get = (cache: AssetCache, p: string, limits?: object) =>
  fetchAsset(`${base}${p}`, { cache, allowPrivateUrls: true, useCache: true, where: 'scenes[0].elements[0]', ...(limits ? { limits } : {}) });

test.each([['gzip', '/bomb.gz'], ['br', '/bomb.br']])('a %s bomb (64 MB decoded) is refused under the default limits and leaves nothing in the cache', async (enc, p) => {
  const cacheDir = path.join(dir, `cache-${enc}`);
  const cache = new AssetCache(cacheDir);
  await expect(get(cache, p)).rejects.toMatchObject({ code: 'asset_failed', retryable: false, message: expect.stringMatching(/decompression bomb/) });
  expect(files(cacheDir)).toEqual([]);
  expect(await cache.lookup(`${base}${p}`)).toBeUndefined();
});

test('the size cap counts decoded bytes (a 3 MB text, 2.3 MB gzipped, against a 2 MB cap) and leaves nothing', async () => {
  const cacheDir = path.join(dir, 'cache-cap');
  const cache = new AssetCache(cacheDir);
  await expect(get(cache, '/text.gz', { maxBytes: 2 * 1024 * 1024 })).rejects.toMatchObject({ code: 'asset_failed', message: expect.stringMatching(/larger than 2097152 bytes/) });
  expect(files(cacheDir)).toEqual([]);
});

test('a broken gzip body fails the asset and leaves nothing', async () => {
  const cacheDir = path.join(dir, 'cache-broken');
  const cache = new AssetCache(cacheDir);
  await expect(get(cache, '/broken.gz')).rejects.toMatchObject({ code: 'asset_failed', message: expect.stringMatching(/not valid gzip/) });
  expect(files(cacheDir)).toEqual([]);
});

test('a small gzip asset is stored decoded', async () => {
  const cache = new AssetCache(path.join(dir, 'cache-ok'));
  const got = await get(cache, '/ok.gz');
  expect(readFileSync(got.file, 'utf8')).toBe('hello small gzip asset');
});
