/**
 * Content-addressed disk cache shared by renders: `blobs/<sha256 of content>` holds each asset once,
 * `urls/<sha256 of url>.json` points a URL at its blob. Writes go to a temp file renamed into place,
 * so concurrent renders never see half a file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { RenderError } from '../errors';

export class AssetCache {
  constructor(readonly dir: string) {}

  private urlEntry(url: string) {
    return path.join(this.dir, 'urls', `${createHash('sha256').update(url).digest('hex')}.json`);
  }

  blobPath(hash: string) {
    return path.join(this.dir, 'blobs', hash.slice(0, 2), hash);
  }

  async lookup(url: string): Promise<{ file: string; contentType?: string } | undefined> {
    try {
      const entry = JSON.parse(await fs.readFile(this.urlEntry(url), 'utf8')) as { hash: string; contentType?: string };
      const file = this.blobPath(entry.hash);
      await fs.access(file);
      return { file, contentType: entry.contentType };
    } catch {
      return undefined;
    }
  }

  async store(url: string, body: Readable, opts: { maxBytes: number; contentType?: string; where: string }): Promise<{ file: string; contentType?: string }> {
    const tmpDir = path.join(this.dir, 'tmp');
    await fs.mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, randomBytes(8).toString('hex'));
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > opts.maxBytes) return cb(new RenderError('asset_failed', `${opts.where}: '${url}' is larger than ${opts.maxBytes} bytes`, { path: opts.where }));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body, meter, createWriteStream(tmp));
      const digest = hash.digest('hex');
      const file = this.blobPath(digest);
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.rename(tmp, file);
      const entry = this.urlEntry(url);
      await fs.mkdir(path.dirname(entry), { recursive: true });
      const entryTmp = `${entry}.${randomBytes(4).toString('hex')}`;
      await fs.writeFile(entryTmp, JSON.stringify({ hash: digest, contentType: opts.contentType, url }));
      await fs.rename(entryTmp, entry);
      return { file, contentType: opts.contentType };
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }
}
