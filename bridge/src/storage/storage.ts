import type { Readable } from 'node:stream';

/**
 * Where render outputs and uploads live. Keys are slash-separated relative paths
 * (`renders/<account>/<project>/movie.mp4`, `uploads/<account>/<id>`); a driver maps them to its
 * medium. Only the local-directory driver exists today; an S3-compatible driver implements the same
 * interface (with `localPath` returning null, the renderer then receives presigned URLs instead).
 */
export interface StoredObject {
  key: string;
  size: number;
  modifiedAt: Date;
}

export interface ByteRange {
  start: number;
  /** Inclusive, as in HTTP `Range: bytes=start-end`. */
  end: number;
}

export interface Storage {
  /** Writes bytes under `key`, replacing what was there. */
  put(key: string, data: Buffer): Promise<StoredObject>;
  /** Copies an object (a `cache: true` hit gets its own copy, so either can be deleted alone). */
  copy(fromKey: string, toKey: string): Promise<void>;
  stat(key: string): Promise<StoredObject | null>;
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** Removes one object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every object whose key starts with `prefix/`. */
  deletePrefix(prefix: string): Promise<void>;
  /** Objects under `prefix/`, in no particular order. */
  list(prefix: string): Promise<StoredObject[]>;
  /**
   * The object's path on this machine's file system, for a renderer that shares the disk, or null
   * when the driver is remote. A directory for a prefix that does not exist yet is created.
   */
  localPath(key: string): string | null;
}

/** Refuses keys that could escape the storage root or name something odd. */
export function assertSafeKey(key: string): void {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split('/').some((part) => part === '.' || part === '..')) {
    throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
  }
}
