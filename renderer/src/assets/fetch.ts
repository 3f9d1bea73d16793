/**
 * Downloads a movie asset into the content-addressed cache. http/https only; every redirect hop is
 * followed here (not by axios) so its URL is re-checked; size and time are capped.
 * A `Content-Encoding` body (gzip, deflate, br) is decoded here, not by axios, so both sizes are known:
 * the size cap counts DECODED bytes and stops the download there, and a body that decodes to more than
 * `maxCompressionRatio` times its wire size (past the first MiB) is refused as a decompression bomb —
 * media is already compressed, so real assets are nowhere near that. A failed download leaves nothing
 * in the cache (cache.ts writes to a temp file removed on failure).
 */
import axios, { type AxiosResponse } from 'axios';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { RenderError } from '../errors';
import { currentJobContext } from '../jobs/job-context';
import { AssetCache } from './cache';
import { createSafeAgents, ForbiddenAddressError } from './safe-agent';

export interface FetchLimits {
  /** @default 500 MB */
  maxBytes: number;
  /** Whole download, including redirects. @default 120 s */
  timeoutMs: number;
  /** @default 5 */
  maxRedirects: number;
  /** Decoded bytes per byte on the wire a Content-Encoding body may reach (checked past 1 MiB). @default 100 */
  maxCompressionRatio: number;
}

export const DEFAULT_LIMITS: FetchLimits = { maxBytes: 500 * 1024 * 1024, timeoutMs: 120_000, maxRedirects: 5, maxCompressionRatio: 100 };
/** Decoded bytes a body may reach before the compression ratio is checked. */
const RATIO_FLOOR_BYTES = 1024 * 1024;

export interface FetchOptions {
  cache: AssetCache;
  allowPrivateUrls: boolean;
  /** false = download again even when cached (the movie's or element's `cache: false`). */
  useCache: boolean;
  /** Names the scene/element in error messages, e.g. `scenes[0].elements[1]`. */
  where: string;
  signal?: AbortSignal;
  limits?: Partial<FetchLimits>;
}

export interface FetchedAsset {
  file: string;
  contentType?: string;
}

const agentsByMode = new Map<boolean, ReturnType<typeof createSafeAgents>>();
function agents(allowPrivate: boolean) {
  let a = agentsByMode.get(allowPrivate);
  if (!a) agentsByMode.set(allowPrivate, (a = createSafeAgents(allowPrivate)));
  return a;
}

function parseHttpUrl(raw: string, where: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new RenderError('asset_failed', `${where}: '${raw}' is not a valid URL`, { path: where });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RenderError('asset_forbidden', `${where}: only http and https URLs are allowed ('${raw}')`, { path: where });
  }
  return url;
}

/**
 * Origins of the bucket the bridge stores uploads in (REELAY_S3_ENDPOINT). A self-hosted bucket is
 * often on loopback or a private network: its presigned URLs, taken from the job's `assets` map
 * (chosen by the bridge, never by the movie), may be fetched there. Nothing else is opened up.
 */
const trustedUploadOrigins = new Set<string>();
export function trustUploadOrigin(origin: string): void {
  trustedUploadOrigins.add(new URL(origin).origin);
}

/**
 * An upload, only through the job's `assets` map (job-context.ts): a file on storage shared with the
 * bridge, or a presigned URL of it in the bucket.
 */
async function upload(rawUrl: string, where: string): Promise<FetchedAsset | { url: URL } | undefined> {
  if (!rawUrl.startsWith('reelay://')) return undefined;
  const mapped = currentJobContext()?.assets?.[rawUrl];
  if (typeof mapped === 'string' && /^https?:\/\//.test(mapped)) return { url: new URL(mapped) };
  if (typeof mapped !== 'string' || !path.isAbsolute(mapped)) {
    throw new RenderError('asset_failed', `${where}: '${rawUrl}' is not available to this renderer`, { path: where });
  }
  try {
    if ((await stat(mapped)).isFile()) return { file: mapped };
  } catch {
    // reported below
  }
  throw new RenderError('asset_failed', `${where}: '${rawUrl}' was not found (deleted?)`, { path: where });
}

export async function fetchAsset(rawUrl: string, opts: FetchOptions): Promise<FetchedAsset> {
  const limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const { where } = opts;
  const stored = await upload(rawUrl, where);
  if (stored && 'file' in stored) return stored;
  // A presigned upload URL: cached under its ref (uploads never change; the URL does), its signature
  // kept out of messages (they name the ref), private only on the bucket's origin, no redirects.
  const presigned = stored?.url;
  const allowPrivate = opts.allowPrivateUrls || (presigned !== undefined && trustedUploadOrigins.has(presigned.origin));
  const maxRedirects = presigned ? 0 : limits.maxRedirects;
  let url = presigned ?? parseHttpUrl(rawUrl, where);
  if (opts.useCache) {
    const hit = await opts.cache.lookup(rawUrl);
    if (hit) return hit;
  }
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const { httpAgent, httpsAgent } = agents(allowPrivate);
  let res: AxiosResponse<Readable> | undefined;
  try {
    for (let hop = 0; ; hop++) {
      res = await axios.get<Readable>(url.toString(), {
        responseType: 'stream',
        maxRedirects: 0,
        proxy: false,
        httpAgent,
        httpsAgent,
        signal,
        timeout: limits.timeoutMs,
        validateStatus: () => true,
        // Decoded below (decodeBody), where the decoded size is counted against the wire size.
        decompress: false,
        headers: { 'user-agent': 'Reelay-Renderer/0.1', accept: '*/*', 'accept-encoding': 'gzip, deflate, br' },
      });
      const location = res.headers.location as string | undefined;
      if (res.status >= 300 && res.status < 400 && location) {
        res.data.destroy();
        if (hop + 1 > maxRedirects) throw new RenderError('asset_failed', `${where}: too many redirects for '${rawUrl}'`, { path: where });
        url = parseHttpUrl(new URL(location, url).toString(), where);
        continue;
      }
      break;
    }
    if (res.status >= 400) {
      res.data.destroy();
      const retryable = res.status >= 500 || res.status === 429 || res.status === 408;
      throw new RenderError(retryable ? 'asset_unavailable' : 'asset_failed', `${where}: failed to download '${rawUrl}' (${res.status})`, { path: where, retryable });
    }
    const declared = Number(res.headers['content-length'] ?? 0);
    if (declared > limits.maxBytes) {
      res.data.destroy();
      throw new RenderError('asset_failed', `${where}: '${rawUrl}' is larger than ${limits.maxBytes} bytes`, { path: where });
    }
    const contentType = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined;
    const body = decodeBody(res.data, res.headers['content-encoding'], limits, rawUrl, where);
    return await opts.cache.store(rawUrl, body, { maxBytes: limits.maxBytes, contentType, where });
  } catch (err) {
    res?.data.destroy();
    throw classify(err, rawUrl, where, opts.signal);
  }
}

/**
 * The body as the asset's bytes: identity as is; gzip / deflate / br decoded, with the wire bytes
 * counted so a decoded size over `maxCompressionRatio` × wire (past the first MiB) fails the stream.
 * The size cap itself is the cache's meter on the decoded stream (cache.ts), which ends the download.
 */
function decodeBody(raw: Readable, header: unknown, limits: FetchLimits, url: string, where: string): Readable {
  const encoding = String(header ?? '').trim().toLowerCase();
  if (encoding === '' || encoding === 'identity') return raw;
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? zlib.createGunzip()
      : encoding === 'deflate'
        ? zlib.createInflate()
        : encoding === 'br'
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) {
    raw.destroy();
    throw new RenderError('asset_failed', `${where}: '${url}' is sent with an unsupported Content-Encoding '${encoding}'`, { path: where });
  }
  let wire = 0;
  let decoded = 0;
  raw.on('data', (chunk: Buffer) => (wire += chunk.length));
  const ratio = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      decoded += chunk.length;
      if (decoded > RATIO_FLOOR_BYTES && decoded > wire * limits.maxCompressionRatio) {
        return cb(new RenderError('asset_failed', `${where}: '${url}' decompresses to more than ${limits.maxCompressionRatio} times its size (a decompression bomb?); refused`, { path: where }));
      }
      cb(null, chunk);
    },
  });
  const out = raw.pipe(decoder).pipe(ratio);
  const fail = (err: Error) => {
    raw.destroy();
    decoder.destroy();
    out.destroy(err instanceof RenderError ? err : new RenderError('asset_failed', `${where}: '${url}' is not valid ${encoding} data (${err.message})`, { path: where }));
  };
  raw.on('error', (err) => out.destroy(err));
  decoder.on('error', fail);
  // The cache's pipeline picks the error up from the stream's errored state, even when it happened
  // before the pipeline was attached (store() creates its directory first): no unhandled 'error'.
  out.on('error', () => {});
  // Whatever ends the decoded stream early (the size cap, a failure) ends the download too.
  out.on('close', () => {
    raw.destroy();
    decoder.destroy();
  });
  return out;
}

function classify(err: unknown, url: string, where: string, signal?: AbortSignal): RenderError {
  if (err instanceof RenderError) return err;
  if (signal?.aborted) return new RenderError('cancelled', 'cancelled', { cause: err });
  const e = err as { code?: string; cause?: { code?: string }; message?: string };
  if (err instanceof ForbiddenAddressError || e.code === 'EREELAYFORBIDDEN' || e.cause?.code === 'EREELAYFORBIDDEN' || /is not allowed$/.test(e.message ?? '')) {
    return new RenderError('asset_forbidden', `${where}: '${url}' points to a forbidden address`, { path: where, cause: err });
  }
  if (e.code === 'ENOTFOUND') return new RenderError('asset_failed', `${where}: host of '${url}' not found`, { path: where, cause: err });
  const reason = e.code === 'ERR_CANCELED' || e.code === 'ECONNABORTED' || e.code === 'ABORT_ERR' ? 'timed out' : (e.code ?? e.message ?? 'network error');
  return new RenderError('asset_unavailable', `${where}: failed to download '${url}' (${reason})`, { path: where, retryable: true, cause: err });
}
