/**
 * The S3 storage driver against a real S3-protocol server on loopback (s3rver): SigV4 signatures,
 * multipart uploads, presigned GETs and their expiry, range reads, copies, listings and deletes.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { S3Storage } from '../../../bridge/src/storage/s3';
import { startS3, type TestS3 } from '../../helpers/s3';

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let s3: TestS3;
let storage: S3Storage;
let tmp: string;

beforeAll(async () => {
  s3 = await startS3();
  storage = new S3Storage(s3.settings);
  tmp = mkdtempSync(path.join(os.tmpdir(), 'reelay-s3-test-'));
});

afterAll(async () => {
  storage?.close();
  await s3?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('put, stat, read whole and by range, copy, list and delete', async () => {
  const data = Buffer.from('0123456789abcdefghij');
  const stored = await storage.put('renders/acc/p1/movie.mp4', data);
  expect(stored.size).toBe(20);
  const st = await storage.stat('renders/acc/p1/movie.mp4');
  expect(st?.size).toBe(20);
  expect(st!.modifiedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  expect((await bytesOf(await storage.read('renders/acc/p1/movie.mp4'))).toString()).toBe('0123456789abcdefghij');
  // HTTP ranges are inclusive: bytes 5-9 are five bytes.
  expect((await bytesOf(await storage.read('renders/acc/p1/movie.mp4', { start: 5, end: 9 }))).toString()).toBe('56789');
  await storage.copy('renders/acc/p1/movie.mp4', 'renders/acc/p2/movie.mp4');
  await storage.put('renders/acc/p1/movie.jpg', Buffer.from('jpeg'));
  expect((await storage.list('renders/acc/p1')).map((o) => o.key).sort()).toEqual(['renders/acc/p1/movie.jpg', 'renders/acc/p1/movie.mp4']);
  // A prefix is a folder: p1 does not match p10.
  await storage.put('renders/acc/p10/x.mp4', Buffer.from('x'));
  await storage.deletePrefix('renders/acc/p1');
  expect(await storage.list('renders/acc/p1')).toEqual([]);
  expect(await storage.stat('renders/acc/p10/x.mp4')).not.toBeNull();
  expect((await bytesOf(await storage.read('renders/acc/p2/movie.mp4'))).toString()).toBe('0123456789abcdefghij');
  await storage.delete('renders/acc/p2/movie.mp4');
  expect(await storage.stat('renders/acc/p2/movie.mp4')).toBeNull();
  // Deleting what is not there is not an error.
  await storage.delete('renders/acc/p2/movie.mp4');
});

test('a large file goes up in parts and comes back identical', async () => {
  // 16 MiB parts: 37 MiB is three parts, the last one short.
  const data = randomBytes(37 * 1024 * 1024);
  const file = path.join(tmp, 'big.mp4');
  writeFileSync(file, data);
  await storage.putFile('renders/acc/big/movie.mp4', file);
  expect((await storage.stat('renders/acc/big/movie.mp4'))?.size).toBe(data.length);
  expect(sha(await bytesOf(await storage.read('renders/acc/big/movie.mp4')))).toBe(sha(data));
  // s3rver keeps an upload's parts apart from the object only while it is unfinished: none left over.
  const tail = await bytesOf(await storage.read('renders/acc/big/movie.mp4', { start: data.length - 10, end: data.length - 1 }));
  expect(tail.equals(data.subarray(data.length - 10))).toBe(true);
  await storage.deletePrefix('renders/acc/big');
}, 60_000);

test('presigned GETs read without credentials, honour Range and type, and stop at their expiry', async () => {
  await storage.put('uploads/acc/upl_1.png', Buffer.from('not really a png'));
  const url = await storage.signedUrl('uploads/acc/upl_1.png', { expiresInSeconds: 2, audience: 'internal', contentType: 'image/png', fileName: 'upl_1.png' });
  expect(url.startsWith(`${s3.endpoint}/${s3.bucket}/uploads/acc/upl_1.png?`)).toBe(true);
  expect(url).toContain('X-Amz-Signature=');
  const whole = await fetch(url);
  expect(whole.status).toBe(200);
  expect(whole.headers.get('content-type')).toBe('image/png');
  expect(await whole.text()).toBe('not really a png');
  const part = await fetch(url, { headers: { Range: 'bytes=4-9' } });
  expect(part.status).toBe(206);
  expect(await part.text()).toBe('really');
  // A tampered signature is refused.
  const forged = url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
  expect((await fetch(forged)).status).toBe(403);
  // SigV4 expiry is whole seconds from the signing time.
  await new Promise((r) => setTimeout(r, 3200));
  expect((await fetch(url)).status).toBe(403);
});

test('a wrong secret is refused by the server, and the secret appears in no error', async () => {
  const secret = 'wrong-secret-value-for-the-test-1234';
  const bad = new S3Storage({ ...s3.settings, secretAccessKey: secret });
  try {
    const err = await bad.put('uploads/acc/x.png', Buffer.from('x')).then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error & { name: string }).name).toBe('SignatureDoesNotMatch');
    const text = `${(err as Error).message}\n${(err as Error).stack}\n${JSON.stringify(err)}`;
    expect(text).not.toContain(secret);
  } finally {
    bad.close();
  }
  expect(await storage.stat('uploads/acc/x.png')).toBeNull();
});

test('unsafe keys are refused before any request', async () => {
  await expect(storage.put('../etc/passwd', Buffer.from('x'))).rejects.toThrow('unsafe storage key');
  await expect(storage.signedUrl('a//b', { expiresInSeconds: 60, audience: 'public' })).rejects.toThrow('unsafe storage key');
});
