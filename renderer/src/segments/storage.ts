/**
 * Where the segments of a movie rendered by many renderers meet: the bridge's storage driver (local
 * directory or S3, bridge/src/storage), seen through the part of its interface this needs, so the
 * renderer depends on no bridge code. A renderer started without one (tests, a bare worker) uses a
 * directory under its data dir, shared by renderers that share that directory.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The subset of bridge/src/storage/storage.ts's Storage segments use (structurally compatible). */
export interface IntermediateStorage {
  put(key: string, data: Buffer): Promise<unknown>;
  /** Streams a local file in (multipart on a bucket); without it, files are read whole and `put`. */
  putFile?(key: string, file: string): Promise<void>;
  stat(key: string): Promise<{ size: number } | null>;
  read(key: string): Promise<Readable>;
  deletePrefix(prefix: string): Promise<void>;
  /** A path on this machine for the key, or null when the driver is remote. */
  localPath(key: string): string | null;
}

/** Intermediates in a local directory (keys are checked: letters, digits, `._-` and `/`). */
export class DirectoryStorage implements IntermediateStorage {
  constructor(private readonly root: string) {}

  localPath(key: string): string {
    if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split('/').some((p) => p === '.' || p === '..')) throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, data: Buffer): Promise<void> {
    await writeInPlace(this.localPath(key), (tmp) => fs.writeFile(tmp, data));
  }

  async stat(key: string): Promise<{ size: number } | null> {
    const s = await fs.stat(this.localPath(key)).catch(() => null);
    return s?.isFile() ? { size: s.size } : null;
  }

  async read(key: string): Promise<Readable> {
    return createReadStream(this.localPath(key));
  }

  async deletePrefix(prefix: string): Promise<void> {
    await fs.rm(this.localPath(prefix), { recursive: true, force: true });
  }
}

/** Writes a temporary file next to `target` and renames it: a reader sees the whole file or none. */
async function writeInPlace(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.${randomUUID()}.part`;
  try {
    await write(tmp);
    await fs.rename(tmp, target);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** Puts a local file under `key` (copied in place when the storage has local paths). */
export async function storeFile(storage: IntermediateStorage, key: string, file: string): Promise<void> {
  const local = storage.localPath(key);
  if (local) await writeInPlace(local, (tmp) => fs.copyFile(file, tmp));
  else if (storage.putFile) await storage.putFile(key, file);
  else await storage.put(key, await fs.readFile(file));
}

/** A local path holding the object `key`: the storage's own when it has one, else a copy in `dir`. */
export async function fetchFile(storage: IntermediateStorage, key: string, dir: string): Promise<string> {
  const local = storage.localPath(key);
  if (local) return local;
  const file = path.join(dir, key.split('/').join('_'));
  await pipeline(await storage.read(key), createWriteStream(file));
  return file;
}
