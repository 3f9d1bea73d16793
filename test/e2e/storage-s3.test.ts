/**
 * REELAY_STORAGE=s3 on real processes: a bridge and a renderer that share Redis, the store and a
 * bucket (s3rver on loopback behind a SigV4 verifier), and no directory. An upload reaches the renderer
 * as a presigned URL on the loopback bucket (trusted as the bucket's origin while private URLs stay
 * refused), the movie and poster land in the bucket, `/files` links stream them with ranges or redirect
 * to the bucket, and retention removes the objects of expired renders and unused uploads.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openDb } from '../../bridge/src/store/db';
import { sweepExpiredRenders } from '../../bridge/src/renders/retention';
import { sweepExpiredUploads } from '../../bridge/src/uploads/retention';
import { S3Storage } from '../../bridge/src/storage/s3';
import { startS3, type TestS3 } from '../helpers/s3';
import { createInstall, freePort, tinyMovie, type Install } from './harness';

let s3: TestS3;
let install: Install;
let storage: S3Storage;

beforeAll(async () => {
  s3 = await startS3();
  storage = new S3Storage(s3.settings);
  install = await createInstall({
    ...s3.env,
    // Private addresses stay refused: only the bucket's own origin is trusted for presigned inputs.
    REELAY_ALLOW_PRIVATE_URLS: 'false',
    REELAY_JWT_SECRET: 'a-jwt-secret-shared-by-bridge-and-renderer-0123456789',
    REELAY_ENCRYPTION_KEY: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
  });
  install.env.DATABASE_URL = `sqlite:${path.join(install.dir, 'store', 'reelay.db')}`;
  await install.spawn('bridge');
  // Its own data directory: nothing on disk is shared with the bridge.
  await install.spawn('renderer', { REELAY_DATA_DIR: path.join(install.dir, 'renderer-data') });
}, 90_000);

afterAll(async () => {
  await install?.stop();
  storage?.close();
  await s3?.stop();
});

function ffprobe(file: string) {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,width,height', '-of', 'json', file]).toString();
  return JSON.parse(out) as { streams: Array<{ codec_type: string; width?: number; height?: number }> };
}

test('an upload in, a movie out: both through the bucket, downloads streamed with Range', async () => {
  const png = path.join(install.dir, 'red.png');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=red:s=64x64', '-frames:v', '1', png]);
  const up = await fetch(`${install.url}/v2/uploads?name=red.png`, {
    method: 'POST',
    headers: { 'x-api-key': install.key, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(readFileSync(png)),
  });
  expect(up.status).toBe(201);
  const { upload } = (await up.json()) as { upload: { id: string } };
  const uploadKeys = (await storage.list(`uploads`)).map((o) => o.key);
  expect(uploadKeys.some((k) => k.includes(upload.id))).toBe(true);

  // The bucket's origin is trusted for the presigned URLs the bridge hands out, not for URLs in movies.
  const direct = await install.api('POST', '/v2/movies', { body: tinyMovie('x', 1, { scenes: [{ duration: 1, elements: [{ type: 'image', src: `${s3.endpoint}/${s3.bucket}/${uploadKeys[0]}` }] }] }) });
  expect(direct.status).toBe(400);
  expect(direct.body.code).toBe('forbidden_url');

  const movie = tinyMovie('s3', 1, { scenes: [{ duration: 1, elements: [{ type: 'image', src: `reelay://uploads/${upload.id}` }] }] });
  const res = await install.api('POST', '/v2/movies', { body: movie });
  expect(res.status).toBe(200);
  const done = await install.waitFor(res.body.project, ['done', 'error'], 90_000);
  expect(done).toMatchObject({ status: 'done', width: 160, height: 90 });

  const objects = await storage.list('renders');
  const mine = objects.filter((o) => o.key.includes(res.body.project)).map((o) => path.posix.basename(o.key)).sort();
  expect(mine).toEqual([`${res.body.project}.jpg`, `${res.body.project}.mp4`]);
  // Neither the bridge's nor the renderer's data directory holds the movie.
  for (const dir of ['data', 'renderer-data']) {
    const storageDir = path.join(install.dir, dir, 'storage');
    expect(existsSync(storageDir) ? readdirSync(storageDir, { recursive: true }).filter((f) => String(f).endsWith('.mp4')) : []).toEqual([]);
  }
  expect(readdirSync(path.join(install.dir, 'renderer-data', 'outputs'))).toEqual([]);

  const whole = await fetch(done.url);
  expect(whole.status).toBe(200);
  expect(whole.headers.get('content-type')).toBe('video/mp4');
  const bytes = Buffer.from(await whole.arrayBuffer());
  expect(bytes.length).toBe(done.size);
  const file = path.join(install.dir, 'out.mp4');
  writeFileSync(file, bytes);
  expect(ffprobe(file).streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 160, height: 90 });
  const part = await fetch(done.url, { headers: { Range: 'bytes=4-11' } });
  expect(part.status).toBe(206);
  expect(part.headers.get('content-range')).toBe(`bytes 4-11/${done.size}`);
  expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(4, 12))).toBe(true);
  // The frame is red: the image came through the presigned URL.
  const poster = Buffer.from(await (await fetch(done.poster)).arrayBuffer());
  const rgb = execFileSync('ffmpeg', ['-v', 'error', '-i', 'pipe:0', '-vf', 'scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], { input: poster });
  expect(rgb[0]).toBeGreaterThan(200);
  expect(rgb[1]).toBeLessThan(60);

  // REELAY_S3_DOWNLOADS=redirect: the link answers with a presigned bucket URL, which serves ranges too.
  const port = await freePort();
  await install.spawn('bridge', { PORT: String(port), REELAY_S3_DOWNLOADS: 'redirect', REELAY_PUBLIC_URL: `http://127.0.0.1:${port}` });
  const redirected = await fetch(done.url.replace(install.url, `http://127.0.0.1:${port}`), { redirect: 'manual' });
  expect(redirected.status).toBe(302);
  const location = redirected.headers.get('location')!;
  expect(location.startsWith(`${s3.endpoint}/${s3.bucket}/renders/`)).toBe(true);
  expect(location).toContain('X-Amz-Signature=');
  const fromBucket = await fetch(location, { headers: { Range: 'bytes=4-11' } });
  expect(fromBucket.status).toBe(206);
  expect(fromBucket.headers.get('content-type')).toBe('video/mp4');
  expect(Buffer.from(await fromBucket.arrayBuffer()).equals(bytes.subarray(4, 12))).toBe(true);

  // Retention: an expired render's objects and an unused upload's object go; the rows stay readable.
  const db = openDb({ kind: 'sqlite', file: path.join(install.dir, 'store', 'reelay.db') });
  try {
    const in40Days = Date.now() + 40 * 24 * 3600 * 1000;
    expect(await sweepExpiredRenders({ db, storage, retentionDays: 7, now: in40Days })).toBeGreaterThan(0);
    expect((await storage.list('renders')).filter((o) => o.key.includes(res.body.project))).toEqual([]);
    expect(await sweepExpiredUploads({ db, storage, retentionDays: 30, now: Date.now() })).toBe(0);
    expect(await sweepExpiredUploads({ db, storage, retentionDays: 30, now: in40Days })).toBe(1);
    expect((await storage.list('uploads')).some((o) => o.key.includes(upload.id))).toBe(false);
  } finally {
    await db.destroy();
  }
  expect((await fetch(done.url)).status).toBe(404);
}, 150_000);
