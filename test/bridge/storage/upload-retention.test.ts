/**
 * Upload retention on a real bridge (SQLite, local storage): an upload unused for
 * REELAY_UPLOAD_RETENTION_DAYS goes with its file; one a pending or running render names, or a render
 * made within the period, stays; 0 days keeps everything.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sweepExpiredUploads } from '../../../bridge/src/uploads/retention';
import { startBridge, type TestBridge } from '../../helpers/bridge';

let bridge: TestBridge;
let png: Buffer;
let tmp: string;

beforeAll(async () => {
  bridge = await startBridge();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'reelay-upload-retention-'));
  const file = path.join(tmp, 'red.png');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=red:s=32x32', '-frames:v', '1', file]);
  png = readFileSync(file);
});
afterAll(async () => {
  await bridge?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

async function upload(): Promise<{ id: string; key: string }> {
  const res = await fetch(`${bridge.url}/v2/uploads?name=red.png`, { method: 'POST', headers: { 'x-api-key': bridge.primaryKey, 'content-type': 'application/octet-stream' }, body: new Uint8Array(png) });
  expect(res.status).toBe(201);
  const { upload: up } = (await res.json()) as { upload: { id: string } };
  const row = await bridge.services.db.selectFrom('uploads').select('storage_key').where('id', '=', up.id).executeTakeFirstOrThrow();
  return { id: up.id, key: row.storage_key };
}

test('unused uploads go with their files; those a waiting or recent render names stay', async () => {
  const { db } = bridge.services;
  const { storage } = bridge.services.pipeline;
  const unused = await upload();
  const named = await upload();
  // No renderer runs here: the render naming `named` stays pending.
  const movie = { resolution: 'custom', width: 64, height: 64, scenes: [{ duration: 1, elements: [{ type: 'image', src: `reelay://uploads/${named.id}` }] }] };
  const res = await bridge.request('POST', '/v2/movies', { key: bridge.primaryKey, body: movie });
  expect(res.status).toBe(200);
  const sweep = (days: number, now = Date.now()) => sweepExpiredUploads({ db, storage, retentionDays: days, now });

  expect(await sweep(30)).toBe(0);
  expect(await sweep(0, Date.now() + 400 * 24 * 3600 * 1000)).toBe(0);
  const in40Days = Date.now() + 40 * 24 * 3600 * 1000;
  expect(await sweep(30, in40Days)).toBe(1);
  expect(await storage.stat(unused.key)).toBeNull();
  expect(await db.selectFrom('uploads').select('id').where('id', '=', unused.id).executeTakeFirst()).toBeUndefined();
  expect(await storage.stat(named.key)).not.toBeNull();

  // Ended, but made within the period (counted from `now`): still kept.
  await db.updateTable('renders').set({ status: 'done' }).where('project', '=', res.body.project).execute();
  expect(await sweep(30, Date.now() + 20 * 24 * 3600 * 1000)).toBe(0);
  // Ended and old: the upload goes too.
  expect(await sweep(30, in40Days)).toBe(1);
  expect(await storage.stat(named.key)).toBeNull();
  expect((await bridge.request('GET', '/v2/uploads', { key: bridge.primaryKey })).body.count).toBe(0);
});
