/** Probe results survive the process (on disk under the cache directory) and follow file changes. */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tmpDir } from './helpers';

const dir = tmpDir('probe-cache');
const cacheDir = path.join(dir, 'cache');
const tone = (seconds: number, file: string) =>
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `sine=f=440:d=${seconds}`, file]);
/** A fresh copy of the module: its in-memory memo is empty, as in a new process. */
const freshProbeCached = async () => {
  let mod: typeof import('../../renderer/src/normalise/probe-cache') | undefined;
  await jest.isolateModulesAsync(async () => {
    mod = await import('../../renderer/src/normalise/probe-cache');
  });
  return mod!.probeCached;
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a second process reads the probe from disk instead of running ffprobe', async () => {
  const file = path.join(dir, 'a.wav');
  tone(1, file);
  const first = await (await freshProbeCached())(file, cacheDir);
  expect(first).toMatchObject({ hasAudio: true, hasVideo: false });
  expect(first.duration).toBeCloseTo(1, 1);
  const entries = readdirSync(path.join(cacheDir, 'probes'));
  expect(entries).toHaveLength(1);
  // Mark the entry: only a result read from disk can carry this duration.
  const entry = path.join(cacheDir, 'probes', entries[0]);
  writeFileSync(entry, JSON.stringify({ ...JSON.parse(readFileSync(entry, 'utf8')), duration: 123 }));
  expect((await (await freshProbeCached())(file, cacheDir)).duration).toBe(123);
});

test('a changed file is probed again, and an unreadable entry is ignored', async () => {
  const file = path.join(dir, 'b.wav');
  tone(1, file);
  const probeCached = await freshProbeCached();
  expect((await probeCached(file, cacheDir)).duration).toBeCloseTo(1, 1);
  tone(2, file);
  expect((await probeCached(file, cacheDir)).duration).toBeCloseTo(2, 1);
  for (const e of readdirSync(path.join(cacheDir, 'probes'))) writeFileSync(path.join(cacheDir, 'probes', e), '{not json');
  expect((await (await freshProbeCached())(file, cacheDir)).duration).toBeCloseTo(2, 1);
});
