/**
 * Segments of a long movie wait in storage for their join, which removes them. A movie whose renderer
 * died for good never joins: the retention sweep removes its segments once none was written for
 * longer than any movie (with its restarts) may run, and leaves the others alone.
 */
import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalStorage } from '../../../bridge/src/storage';
import { segmentsLifetimeMs, sweepAbandonedSegments } from '../../../bridge/src/renders/retention';
import { segmentsPrefix } from '../../../renderer/src/segments/queue';
import { storeFile } from '../../../renderer/src/segments/storage';

let dir: string;
let storage: LocalStorage;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-segments-retention-'));
  storage = new LocalStorage(path.join(dir, 'storage'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('segments never joined are removed after their lifetime; a movie still writing some keeps all', async () => {
  const lifetime = segmentsLifetimeMs(900);
  expect(lifetime).toBe(24 * 3600_000); // the day is longer than four 15-minute tries
  expect(segmentsLifetimeMs(12 * 3600)).toBe(4 * 12 * 3600_000);
  const put = async (project: string, index: number, ageMs: number) => {
    const key = `${segmentsPrefix(project)}/${index}.mp4`;
    await storage.put(key, Buffer.from('segment'));
    const t = (Date.now() - ageMs) / 1000;
    utimesSync(storage.localPath(key)!, t, t);
    return key;
  };
  const abandoned = [await put('dead-movie', 0, lifetime + 60_000), await put('dead-movie', 1, lifetime + 30_000)];
  const slow = [await put('slow-movie', 0, lifetime + 60_000), await put('slow-movie', 1, 5_000)];
  await storeFile(storage, `${segmentsPrefix('fresh-movie')}/0.mp4`, __filename);
  const other = await storage.put('renders/acc/dead-movie/dead-movie.mp4', Buffer.from('a movie'));
  const t = (Date.now() - 2 * lifetime) / 1000;
  utimesSync(storage.localPath(other.key)!, t, t);

  expect(await sweepAbandonedSegments({ storage, olderThanMs: lifetime })).toBe(1);
  for (const key of abandoned) expect(await storage.stat(key)).toBeNull();
  for (const key of slow) expect(await storage.stat(key)).not.toBeNull();
  expect(await storage.stat(`${segmentsPrefix('fresh-movie')}/0.mp4`)).not.toBeNull();
  expect(await storage.stat(other.key)).not.toBeNull(); // a render's own files are retention's other rule
  expect(await sweepAbandonedSegments({ storage, olderThanMs: lifetime })).toBe(0);
});
