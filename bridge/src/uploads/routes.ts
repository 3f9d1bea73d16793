/**
 * /v2/uploads: assets a workflow holds as binary data (n8n's binary items, Make's files) stored in the
 * account's storage so a movie can use them as `src: "reelay://uploads/<id>"`. The bridge maps that
 * reference to the file's path in the shared storage before queueing, so the renderer reads it from
 * disk and never calls back into the bridge. The body is the raw file (any Content-Type but JSON) or
 * multipart/form-data with a `file` field. What the file is comes from probing its bytes.
 */
import express from 'express';
import { z } from 'zod';
import { MOVIE_LIMITS } from '@reelay/renderer/src/schema/limits';
import { ApiError, notFound } from '../errors';
import { defineRoute } from '../http/route';
import { newId, nowIso } from '../ids';
import type { Services } from '../services';
import { signFileUrl } from '../storage/signed-urls';
import { probeMedia, type MediaInfo } from './probe';
import type { UploadsTable } from './table';
import './table';

const uploadOut = z.object({
  id: z.string(),
  /** Use this as `src` in a movie. */
  url: z.string(),
  /** A signed, expiring link to download the file (7 days). */
  download_url: z.string(),
  name: z.string(),
  media_type: z.string(),
  kind: z.enum(['image', 'video', 'audio']),
  size: z.number(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  duration: z.number().nullable(),
  created_at: z.string(),
});

async function view(services: Services, row: UploadsTable) {
  return {
    id: row.id,
    url: `reelay://uploads/${row.id}`,
    download_url: await signFileUrl({ publicUrl: services.config.publicUrl, secret: services.config.jwtSecret, storageKey: row.storage_key }),
    name: row.name,
    media_type: row.media_type,
    kind: row.kind,
    size: Number(row.size),
    width: row.width,
    height: row.height,
    duration: row.duration,
    created_at: row.created_at,
  };
}

async function usedBytes(services: Services, accountId: string): Promise<number> {
  const r = await services.db
    .selectFrom('uploads')
    .select((eb) => eb.fn.sum<number>('size').as('total'))
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return Number(r?.total ?? 0);
}

/** The file bytes and a client-given name, from a raw or a multipart body. */
/**
 * An image or video whose size ffprobe can not read (a header claiming 100000×100000 reads as 0×0)
 * or that is larger than a render may decode is refused now, not when a movie fails on it.
 */
function refuseUnusableSize(media: MediaInfo): void {
  const { width, height } = media;
  if (!width || !height) throw new ApiError(415, 'unsupported_upload', `The ${media.kind}'s width and height could not be read`, { width: width ?? null, height: height ?? null });
  const { maxSourceSide, maxSourcePixels } = MOVIE_LIMITS;
  if (width > maxSourceSide || height > maxSourceSide || width * height > maxSourcePixels) {
    throw new ApiError(400, 'limit_exceeded', `The ${media.kind} is ${width}×${height}; at most ${maxSourceSide} pixels a side and ${maxSourcePixels / 1e6} megapixels`, [
      { path: width > maxSourceSide || width * height > maxSourcePixels ? 'width' : 'height', message: `${width}×${height} is over the limit`, in: 'body' },
    ]);
  }
}

/** Reads the raw request body, refusing it (413) as soon as it passes `limit` bytes. */
function readBody(req: express.Request, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (req.readableEnded || req.body !== undefined) {
      // Already consumed by the JSON parser: a JSON document is not a media file.
      reject(new ApiError(415, 'unsupported_upload', 'Send the file bytes, not JSON'));
      return;
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    const tooLarge = () => new ApiError(413, 'payload_too_large', `The file is larger than the upload limit of ${limit} bytes`, { maxBytes: limit });
    if (declared > limit) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readFile(req: express.Request, maxBytes: number): Promise<{ data: Buffer; name: string }> {
  const type = String(req.headers['content-type'] ?? '');
  // Multipart adds a little framing around the file.
  req.body = await readBody(req, type.startsWith('multipart/') ? maxBytes + 64 * 1024 : maxBytes);
  if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
    throw new ApiError(400, 'validation_error', 'Send the file as the request body (raw bytes) or as multipart/form-data with a "file" field', [
      { path: '', message: 'a file is required', in: 'body' },
    ]);
  }
  const queryName = typeof req.query.name === 'string' ? req.query.name : undefined;
  if (type.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Request('http://upload.invalid/', { method: 'POST', headers: { 'content-type': type }, body: req.body }).formData();
    } catch {
      throw new ApiError(400, 'validation_error', 'The multipart body could not be parsed', [{ path: '', message: 'malformed multipart body', in: 'body' }]);
    }
    const file = form.get('file');
    if (!file || typeof file === 'string') {
      throw new ApiError(400, 'validation_error', 'The multipart body has no "file" field with a file', [{ path: 'file', message: 'required', in: 'body' }]);
    }
    const name = typeof form.get('name') === 'string' ? String(form.get('name')) : file.name;
    return { data: Buffer.from(await file.arrayBuffer()), name: queryName ?? name ?? 'upload' };
  }
  const disposition = /filename="?([^";]+)"?/i.exec(String(req.headers['content-disposition'] ?? ''))?.[1];
  return { data: req.body, name: queryName ?? disposition ?? 'upload' };
}

export const uploadRoutes = [
  defineRoute({
    method: 'post',
    path: '/v2/uploads',
    scope: 'uploads:write',
    rateClass: 'other',
    summary: 'Upload an image, video or audio file',
    description:
      'Raw body (any Content-Type, `?name=` optional) or multipart/form-data with a `file` field. The type is found by probing the bytes (PNG, JPEG, WebP, GIF, MP4, WebM, MP3, WAV, Ogg, FLAC, AAC). Size-capped (REELAY_UPLOAD_MAX_BYTES) and counted against the account quota (REELAY_UPLOAD_QUOTA_BYTES). Use the answered `url` (`reelay://uploads/<id>`) as a movie `src`.',
    tags: ['uploads'],
    bodyContentType: 'application/octet-stream',
    request: { query: z.object({ name: z.string().max(255).optional() }) },
    responses: { 201: z.object({ success: z.literal(true), upload: uploadOut }) },
    handler: async ({ principal, services, req }) => {
      const { uploadMaxBytes, uploadQuotaBytes } = services.config.pipeline;
      const { data, name } = await readFile(req, uploadMaxBytes);
      if (data.length > uploadMaxBytes)
        throw new ApiError(413, 'payload_too_large', `The file is larger than the upload limit of ${uploadMaxBytes} bytes`, { maxBytes: uploadMaxBytes });
      const accountId = principal.account.id;
      const used = await usedBytes(services, accountId);
      if (used + data.length > uploadQuotaBytes) {
        throw new ApiError(413, 'upload_quota_exceeded', `This upload would exceed the account's storage quota of ${uploadQuotaBytes} bytes`, {
          quotaBytes: uploadQuotaBytes,
          usedBytes: used,
          fileBytes: data.length,
        });
      }
      const media = await probeMedia(data);
      if (!media)
        throw new ApiError(415, 'unsupported_upload', 'The file is not an image, video or audio file Reelay can use', {
          accepted: ['png', 'jpeg', 'webp', 'gif', 'mp4', 'webm', 'mp3', 'wav', 'ogg', 'flac', 'aac'],
        });
      if (media.kind !== 'audio') refuseUnusableSize(media);
      const id = newId('upl');
      const storageKey = `uploads/${accountId}/${id}.${media.extension}`;
      await services.pipeline.storage.put(storageKey, data);
      const row: UploadsTable = {
        id,
        account_id: accountId,
        name: name.replace(/[\r\n\0]/g, '').slice(0, 255) || 'upload',
        storage_key: storageKey,
        media_type: media.mediaType,
        kind: media.kind,
        size: data.length,
        width: media.width ?? null,
        height: media.height ?? null,
        duration: media.duration ?? null,
        created_at: nowIso(),
      };
      try {
        await services.db.insertInto('uploads').values(row).execute();
      } catch (err) {
        await services.pipeline.storage.delete(storageKey);
        throw err;
      }
      return { success: true as const, upload: await view(services, row) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v2/uploads',
    scope: 'uploads:write',
    rateClass: 'read',
    summary: 'List uploads and the storage used',
    tags: ['uploads'],
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50), next_token: z.string().max(100).optional() }) },
    responses: {
      200: z.object({
        success: z.literal(true),
        count: z.number(),
        has_next: z.boolean(),
        next_token: z.string().nullable(),
        used_bytes: z.number(),
        quota_bytes: z.number(),
        uploads: z.array(uploadOut),
      }),
    },
    handler: async ({ query, principal, services }) => {
      let q = services.db.selectFrom('uploads').selectAll().where('account_id', '=', principal.account.id);
      if (query.next_token) q = q.where('id', '<', query.next_token);
      const rows = await q
        .orderBy('id', 'desc')
        .limit(query.limit + 1)
        .execute();
      const page = rows.slice(0, query.limit);
      const hasNext = rows.length > query.limit;
      return {
        success: true as const,
        count: page.length,
        has_next: hasNext,
        next_token: hasNext ? page[page.length - 1].id : null,
        used_bytes: await usedBytes(services, principal.account.id),
        quota_bytes: services.config.pipeline.uploadQuotaBytes,
        uploads: await Promise.all(page.map((r) => view(services, r))),
      };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v2/uploads/:id',
    scope: 'uploads:write',
    rateClass: 'other',
    summary: 'Delete an upload',
    description: 'Movies already queued keep rendering only if they no longer need it; new movies naming it are refused.',
    tags: ['uploads'],
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: { 200: z.object({ success: z.literal(true), id: z.string() }) },
    handler: async ({ params, principal, services }) => {
      const row = await services.db
        .selectFrom('uploads')
        .selectAll()
        .where('account_id', '=', principal.account.id)
        .where('id', '=', params.id)
        .executeTakeFirst();
      if (!row) throw notFound('Upload');
      await services.db.deleteFrom('uploads').where('id', '=', row.id).execute();
      await services.pipeline.storage.delete(row.storage_key);
      return { success: true as const, id: row.id };
    },
  }),
];
