import { Router, type Request, type Response } from 'express';
import { jwtVerify, SignJWT } from 'jose';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { ApiError, errorHandler } from '../errors';
import type { ByteRange, Storage } from './storage';

/**
 * Signed, expiring links to stored files (finished movies, posters). The link carries a JWT
 * (HS256 under REELAY_JWT_SECRET) naming the storage key, so serving it needs no API key: players,
 * browsers and n8n's HTTP node can fetch it, and it stops working when it expires.
 * Form: `/files/<file name>?sig=<jwt>` (the name is cosmetic, for players and download tools). The
 * JWT sits in the query string because request logs record paths only: a link is a capability and
 * must not end up in logs.
 */
export const DEFAULT_URL_LIFETIME_SECONDS = 7 * 24 * 3600;
const AUDIENCE = 'reelay:file';
/** Lifetime of the bucket URL a link redirects to: long enough for a player to seek through a movie. */
const REDIRECT_SECONDS = 6 * 3600;

function keyOf(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function signFileUrl(opts: {
  publicUrl: string;
  secret: string;
  storageKey: string;
  lifetimeSeconds?: number;
}): Promise<string> {
  const token = await new SignJWT({ k: opts.storageKey })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + (opts.lifetimeSeconds ?? DEFAULT_URL_LIFETIME_SECONDS))
    .sign(keyOf(opts.secret));
  return `${opts.publicUrl.replace(/\/+$/, '')}/files/${encodeURIComponent(path.posix.basename(opts.storageKey))}?sig=${token}`;
}

/** The storage key a token grants, or null when it is forged, expired or not a file token. */
export async function verifyFileToken(token: string, secret: string): Promise<string | null> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), { audience: AUDIENCE, algorithms: ['HS256'] });
    return typeof payload.k === 'string' ? payload.k : null;
  } catch {
    return null;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.m4a': 'audio/mp4',
  '.ogg': 'audio/ogg',
  '.ass': 'text/x-ssa',
  '.srt': 'application/x-subrip',
};

/**
 * Parses a single-range `Range` header. Multiple ranges are answered with the whole file (allowed
 * by RFC 9110); 'unsatisfiable' yields a 416.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/**
 * Serves the file a signed link names, with HTTP range support (players seek with `Range`).
 * Throws ApiError 401 for a forged or expired link, 404 when the file is gone, 416 for a bad range.
 */
export async function serveSignedFile(storage: Storage, secret: string, req: Request, res: Response): Promise<void> {
  const key = typeof req.query.sig === 'string' ? await verifyFileToken(req.query.sig, secret) : null;
  if (!key) throw new ApiError(401, 'invalid_file_link', 'This file link is invalid or has expired.');
  const object = await storage.stat(key);
  if (!object) throw new ApiError(404, 'not_found', 'This file no longer exists.');
  const type = CONTENT_TYPES[path.extname(key).toLowerCase()] ?? 'application/octet-stream';
  if (storage.redirectDownloads && storage.signedUrl) {
    // The bucket serves the bytes (and ranges); the type is forced so it cannot be sniffed into HTML.
    res.setHeader('Cache-Control', 'private, no-store');
    res.redirect(302, await storage.signedUrl(key, { expiresInSeconds: REDIRECT_SECONDS, audience: 'public', contentType: type, fileName: path.posix.basename(key) }));
    return;
  }
  res.setHeader('Content-Type', type);
  res.setHeader('Accept-Ranges', 'bytes');
  res.setHeader('Cache-Control', 'private, max-age=3600');
  res.setHeader('Last-Modified', object.modifiedAt.toUTCString());
  const range = parseRange(req.headers.range, object.size);
  if (range === 'unsatisfiable') {
    throw new ApiError(416, 'range_not_satisfiable', 'The requested range is outside the file.', undefined, { 'Content-Range': `bytes */${object.size}` });
  }
  if (range) {
    res.status(206);
    res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${object.size}`);
    res.setHeader('Content-Length', String(range.end - range.start + 1));
  } else {
    res.status(200);
    res.setHeader('Content-Length', String(object.size));
  }
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(await storage.read(key, range ?? undefined), res);
}

/** A standalone router for the file links (the bridge mounts the same handler as a public route). */
export function fileRouter(opts: { storage: Storage; secret: () => string }): Router {
  const router = Router();
  router.get('/files/:name', (req, res, next) => {
    serveSignedFile(opts.storage, opts.secret(), req, res).catch(next);
  });
  router.use(errorHandler);
  return router;
}
