/**
 * Finding 6 (connections): a render key may not redirect a saved connection (host, port) — a plain
 * override is 403 connection_override_forbidden — and `__proto__` / `constructor` must not be a way
 * around that rule. Two real FTP servers on loopback: the saved one (A) and the one the attacker names
 * (B). The bridge refuses every prototype form (400, never accepted); the resolver refuses a site whose
 * prototype was set by an object parse even past the body check; and the renderer's destination merge
 * delivers to the saved host only: A receives the file, B not even a login.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { resolveMovieConnections } from '../../bridge/src/connections/resolve';
import { deliverTo } from '../../renderer/src/destinations';
import { mergeDestination } from '../../renderer/src/destinations/merge';
import { generateKeyEntry } from '../../renderer/src/vault';
import { startBridge, type TestBridge } from '../helpers/bridge';
import { startFtpServer, tempDir } from '../renderer/destinations/servers';

const creds = { username: 'reelay', password: `pw-${randomBytes(6).toString('hex')}` };
let bridge: TestBridge;
let renderKey: string;
let saved: Awaited<ReturnType<typeof startFtpServer>>;
let attacker: Awaited<ReturnType<typeof startFtpServer>>;

beforeAll(async () => {
  [saved, attacker] = await Promise.all([startFtpServer(creds), startFtpServer(creds)]);
  bridge = await startBridge({ env: { REELAY_ENCRYPTION_KEY: generateKeyEntry('v1') } });
  renderKey = (await bridge.keyWithRole('render')).key;
  const manager = (await bridge.keyWithRole('manager')).key;
  const created = await bridge.request('POST', '/v2/connections', {
    key: manager,
    body: { id: 'my-ftp', type: 'ftp', host: '127.0.0.1', port: saved.port, username: creds.username, password: creds.password },
  });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await bridge.stop();
  await Promise.all([saved.close(), attacker.close()]);
  for (const s of [saved, attacker]) fs.rmSync(s.root, { recursive: true, force: true });
});

const movieWith = (destination: string) =>
  `{"resolution":"custom","width":64,"height":64,"scenes":[{"duration":1,"elements":[]}],"exports":${destination.startsWith('[') ? destination : `[{"destinations":[${destination}]}]`}}`;

async function submit(destination: string) {
  const res = await fetch(`${bridge.url}/v2/movies`, { method: 'POST', headers: { 'x-api-key': renderKey, 'content-type': 'application/json' }, body: movieWith(destination) });
  return { status: res.status, body: (await res.json()) as { code?: string; details?: Array<{ path: string }> } };
}

test('a plain host/port override from a render key is 403 (the rule being protected)', async () => {
  const res = await submit(`{"id":"my-ftp","host":"127.0.0.1","port":${attacker.port}}`);
  expect([res.status, res.body.code]).toEqual([403, 'connection_override_forbidden']);
});

test.each([
  ['__proto__', (p: number) => `{"id":"my-ftp","__proto__":{"host":"127.0.0.1","port":${p}}}`, 'exports[0].destinations[0].__proto__'],
  ['constructor.prototype', (p: number) => `{"id":"my-ftp","constructor":{"prototype":{"port":${p}}}}`, 'exports[0].destinations[0].constructor'],
  ['__proto__ of the export', (p: number) => `[{"destinations":[{"id":"my-ftp"}],"__proto__":{"destinations":[{"id":"my-ftp","port":${p}}]}}]`, 'exports[0].__proto__'],
])('%s from a render key is refused (400 forbidden_key), never accepted', async (_name, dest, where) => {
  const res = await submit(dest(attacker.port));
  expect(res.status).toBe(400);
  expect(res.body.code).toBe('forbidden_key');
  expect(res.body.details?.[0].path).toBe(where);
  const rows = await bridge.services.db.selectFrom('renders').select('project').where('account_id', '=', bridge.account.id).execute();
  expect(rows).toEqual([]);
});

test('past the body check, the resolver refuses a destination whose prototype an object parse replaced', async () => {
  const viaParse: Record<string, unknown> = { id: 'my-ftp' };
  Object.setPrototypeOf(viaParse, { host: '127.0.0.1', port: attacker.port });
  const ownKey = JSON.parse(`{"id":"my-ftp","__proto__":{"port":${attacker.port}}}`) as Record<string, unknown>;
  for (const dest of [viaParse, ownKey]) {
    const movie = { scenes: [{ duration: 1, elements: [] }], exports: [{ destinations: [dest] }] };
    await expect(resolveMovieConnections(bridge.services, bridge.account.id, movie, new Set(['movies:create']))).rejects.toMatchObject({ status: 400, code: 'forbidden_key' });
  }
});

test('delivery merges own fields only: the saved FTP server receives the file, the one in the prototype nothing', async () => {
  const dir = tempDir('proto-src');
  const file = path.join(dir, 'render.mp4');
  fs.writeFileSync(file, randomBytes(4096));
  const savedConfig = { type: 'ftp', host: '127.0.0.1', port: saved.port, username: creds.username, password: creds.password };
  // What an object parse makes of {"id":"my-ftp","__proto__":{…}}: the fields sit in the prototype.
  const dest: Record<string, unknown> = { id: 'my-ftp', 'remote-path': '/out' };
  Object.setPrototypeOf(dest, { host: '127.0.0.1', port: attacker.port, type: 'ftp' });
  const ownKey = JSON.parse(`{"id":"my-ftp","remote-path":"/out2","__proto__":{"port":${attacker.port}}}`) as Record<string, unknown>;
  try {
    for (const d of [dest, ownKey]) {
      const merged = mergeDestination(savedConfig, d);
      expect(merged.port).toBe(saved.port);
      expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
      const outcome = await deliverTo('ftp', { file, project: 'prj_proto', config: merged, path: 'exports[0].destinations[0]', retryDelaysMs: [], allowPrivateHosts: true });
      expect(outcome).toMatchObject({ status: 'done', target: expect.stringContaining(`:${saved.port}/`) });
    }
    expect(fs.readdirSync(path.join(saved.root, 'out'))).toHaveLength(1);
    expect(fs.readdirSync(path.join(saved.root, 'out2'))).toHaveLength(1);
    expect(attacker.logins).toBe(0);
    expect(fs.readdirSync(attacker.root)).toEqual([]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
