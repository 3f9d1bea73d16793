import type { Readable } from 'node:stream';

/**
 * Where render outputs and uploads live. Keys are slash-separated relative paths
 * (`renders/<account>/<project>/movie.mp4`, `uploads/<account>/<id>`); a driver maps them to its
 * medium: a local directory (local.ts) or an S3-compatible bucket (s3.ts). A remote driver returns
 * null from `localPath` and hands out presigned URLs instead (`signedUrl`): renderers then read
 * uploads through them and upload their outputs with `putFile`.
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

export interface SignedUrlOptions {
  expiresInSeconds: number;
  /** 'public' links go to browsers and players (REELAY_S3_PUBLIC_ENDPOINT); 'internal' ones to renderers. */
  audience: 'public' | 'internal';
  contentType?: string;
  fileName?: string;
}

export interface Storage {
  /** Writes bytes under `key`, replacing what was there. */
  put(key: string, data: Buffer): Promise<StoredObject>;
  /** Writes a file of this machine under `key`, streaming it (multipart on a bucket). */
  putFile(key: string, file: string): Promise<void>;
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
  /** A time-limited URL that reads the object without credentials; only remote drivers have one. */
  signedUrl?(key: string, opts: SignedUrlOptions): Promise<string>;
  /** `/files/…` links answer with a redirect to `signedUrl` instead of streaming the bytes. */
  readonly redirectDownloads?: boolean;
  /** Origin of the bucket's endpoint: renderers may fetch presigned inputs there even when it is private. */
  readonly trustedOrigin?: string;
}

/** Refuses keys that could escape the storage root or name something odd. */
export function assertSafeKey(key: string): void {
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(key) || key.split('/').some((part) => part === '.' || part === '..')) {
    throw new Error(`unsafe storage key: ${JSON.stringify(key)}`);
  }
}
