/**
 * Finding 9: export destinations are checked at POST /v2/movies like asset URLs (400 forbidden_url,
 * with the path), not accepted and then failed (and retried) at delivery. Webhook endpoints must be
 * http(s); webhook, FTP, SFTP and SMTP hosts must be public unless REELAY_ALLOW_PRIVATE_URLS is set,
 * and link-local / cloud metadata never pass. Fully inline destinations and a saved connection merged
 * with its inline overrides both count. Webhook subscriptions follow the same policy.
 */
import { generateKeyEntry } from '../../renderer/src/vault';
import { startBridge, type TestBridge } from '../helpers/bridge';

const movie = (destinations: unknown[]) => ({ resolution: 'custom', width: 64, height: 64, scenes: [{ duration: 1, elements: [] }], exports: [{ destinations }] });
const ftp = (host: string) => ({ type: 'ftp', host, username: 'u', password: 'p' });
const sftp = (host: string) => ({ type: 'sftp', host, username: 'u', password: 'p' });
const email = (host: string) => ({ type: 'email', host, from: 'a@example.com', to: 'b@example.com', password: 'p', username: 'u' });
const hook = (endpoint: string) => ({ type: 'webhook', endpoint });

describe('with REELAY_ALLOW_PRIVATE_URLS off', () => {
  let bridge: TestBridge;
  let render: string;
  beforeAll(async () => {
    bridge = await startBridge({ env: { REELAY_ENCRYPTION_KEY: generateKeyEntry('v1'), REELAY_ALLOW_PRIVATE_URLS: 'false' } });
    render = (await bridge.keyWithRole('render')).key;
    const manager = (await bridge.keyWithRole('manager')).key;
    for (const body of [
      { id: 'public-ftp', ...ftp('93.184.216.34') },
      { id: 'lan-ftp', ...ftp('192.168.1.10') },
      { id: 'hook-meta', type: 'webhook', endpoint: 'http://169.254.169.254/latest/' },
    ]) expect((await bridge.request('POST', '/v2/connections', { key: manager, body })).status).toBe(201);
  });
  afterAll(() => bridge.stop());

  const submit = (key: string, destinations: unknown[]) => bridge.request('POST', '/v2/movies', { key, body: movie(destinations) });

  test.each([
    ['an inline webhook to loopback', hook('http://127.0.0.1:9/h'), 'endpoint'],
    ['an inline webhook to the metadata address', hook('http://169.254.169.254/latest/meta-data/'), 'endpoint'],
    ['an inline webhook to [::ffff:127.0.0.1]', hook('http://[::ffff:127.0.0.1]/h'), 'endpoint'],
    ['an inline FTP host in 10/8', ftp('10.0.0.5'), 'host'],
    ['an inline SFTP host at the metadata address', sftp('169.254.169.254'), 'host'],
    ['an inline SMTP host on loopback', email('127.0.0.1'), 'host'],
    ['an inline SMTP host named localhost', email('localhost'), 'host'],
    ['a saved LAN connection used as is', { id: 'lan-ftp' }, 'host'],
    ['a saved webhook connection to the metadata address', { id: 'hook-meta' }, 'endpoint'],
  ])('%s → 400 forbidden_url at submit, with its path', async (_name, dest, field) => {
    const res = await submit(render, [{ type: 'webhook', endpoint: 'https://93.184.216.34/ok' }, dest]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: 'forbidden_url', details: [{ path: `exports[0].destinations[1].${field}` }] });
  });

  test('a file: webhook endpoint is refused at submit', async () => {
    const res = await submit(render, [hook('file:///etc/passwd')]);
    expect(res.status).toBe(400);
    expect(['forbidden_url', 'validation_error']).toContain(res.body.code);
    expect(JSON.stringify(res.body.details)).toContain('exports[0].destinations[0].endpoint');
  });

  test('a saved public connection overridden to loopback (a key that may override) → 400 forbidden_url', async () => {
    const res = await submit(bridge.primaryKey, [{ id: 'public-ftp', host: '127.0.0.1' }]);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'forbidden_url', details: [{ path: 'exports[0].destinations[0].host' }] });
  });

  test('public destinations are accepted', async () => {
    const res = await submit(render, [hook('https://93.184.216.34/ok'), { id: 'public-ftp', 'remote-path': '/x' }, ftp('93.184.216.34')]);
    expect(res.status).toBe(200);
  });

  test('webhook subscriptions to private or metadata addresses are refused', async () => {
    for (const url of ['http://127.0.0.1:9/h', 'http://169.254.169.254/', 'file:///etc/passwd']) {
      const res = await bridge.request('POST', '/v2/webhooks', { key: bridge.primaryKey, body: { url, events: ['movie.done'] } });
      expect([res.status, res.body.code]).toEqual([400, expect.stringMatching(/forbidden_url|validation_error/)]);
    }
  });
});

describe('with REELAY_ALLOW_PRIVATE_URLS on', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startBridge({ env: { REELAY_ENCRYPTION_KEY: generateKeyEntry('v1'), REELAY_ALLOW_PRIVATE_URLS: 'true' } });
  });
  afterAll(() => bridge.stop());

  test('loopback and private pass, link-local/metadata never', async () => {
    const ok = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: movie([hook('http://127.0.0.1:9/h'), ftp('10.0.0.5'), email('localhost')]) });
    expect(ok.status).toBe(200);
    const meta = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: movie([ftp('169.254.169.254')]) });
    expect(meta.body).toMatchObject({ code: 'forbidden_url', details: [{ path: 'exports[0].destinations[0].host' }] });
    const meta6 = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: movie([hook('http://[fe80::1]/h')]) });
    expect(meta6.body.code).toBe('forbidden_url');
  });
});
