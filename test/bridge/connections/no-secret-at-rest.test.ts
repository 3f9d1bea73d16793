/**
 * After a real render that uses connections (an ElevenLabs voice and a fal image from a stand-in of
 * their APIs on loopback, reached through the connections' baseUrl; FTP, SFTP and SMTP destinations
 * on loopback), dump everything the system keeps — every table of the
 * store, every Redis key of this test's prefix (DUMP and typed reads), every captured log line —
 * and check that no secret appears in clear. Also checks the render itself: delivered bytes and the
 * recorded export outcomes.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { configureProviders } from '../../../renderer/src/providers';
import type { TestBridge } from '../../helpers/bridge';
import { startLivePipeline } from '../../nodes/helpers/live-pipeline';
import { startFtpServer, startSftpServer, startSmtpServer } from '../../renderer/destinations/servers';

const secrets = {
  eleven: `sk_${randomBytes(20).toString('hex')}`,
  fal: `${randomBytes(8).toString('hex')}:${randomBytes(16).toString('hex')}`,
  ftp: `ftp-pw-${randomBytes(10).toString('hex')}`,
  sftp: `sftp-pw-${randomBytes(10).toString('hex')}`,
  smtp: `smtp-pw-${randomBytes(10).toString('hex')}`,
  inlineSftp: `inline-pw-${randomBytes(10).toString('hex')}`,
  refusedFal: `${randomBytes(8).toString('hex')}:refused${randomBytes(12).toString('hex')}`,
};

let bridge: TestBridge;
let ftp: Awaited<ReturnType<typeof startFtpServer>>;
let sftp: Awaited<ReturnType<typeof startSftpServer>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let sftpInline: Awaited<ReturnType<typeof startSftpServer>>;
let providers: http.Server;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reelay-leak-'));

beforeAll(async () => {
  ftp = await startFtpServer({ username: 'ftpuser', password: secrets.ftp });
  sftp = await startSftpServer({ username: 'sftpuser', password: secrets.sftp });
  sftpInline = await startSftpServer({ username: 'inline', password: secrets.inlineSftp });
  smtp = await startSmtpServer({ username: 'mailer', password: secrets.smtp });
  configureProviders({ pollInitialMs: 5, pollMaxMs: 20, cacheDir: path.join(tmp, 'voice') });
  process.env.REELAY_DESTINATION_RETRY_SCHEDULE = '0.05,0.1';
  bridge = await startLivePipeline({ env: { REELAY_LOG_LEVEL: 'debug' } });
});

afterAll(async () => {
  await bridge?.stop();
  await new Promise((r) => providers?.close(r));
  await Promise.all([ftp.close(), sftp.close(), sftpInline.close(), smtp.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});

function mediaFixtures(): { mp3: Buffer; png: Buffer } {
  const mp3 = path.join(tmp, 'voice.mp3');
  const png = path.join(tmp, 'image.png');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=0.6', '-c:a', 'libmp3lame', mp3]);
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=red:s=64x64', '-frames:v', '1', png]);
  return { mp3: fs.readFileSync(mp3), png: fs.readFileSync(png) };
}

async function waitForRender(project: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const res = await bridge.request('GET', `/v2/movies?project=${project}`, { key: bridge.primaryKey });
    if (res.body?.movie?.status === 'done' || res.body?.movie?.status === 'error') return res.body.movie;
    if (Date.now() > deadline) throw new Error(`render ${project} did not finish: ${JSON.stringify(res.body)}\n${bridge.logs.filter((l) => !l.includes('"msg":"request"')).slice(-25).join('')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function dumpDatabase(): Promise<string> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(bridge.services.db);
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(bridge.services.db);
    parts.push(`${name}: ${JSON.stringify(rows.rows)}`);
  }
  return parts.join('\n');
}

async function dumpRedis(): Promise<string> {
  const redis = new Redis(bridge.config.redisUrl);
  try {
    const keys = await redis.keys(`${bridge.config.queuePrefix}:*`);
    const parts: string[] = [];
    for (const key of keys) {
      const dump = await redis.dumpBuffer(key);
      parts.push(`${key} DUMP ${dump?.toString('latin1') ?? ''}`);
      // DUMP may compress long strings (LZF): read values by type too.
      const type = await redis.type(key);
      if (type === 'string') parts.push(String(await redis.get(key)));
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
      else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
    return parts.join('\n');
  } finally {
    redis.disconnect();
  }
}

async function assertNoSecretInClear(project: string, status: string): Promise<void> {
  const db = await dumpDatabase();
  const redis = await dumpRedis();
  const logs = bridge.logs.join('\n');
  // The dumps really hold the vault, the connections and the render.
  expect(db).toContain('enc:v1:');
  expect(db).toContain('ftpuser');
  expect(redis).toContain(project);
  expect(redis.length).toBeGreaterThan(0);
  expect(logs).toContain('destination delivered');
  for (const [name, secret] of Object.entries(secrets)) {
    for (const [where, text] of Object.entries({ db, redis, logs, status })) {
      if (text.includes(secret)) throw new Error(`secret ${name} found in clear in ${where}`);
    }
  }
}

/** ElevenLabs' and fal's request/answer shapes (see test/renderer/providers), served on loopback. */
async function startProviders(mp3: Buffer, png: Buffer): Promise<{ base: string; auth: string[] }> {
  const auth: string[] = [];
  providers = http.createServer((req, res) => {
    const json = (body: unknown): void => void (res.setHeader('content-type', 'application/json'), res.end(JSON.stringify(body)));
    req.resume();
    if (req.method === 'POST' && req.url?.startsWith('/v1/text-to-speech/')) {
      auth.push(String(req.headers['xi-api-key']));
      res.setHeader('content-type', 'audio/mpeg');
      return void res.end(mp3);
    }
    if (req.url?.startsWith('/fal-ai/')) auth.push(String(req.headers.authorization));
    if (req.headers.authorization === `Key ${secrets.refusedFal}`) {
      res.statusCode = 401;
      return json({ detail: `Invalid key ${secrets.refusedFal}` }); // some APIs echo the key: it must be redacted
    }
    if (req.method === 'POST' && req.url === '/fal-ai/flux/schnell') return json({ request_id: 'req-1' });
    if (req.url === '/fal-ai/flux/schnell/requests/req-1/status') return json({ status: 'COMPLETED' });
    if (req.url === '/fal-ai/flux/schnell/requests/req-1') return json({ images: [{ url: `${base}/files/out.png` }] });
    if (req.url === '/files/out.png') return void res.end(png);
    res.statusCode = 404;
    return void res.end();
  });
  await new Promise<void>((r) => providers.listen(0, '127.0.0.1', () => r()));
  const base = `http://127.0.0.1:${(providers.address() as AddressInfo).port}`;
  return { base, auth };
}

test('a render with connections leaves no secret in clear in the store, Redis or the logs', async () => {
  const { mp3, png } = mediaFixtures();
  const { base, auth } = await startProviders(mp3, png);
  const key = bridge.primaryKey;
  const create = async (body: Record<string, unknown>) => {
    const res = await bridge.request('POST', '/v2/connections', { key, body });
    expect(res.status).toBe(201);
  };
  await create({ id: 'voice-el', type: 'elevenlabs', apiKey: secrets.eleven, baseUrl: base });
  await create({ id: 'img-fal', type: 'fal', apiKey: secrets.fal, baseUrl: base });
  await create({ id: 'out-ftp', type: 'ftp', host: '127.0.0.1', port: ftp.port, username: 'ftpuser', password: secrets.ftp, 'remote-path': '/renders' });
  await create({ id: 'out-sftp', type: 'sftp', host: '127.0.0.1', port: sftp.port, username: 'sftpuser', password: secrets.sftp, hostFingerprint: sftp.hostKeyFingerprint });
  await create({ id: 'out-mail', type: 'email', host: '127.0.0.1', port: smtp.port, username: 'mailer', password: secrets.smtp, from: 'reelay@example.com', to: 'client@example.com' });

  const movie = {
    resolution: 'custom',
    width: 160,
    height: 90,
    scenes: [
      {
        duration: 1,
        'background-color': '#000000',
        elements: [
          { type: 'voice', model: 'elevenlabs', connection: 'voice-el', voice: '21m00Tcm4TlvDq8ikWAM', text: 'Nothing to see here' },
          { type: 'image', model: 'fal', connection: 'img-fal', prompt: 'a red square', width: 64, height: 64 },
        ],
      },
    ],
    exports: [
      {
        destinations: [
          { id: 'out-ftp', file: 'leak-__project__.mp4' },
          { id: 'out-sftp', 'remote-path': '/customer/__yyyy__' },
          { id: 'out-mail', subject: 'Render __project__' },
          // Fully inline, JSON2Video style: the password must not survive in the stored movie.
          { type: 'sftp', host: '127.0.0.1', port: sftpInline.port, username: 'inline', password: secrets.inlineSftp, file: 'inline.mp4' },
        ],
      },
    ],
  };
  const res = await bridge.request('POST', '/v2/movies', { key, body: movie });
  expect(res.status).toBe(200);
  const project: string = res.body.project;
  const status = await waitForRender(project);
  expect(status).toMatchObject({ status: 'done' });
  // Elements are materialised concurrently: compare as a set of calls.
  expect([...auth].sort()).toEqual([secrets.eleven, `Key ${secrets.fal}`, `Key ${secrets.fal}`, `Key ${secrets.fal}`].sort());

  // The bytes that arrived are the rendered movie.
  const rendered = await bridge.services.db.selectFrom('renders').selectAll().where('project', '=', project).executeTakeFirstOrThrow();
  const file = path.join(bridge.services.pipeline.storage.localPath(bridge.services.pipeline.prefixOf(rendered))!, path.basename(rendered.file_key!));
  const bytes = fs.readFileSync(file);
  expect(fs.readFileSync(path.join(ftp.root, 'renders', `leak-${project}.mp4`)).equals(bytes)).toBe(true);
  const year = String(new Date().getUTCFullYear());
  expect(fs.readFileSync(path.join(sftp.root, 'customer', year, `${project}.mp4`)).equals(bytes)).toBe(true);
  expect(fs.readFileSync(path.join(sftpInline.root, 'inline.mp4')).equals(bytes)).toBe(true);
  expect(smtp.messages).toHaveLength(1);
  expect(smtp.messages[0].subject).toBe(`Render ${project}`);
  expect(Buffer.compare(smtp.messages[0].attachments[0].content, bytes)).toBe(0);
  const exports = JSON.stringify(status);
  // Each destination's outcome, as the renderer reported it (targets name hosts and paths only).
  const outcomes = bridge.logs.filter((l) => l.includes('"msg":"destination delivered"')).map((l) => JSON.parse(l));
  expect(outcomes.map((o) => [o.path, o.type, o.status])).toEqual([
    ['exports[0].destinations[0]', 'ftp', 'done'],
    ['exports[0].destinations[1]', 'sftp', 'done'],
    ['exports[0].destinations[2]', 'email', 'done'],
    ['exports[0].destinations[3]', 'sftp', 'done'],
  ]);
  expect(outcomes[0].target).toBe(`ftp://127.0.0.1:${ftp.port}/renders/leak-${project}.mp4`);

  await assertNoSecretInClear(project, exports);
});

test('a provider refusing the key fails the render naming the element and the reason, never the key', async () => {
  const key = bridge.primaryKey;
  const base = (await bridge.request('GET', '/v2/connections/img-fal', { key })).body.connection.baseUrl as string;
  expect((await bridge.request('POST', '/v2/connections', { key, body: { id: 'img-refused', type: 'fal', apiKey: secrets.refusedFal, baseUrl: base } })).status).toBe(201);
  const res = await bridge.request('POST', '/v2/movies', {
    key,
    body: {
      resolution: 'custom',
      width: 160,
      height: 90,
      scenes: [{ duration: 1, elements: [{ type: 'text', text: 'x' }, { type: 'image', model: 'fal', connection: 'img-refused', prompt: 'a blue square' }] }],
    },
  });
  expect(res.status).toBe(200);
  const status = await waitForRender(res.body.project);
  expect(status.status).toBe('error');
  expect(status.message).toMatch(/scenes\[0\]\.elements\[1\]\): fal refused the credentials \(HTTP 401: Invalid key \*\*\*\)/);
  await assertNoSecretInClear(res.body.project, JSON.stringify(status));
});
