import { randomUUID } from 'node:crypto';
import { createReadStream, mkdirSync } from 'node:fs';
import { constants as fsConstants } from 'node:fs';
import { copyFile, mkdir, readdir, rm, stat, writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertSafeKey, type ByteRange, type Storage, type StoredObject } from './storage';

/** Storage in a directory of the local disk (the default: `$REELAY_DATA_DIR/storage`). */
export class LocalStorage implements Storage {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
    mkdirSync(this.root, { recursive: true });
  }

  private pathOf(key: string): string {
    assertSafeKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async put(key: string, data: Buffer): Promise<StoredObject> {
    const file = this.pathOf(key);
    await mkdir(path.dirname(file), { recursive: true });
    // Write then rename so a reader never sees half a file.
    const tmp = `${file}.${randomUUID()}.part`;
    await writeFile(tmp, data);
    await rename(tmp, file);
    return { key, size: data.length, modifiedAt: new Date() };
  }

  async putFile(key: string, file: string): Promise<void> {
    const to = this.pathOf(key);
    await mkdir(path.dirname(to), { recursive: true });
    const tmp = `${to}.${randomUUID()}.part`;
    await copyFile(file, tmp, fsConstants.COPYFILE_FICLONE);
    await rename(tmp, to);
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const to = this.pathOf(toKey);
    await mkdir(path.dirname(to), { recursive: true });
    // Reflink where the file system supports it (instant, no extra space), a plain copy elsewhere.
    await copyFile(this.pathOf(fromKey), to, fsConstants.COPYFILE_FICLONE);
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const s = await stat(this.pathOf(key));
      return s.isFile() ? { key, size: s.size, modifiedAt: s.mtime } : null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    return createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.pathOf(prefix), { recursive: true, force: true });
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    const walk = async (dir: string, keyPrefix: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const entry of entries) {
        const full = path.join(dir, entry.name);
        const key = `${keyPrefix}/${entry.name}`;
        if (entry.isDirectory()) await walk(full, key);
        else if (entry.isFile() && !entry.name.endsWith('.part')) {
          const s = await stat(full);
          out.push({ key, size: s.size, modifiedAt: s.mtime });
        }
      }
    };
    await walk(this.pathOf(prefix), prefix);
    return out;
  }

  localPath(key: string): string {
    return this.pathOf(key);
  }
}
