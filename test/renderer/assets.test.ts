/**
 * Asset fetching against a real HTTP server on 127.0.0.1: the SSRF policy (resolved address checked at
 * connect time, redirects re-checked), size caps, error classes, and the content-addressed cache.
 * Forbidden addresses are refused before any packet leaves the machine.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAddressAllowed } from '../../renderer/src/assets/address-policy';
import { AssetCache } from '../../renderer/src/assets/cache';
import { fetchAsset } from '../../renderer/src/assets/fetch';
import { serveDir, tmpDir, type AssetServer } from './helpers';

let server: AssetServer;
let dir: string;
let cache: AssetCache;

beforeAll(async () => {
  dir = tmpDir('assets');
  writeFileSync(path.join(dir, 'a.txt'), 'hello asset');
  writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(50_000, 1));
  server = await serveDir(dir);
  cache = new AssetCache(path.join(dir, 'cache'));
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, allowPrivateUrls: boolean, extra: object = {}) => fetchAsset(url, { cache, allowPrivateUrls, useCache: false, where: 'scenes[0].elements[0]', ...extra });

describe('address policy', () => {
  test.each([
    ['127.0.0.1', false], ['10.0.0.1', false], ['172.16.5.4', false], ['192.168.1.1', false], ['169.254.169.254', false], ['0.0.0.0', false],
    ['100.64.0.1', false], ['224.0.0.1', false], ['255.255.255.255', false], ['::1', false], ['::', false], ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false], ['64:ff9b::a00:1', false], ['2002:7f00:1::', false], ['fe80::1', false], ['fd00::1', false], ['::ffff:169.254.169.254', false],
    ['8.8.8.8', true], ['93.184.216.34', true], ['2606:4700::1111', true], ['::ffff:8.8.8.8', true],
  ])('%s allowed=%p with the switch off', (ip, allowed) => expect(isAddressAllowed(ip, false)).toBe(allowed));

  test('the switch lets loopback and private ranges through, never link-local/metadata', () => {
    expect(isAddressAllowed('127.0.0.1', true)).toBe(true);
    expect(isAddressAllowed('::1', true)).toBe(true);
    expect(isAddressAllowed('10.0.0.1', true)).toBe(true);
    expect(isAddressAllowed('169.254.169.254', true)).toBe(false);
    expect(isAddressAllowed('::ffff:169.254.169.254', true)).toBe(false);
  });
});

describe('fetchAsset refuses forbidden addresses with the switch off', () => {
  const port = () => new URL(server.url).port;
  test.each([
    ['loopback', () => `http://127.0.0.1:${port()}/a.txt`],
    ['private 10/8', () => 'http://10.0.0.1/a.png'],
    ['cloud metadata', () => 'http://169.254.169.254/latest/meta-data/'],
    ['IPv4-mapped IPv6', () => `http://[::ffff:127.0.0.1]:${port()}/a.txt`],
    ['decimal IPv4', () => `http://2130706433:${port()}/a.txt`],
    ['a name resolving to loopback', () => `http://localhost:${port()}/a.txt`],
  ])('%s', async (_name, url) => {
    const before = server.hits.length;
    await expect(get(url(), false)).rejects.toMatchObject({ code: 'asset_forbidden', retryable: false });
    expect(server.hits.length).toBe(before);
  });

  test('a redirect to a forbidden address is re-checked (metadata, with loopback allowed)', async () => {
    await expect(get(`${server.url}/redirect?to=${encodeURIComponent('http://169.254.169.254/latest')}`, true)).rejects.toMatchObject({ code: 'asset_forbidden' });
  });

  test('a redirect to loopback is refused when the switch is off (checked per hop)', async () => {
    // The first hop is refused too here, as the server itself lives on loopback.
    await expect(get(`${server.url}/redirect?to=${encodeURIComponent(`${server.url}/a.txt`)}`, false)).rejects.toMatchObject({ code: 'asset_forbidden' });
  });

  test('non-http schemes are refused, also behind a redirect', async () => {
    await expect(get('file:///etc/passwd', true)).rejects.toMatchObject({ code: 'asset_forbidden' });
    await expect(get('ftp://127.0.0.1/x', true)).rejects.toMatchObject({ code: 'asset_forbidden' });
    await expect(get(`${server.url}/redirect?to=${encodeURIComponent('file:///etc/passwd')}`, true)).rejects.toMatchObject({ code: 'asset_forbidden' });
  });
});

describe('fetchAsset with loopback allowed', () => {
  test('downloads into the content-addressed cache and reuses it', async () => {
    const a = await get(`${server.url}/a.txt`, true, { useCache: true });
    expect(readFileSync(a.file, 'utf8')).toBe('hello asset');
    expect(path.basename(a.file)).toBe(createHash('sha256').update('hello asset').digest('hex'));
    const hits = server.hits.length;
    const b = await get(`${server.url}/a.txt`, true, { useCache: true });
    expect(b.file).toBe(a.file);
    expect(server.hits.length).toBe(hits);
    // Same content under another URL: one blob.
    const c = await get(`${server.url}/redirect?to=/a.txt`, true, { useCache: true });
    expect(c.file).toBe(a.file);
  });

  test('404 fails without retry and names the element and URL', async () => {
    await expect(get(`${server.url}/missing.png`, true)).rejects.toMatchObject({
      code: 'asset_failed', retryable: false, message: expect.stringContaining(`scenes[0].elements[0]: failed to download '${server.url}/missing.png' (404)`),
    });
  });

  test('5xx and network failures are retryable', async () => {
    await expect(get(`${server.url}/status/503`, true)).rejects.toMatchObject({ code: 'asset_unavailable', retryable: true });
    await expect(get('http://127.0.0.1:1/x', true)).rejects.toMatchObject({ code: 'asset_unavailable', retryable: true });
  });

  test('size cap', async () => {
    await expect(get(`${server.url}/big.bin`, true, { limits: { maxBytes: 1000 } })).rejects.toMatchObject({ code: 'asset_failed', message: expect.stringContaining('larger than 1000') });
    expect(existsSync(path.join(dir, 'cache', 'tmp'))).toBe(true);
  });

  test('too many redirects', async () => {
    let url = `${server.url}/a.txt`;
    for (let i = 0; i < 4; i++) url = `${server.url}/redirect?to=${encodeURIComponent(url)}`;
    await expect(get(url, true, { limits: { maxRedirects: 2 } })).rejects.toMatchObject({ code: 'asset_failed', message: expect.stringContaining('too many redirects') });
  });
});
