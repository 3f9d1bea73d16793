/**
 * Render work directories (`<tmp>/reelay-render-*`): made per render, removed when it ends. A process
 * that dies mid-render (kill -9, out of memory) leaves its directory behind; a worker sweeps those at
 * start and now and then: old enough that no render could still be using them, and whose owner
 * process (written in `.owner` when the directory is made) is gone.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'reelay-render-';
const OWNER_FILE = '.owner';

/** Makes a render's work directory under the system temp dir and marks it with this process's id. */
export async function makeWorkDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `${PREFIX}${randomBytes(3).toString('hex')}-`));
  try {
    await fs.writeFile(path.join(dir, OWNER_FILE), `${process.pid} ${os.hostname()}\n`);
  } catch (err) {
    await fs.rm(dir, { recursive: true, force: true });
    throw err;
  }
  return dir;
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the directory's owner is a live process on this host (its `.owner` file says who). */
async function inUse(dir: string): Promise<boolean> {
  let owner: string;
  try {
    owner = await fs.readFile(path.join(dir, OWNER_FILE), 'utf8');
  } catch {
    return false;
  }
  const [pid, host] = owner.trim().split(/\s+/);
  if (host !== undefined && host !== os.hostname()) return true; // a shared /tmp: not ours to judge
  return Number(pid) !== process.pid ? alive(Number(pid)) : true;
}

/**
 * Removes `reelay-render-*` directories not touched for `olderThanMs` whose owner process is gone.
 * Returns the paths removed. Never throws.
 */
export async function sweepStaleWorkDirs(olderThanMs: number, now = Date.now(), tmp = os.tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fs.readdir(tmp);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(tmp, name);
    try {
      const st = await fs.lstat(dir);
      if (!st.isDirectory() || now - st.mtimeMs < olderThanMs) continue;
      if (await inUse(dir)) continue;
      await fs.rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}
