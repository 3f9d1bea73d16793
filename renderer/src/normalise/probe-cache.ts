/**
 * ffprobe results by file identity (path, size, mtime, inode), kept in memory and on disk under the
 * shared cache directory. A worker renders the same assets again and again (templates, music beds,
 * logos), and every `reelay render` is a new process: ffprobe costs 30–60 ms per input, which on a
 * twelve-image slideshow is half a second before ffmpeg starts.
 * A changed file gets a new identity, so a stale entry is never used; entries are written atomically.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { probe, type ProbeResult } from '../run/ffmpeg';

const memo = new Map<string, ProbeResult>();
const MEMO_SIZE = 1000;
/** Bumped when ProbeResult changes shape, so entries written by an older version are ignored. */
const FORMAT = 1;

export async function probeCached(file: string, cacheDir: string): Promise<ProbeResult> {
  const st = await fs.stat(file);
  const identity = `${FORMAT}|${path.resolve(file)}|${st.size}|${st.mtimeMs}|${st.ino}`;
  const hit = memo.get(identity);
  if (hit) return hit;
  const entry = path.join(cacheDir, 'probes', `${createHash('sha256').update(identity).digest('hex')}.json`);
  let result = await readEntry(entry);
  if (!result) {
    result = await probe(file);
    await writeEntry(entry, result);
  }
  if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value!);
  memo.set(identity, result);
  return result;
}

async function readEntry(entry: string): Promise<ProbeResult | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(entry, 'utf8')) as ProbeResult;
    return typeof parsed.duration === 'number' && typeof parsed.hasVideo === 'boolean' ? parsed : undefined;
  } catch {
    return undefined; // missing or unreadable: probe again
  }
}

async function writeEntry(entry: string, result: ProbeResult): Promise<void> {
  try {
    await fs.mkdir(path.dirname(entry), { recursive: true });
    const tmp = `${entry}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(result));
    await fs.rename(tmp, entry);
  } catch {
    // a cache that can not be written only costs the next render a probe
  }
}
