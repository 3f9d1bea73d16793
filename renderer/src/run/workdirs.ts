/**
 * Render work directories (`<tmp>/reelay-render-*`): made per render, removed when it ends. A process
 * that dies mid-render (kill -9, out of memory) leaves its directory behind; a worker sweeps those at
 * start and now and then: old enough that no render could still be using them, and whose owner
 * process (written in `.owner` when the directory is made) is gone.
 *
 * The HTML engine's Chromium leaves the same kind of litter: Playwright makes its profile folder
 * (`playwright_chromiumdev_profile-*`) in the temp dir and removes it when it sees its browser exit,
 * so a renderer killed outright (kill -9, out of memory) leaves it behind: its Chromium exits when
 * the pipe to it closes. A running Chromium holds its profile's `SingletonLock` link (`host-pid`) and
 * removes it on exit; a profile with no lock, or with a dead owner, is abandoned once older than a
 * browser's launch. (Its artifacts folder is a work dir of ours: html/browser.ts.) A Chromium killed
 * outright also leaves its singleton socket's folder (`org.chromium.Chromium.*`, which its profile's
 * `SingletonSocket` link points into) even when Playwright removed the profile: it is abandoned when
 * nothing listens on the socket any more.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const PREFIX = 'reelay-render-';
const OWNER_FILE = '.owner';
const CHROMIUM_PROFILE_PREFIX = 'playwright_chromiumdev_profile-';
const CHROMIUM_SOCKET_PREFIX = 'org.chromium.Chromium.';
/** A profile is made just before its browser starts and locks it: twice the launch timeout (html/browser.ts). */
const CHROMIUM_LAUNCH_MS = 60_000;

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

/** Who made the directory, as `[pid, host]`: our `.owner` file, or Chromium's `SingletonLock` link. */
async function ownerOf(dir: string, name: string): Promise<[string, string | undefined] | undefined> {
  try {
    if (name.startsWith(CHROMIUM_PROFILE_PREFIX)) {
      const lock = await fs.readlink(path.join(dir, 'SingletonLock')); // "<host>-<pid>"
      const dash = lock.lastIndexOf('-');
      return [lock.slice(dash + 1), lock.slice(0, dash)];
    }
    const [pid, host] = (await fs.readFile(path.join(dir, OWNER_FILE), 'utf8')).trim().split(/\s+/);
    return [pid, host];
  } catch {
    return undefined;
  }
}

/** True when a process listens on the unix socket (a live Chromium's singleton). */
function listening(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect({ path: socket });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    // ECONNREFUSED (its Chromium is gone) or ENOENT (never made): no one to disturb.
    c.once('error', () => resolve(false));
  });
}

/** True when the directory's owner is a live process on this host. */
async function inUse(dir: string, name: string): Promise<boolean> {
  if (name.startsWith(CHROMIUM_SOCKET_PREFIX)) return listening(path.join(dir, 'SingletonSocket'));
  const owner = await ownerOf(dir, name);
  if (!owner) return false;
  const [pid, host] = owner;
  if (host !== undefined && host !== os.hostname()) return true; // a shared /tmp: not ours to judge
  return Number(pid) !== process.pid ? alive(Number(pid)) : true;
}

/**
 * Removes render work directories and Chromium profiles not touched for `olderThanMs` whose owner
 * process is gone. Returns the paths removed. Never throws.
 */
export function sweepStaleWorkDirs(olderThanMs: number, now = Date.now(), tmp = os.tmpdir()): Promise<string[]> {
  return sweep(tmp, [PREFIX, CHROMIUM_PROFILE_PREFIX, CHROMIUM_SOCKET_PREFIX], olderThanMs, now);
}

/** Removes the profiles and singleton sockets of this host's Chromiums that are gone (at each browser launch). */
export function sweepDeadChromiumProfiles(tmp = os.tmpdir(), now = Date.now()): Promise<string[]> {
  return sweep(tmp, [CHROMIUM_PROFILE_PREFIX, CHROMIUM_SOCKET_PREFIX], CHROMIUM_LAUNCH_MS, now);
}

async function sweep(tmp: string, prefixes: string[], olderThanMs: number, now: number): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = await fs.readdir(tmp);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!prefixes.some((prefix) => name.startsWith(prefix))) continue;
    const dir = path.join(tmp, name);
    try {
      const st = await fs.lstat(dir);
      if (!st.isDirectory() || now - st.mtimeMs < olderThanMs) continue;
      if (await inUse(dir, name)) continue;
      await fs.rm(dir, { recursive: true, force: true });
      removed.push(dir);
    } catch {
      // gone meanwhile, or not ours to remove
    }
  }
  return removed;
}
