/**
 * The asset URLs of a movie, checked before anything is charged:
 * - `reelay://uploads/<id>` names an upload of the caller's account (unknown → 400 at its path). On
 *   storage with local paths (shared with the renderers, which the output directory needs anyway) the
 *   ref stays in the movie and the job's `assets` map gives its path (uploadPaths, at enqueue), so one
 *   machine needs no private-URL switch. A storage driver without local paths (object storage) hands
 *   the renderer a signed link to this bridge's `/files/…` route instead;
 * - a signed file link of this bridge (`<public url>/files/<name>?sig=<jwt>`, e.g. an earlier render) must
 *   still be valid and its file present;
 * - anything else must be http(s) to an address the renderer may reach: loopback, private and
 *   link-local addresses (cloud metadata) are refused here, with the path of the element, unless
 *   REELAY_ALLOW_PRIVATE_URLS is set. The renderer checks again at connect time (DNS rebinding).
 * The renderer fetches uploads and file links from REELAY_PUBLIC_URL like any asset, so that address
 * must be one the renderer may reach (a public name, or loopback with REELAY_ALLOW_PRIVATE_URLS).
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import { isAddressAllowed } from '@reelay/renderer/src/assets/address-policy';
import { looksLikeInlineCaptions } from '@reelay/renderer/src/subtitles/captions';
import { ApiError, type ValidationProblem } from '../errors';
import type { Services } from '../services';
import { MAX_PRESIGN_SECONDS } from '../storage/s3';
import { signFileUrl, verifyFileToken } from '../storage/signed-urls';
import '../uploads/table';

export const UPLOAD_REF = /^reelay:\/\/uploads\/([A-Za-z0-9_-]{1,64})$/;
/** Fields of elements and settings that name a file to download. */
const URL_FIELDS = new Set(['src', 'font-url', 'captions']);
const LOOKUP_TIMEOUT_MS = 2000;

interface Found {
  path: string;
  value: string;
}

function findUrls(movie: unknown): Found[] {
  const out: Found[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'client-data' || k === 'exports' || k === 'variables') continue;
        const p = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`;
        // Inline SRT/WebVTT/ASS text in `captions` is not a URL (whatever the URL parser makes of it).
        if (URL_FIELDS.has(k) && typeof x === 'string') {
          if (!(k === 'captions' && looksLikeInlineCaptions(x))) out.push({ path: p, value: x });
        }
        else walk(x, p);
      }
    }
  };
  walk(movie, '');
  return out;
}

/**
 * Whether the renderer may connect to `hostname` (an IP literal, `localhost`, or a name resolved now):
 * one policy for assets and export destinations (renderer/src/assets/address-policy.ts).
 */
export async function hostAllowed(hostname: string, allowPrivate: boolean): Promise<boolean> {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (net.isIP(host)) return isAddressAllowed(host, allowPrivate);
  if (host === 'localhost' || host.endsWith('.localhost')) return allowPrivate;
  try {
    const addresses = await Promise.race([
      dns.lookup(host, { all: true }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), LOOKUP_TIMEOUT_MS).unref()),
    ]);
    return addresses.every((a) => isAddressAllowed(a.address, allowPrivate));
  } catch {
    // Unresolvable now: the renderer reports it if it still fails at render time.
    return true;
  }
}

export interface CheckedAssets {
  /** Exact asset strings → what the renderer gets instead (upload refs → signed links). */
  replacements: Record<string, string>;
}

/** Lifetime of the links handed to the renderer for uploads (a queued render may wait a while). */
const UPLOAD_LINK_SECONDS = 30 * 24 * 3600;

/** Checks every asset URL of the resolved movie; throws 400 listing each bad one with its path. */
export async function checkMovieAssets(services: Services, accountId: string, resolvedMovie: unknown): Promise<CheckedAssets> {
  const { config, pipeline } = services;
  const problems: ValidationProblem[] = [];
  let forbidden = false;
  const replacements: Record<string, string> = {};
  const filesPrefix = `${config.publicUrl}/files/`;
  const ownHostReachable = await hostAllowed(new URL(config.publicUrl).hostname, config.allowPrivateUrls);
  const unreachable = (path: string) =>
    problems.push({
      path,
      message: `the renderer may not fetch from this bridge's address (${config.publicUrl}); set REELAY_PUBLIC_URL to an address it may reach, or REELAY_ALLOW_PRIVATE_URLS=true on a single machine`,
      in: 'body',
    });
  for (const { path, value } of findUrls(resolvedMovie)) {
    const ref = UPLOAD_REF.exec(value);
    if (ref) {
      const upload = await services.db
        .selectFrom('uploads')
        .select(['storage_key'])
        .where('account_id', '=', accountId)
        .where('id', '=', ref[1])
        .executeTakeFirst();
      if (!upload) problems.push({ path, message: `unknown upload '${ref[1]}'`, in: 'body' });
      // Storage shared with the renderers (local disk, or a bucket they get presigned URLs of): the ref
      // stays, mapped to its path or URL at enqueue.
      else if (pipeline.storage.localPath(upload.storage_key) || pipeline.storage.signedUrl) continue;
      else if (!ownHostReachable) unreachable(path);
      else {
        replacements[value] = await signFileUrl({ publicUrl: config.publicUrl, secret: config.jwtSecret, storageKey: upload.storage_key, lifetimeSeconds: UPLOAD_LINK_SECONDS });
      }
      continue;
    }
    if (value.startsWith(filesPrefix)) {
      const sig = new URL(value).searchParams.get('sig');
      const key = sig ? await verifyFileToken(sig, config.jwtSecret) : null;
      if (!key || !(await pipeline.storage.stat(key))) problems.push({ path, message: 'this Reelay file link has expired or its file is gone', in: 'body' });
      else if (!ownHostReachable) unreachable(path);
      continue;
    }
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      if (path.endsWith('src')) problems.push({ path, message: 'must be an http(s) URL or an upload reference (reelay://uploads/ID)', in: 'body' });
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      forbidden = true;
      problems.push({ path, message: `the ${url.protocol.replace(':', '')} scheme is not allowed (http or https only)`, in: 'body' });
      continue;
    }
    if (!(await hostAllowed(url.hostname, config.allowPrivateUrls))) {
      forbidden = true;
      problems.push({ path, message: `'${url.hostname}' is a private, loopback or link-local address; assets must be public`, in: 'body' });
    }
  }
  if (problems.length) {
    const first = problems[0];
    throw new ApiError(
      400,
      forbidden ? 'forbidden_url' : 'validation_error',
      `${first.path}: ${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
      problems,
    );
  }
  return { replacements };
}

/** Replaces, anywhere in the movie (variables included), each string that is a key of `map`. */
export function replaceAssetStrings<T>(movie: T, map: Record<string, string>): T {
  if (Object.keys(map).length === 0) return movie;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return Object.prototype.hasOwnProperty.call(map, v) ? map[v] : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(movie) as T;
}

/**
 * `reelay://uploads/<id>` refs anywhere in a job's movie → the upload's absolute path on shared
 * storage, or a presigned URL of it in the bucket (job data `assets`). Looked up in the render's own
 * account; unknown ids are left out (the renderer then fails that element).
 */
export async function uploadPaths(services: Services, accountId: string, movie: unknown): Promise<Record<string, string>> {
  const refs = new Map<string, string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const m = UPLOAD_REF.exec(v);
      if (m) refs.set(m[1], v);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(movie);
  if (refs.size === 0) return {};
  const rows = await services.db
    .selectFrom('uploads')
    .select(['id', 'storage_key'])
    .where('account_id', '=', accountId)
    .where('id', 'in', [...refs.keys()])
    .execute();
  const out: Record<string, string> = {};
  const { storage } = services.pipeline;
  for (const row of rows) {
    const file = storage.localPath(row.storage_key)
      // As long as SigV4 allows (7 days); a render still queued after that fails that element (403).
      ?? (await storage.signedUrl?.(row.storage_key, { expiresInSeconds: MAX_PRESIGN_SECONDS, audience: 'internal' }));
    if (file) out[refs.get(row.id)!] = file;
  }
  return out;
}
