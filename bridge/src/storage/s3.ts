import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { assertSafeKey, type ByteRange, type SignedUrlOptions, type Storage, type StoredObject } from './storage';

export interface S3Settings {
  bucket: string;
  region: string;
  /** S3-compatible server (MinIO, Garage, R2…); absent = AWS. */
  endpoint?: string;
  /** Endpoint the links handed to browsers and players are signed for, when it differs from `endpoint`. */
  publicEndpoint?: string;
  /** Absent = the AWS SDK's own chain (AWS_* variables, instance roles). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `endpoint/bucket/key` instead of `bucket.endpoint/key` (MinIO and most self-hosted servers). */
  forcePathStyle: boolean;
  /** Downloads of `/files/…` links: a redirect to a presigned bucket URL, or streamed through the bridge. */
  downloads: 'redirect' | 'stream';
}

/** Parts of a multipart upload; S3's minimum part is 5 MiB, larger parts mean fewer requests. */
const PART_BYTES = 16 * 1024 * 1024;
/** SigV4 presigned URLs live at most 7 days. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 3600;

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

/**
 * Storage in an S3-compatible bucket, so bridges and renderers on different machines share nothing
 * but the bucket. Keys are the object keys as they are (already restricted by assertSafeKey).
 * Large files go up in parts (lib-storage's Upload); renderers read uploads through presigned URLs.
 */
export class S3Storage implements Storage {
  readonly bucket: string;
  readonly redirectDownloads: boolean;
  /** Origin the renderer may fetch presigned inputs from, even when it is loopback or private. */
  readonly trustedOrigin: string | undefined;
  private readonly client: S3Client;
  private readonly publicClient: S3Client;

  constructor(settings: S3Settings) {
    this.bucket = settings.bucket;
    this.redirectDownloads = settings.downloads === 'redirect';
    const base: S3ClientConfig = {
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      ...(settings.accessKeyId && settings.secretAccessKey
        ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
        : {}),
      // Checksums only where S3 demands them: many S3-compatible servers reject the newer CRC headers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    this.client = new S3Client({ ...base, ...(settings.endpoint ? { endpoint: settings.endpoint } : {}) });
    this.publicClient = settings.publicEndpoint ? new S3Client({ ...base, endpoint: settings.publicEndpoint }) : this.client;
    this.trustedOrigin = settings.endpoint ? new URL(settings.endpoint).origin : undefined;
  }

  async put(key: string, data: Buffer): Promise<StoredObject> {
    assertSafeKey(key);
    await this.upload(key, data);
    return { key, size: data.length, modifiedAt: new Date() };
  }

  /** Streams a file into the bucket in parts, never holding it whole in memory. */
  async putFile(key: string, file: string): Promise<void> {
    assertSafeKey(key);
    await this.upload(key, createReadStream(file));
  }

  private async upload(key: string, body: Buffer | Readable): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, Body: body },
      partSize: PART_BYTES,
      queueSize: 2,
      // A failed multipart upload is aborted, not left to cost storage in the bucket.
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    assertSafeKey(fromKey);
    assertSafeKey(toKey);
    await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: toKey, CopySource: `${this.bucket}/${fromKey}` }));
  }

  async stat(key: string): Promise<StoredObject | null> {
    assertSafeKey(key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { key, size: Number(head.ContentLength ?? 0), modifiedAt: head.LastModified ?? new Date(0) };
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    assertSafeKey(key);
    const res = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
    );
    return res.Body as Readable;
  }

  async delete(key: string): Promise<void> {
    assertSafeKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    assertSafeKey(prefix);
    for (;;) {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${prefix}/`, MaxKeys: 1000 }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length === 0) return;
      // One request per key: DeleteObjects needs a Content-MD5 that not every S3-compatible server checks the same way.
      await Promise.all(keys.map((k) => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: k.Key }))));
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    assertSafeKey(prefix);
    const out: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key, size: Number(o.Size ?? 0), modifiedAt: o.LastModified ?? new Date(0) });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  localPath(): null {
    return null;
  }

  async signedUrl(key: string, opts: SignedUrlOptions): Promise<string> {
    assertSafeKey(key);
    const client = opts.audience === 'public' ? this.publicClient : this.client;
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: key,
      ...(opts.contentType ? { ResponseContentType: opts.contentType } : {}),
      ...(opts.fileName ? { ResponseContentDisposition: `inline; filename="${opts.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"` } : {}),
    });
    return getSignedUrl(client, command, { expiresIn: Math.max(1, Math.min(MAX_PRESIGN_SECONDS, Math.floor(opts.expiresInSeconds))) });
  }

  close(): void {
    this.client.destroy();
    if (this.publicClient !== this.client) this.publicClient.destroy();
  }
}
