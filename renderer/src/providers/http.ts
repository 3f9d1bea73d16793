import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import axios, { AxiosError, AxiosRequestConfig } from 'axios';
import { createSafeAgents } from '../assets/safe-agent';
import { RenderError } from '../errors';

/**
 * What the AI providers share: one error type whose message names the provider and its reason (never
 * the credential), polling with backoff under a time limit, and bounded downloads of results.
 */

export interface ProviderSettings {
  /** First delay between polls of an async job. @default 500 */
  pollInitialMs: number;
  /** Longest delay between polls (the delay doubles up to it). @default 5000 */
  pollMaxMs: number;
  /** Time limit for one generation, polling included. @default 300000 (5 min) */
  timeoutMs: number;
  /** Time limit of one HTTP request. @default 60000 */
  requestTimeoutMs: number;
  /** Largest result accepted (image or audio). @default 50 MiB */
  maxBytes: number;
  /** Where generated speech is cached. @default $REELAY_CACHE_DIR/voice or the OS temp dir */
  cacheDir: string;
  /**
   * Let provider requests reach loopback/private addresses (a `baseUrl` on this network; tests).
   * Off by default: a connection's baseUrl must not turn a render into a read of the internal network.
   * @default false
   */
  allowPrivateHosts: boolean;
  /**
   * Check the address every provider connection reaches (SSRF-safe agents). Only contract tests turn it
   * off: nock replaces the network there, so there is no real peer to check. @default true
   */
  egressCheck: boolean;
}

export const providerSettings: ProviderSettings = {
  pollInitialMs: 500,
  pollMaxMs: 5000,
  timeoutMs: Number(process.env.REELAY_PROVIDER_TIMEOUT_MS) || 300_000,
  requestTimeoutMs: 60_000,
  maxBytes: 50 * 1024 * 1024,
  cacheDir: path.join(process.env.REELAY_CACHE_DIR || path.join(os.tmpdir(), 'reelay-cache'), 'voice'),
  allowPrivateHosts: false,
  egressCheck: true,
};

const agents = new Map<boolean, ReturnType<typeof createSafeAgents>>();
function safeAgents(): ReturnType<typeof createSafeAgents> | Record<string, never> {
  if (!providerSettings.egressCheck) return {};
  const allow = providerSettings.allowPrivateHosts;
  let a = agents.get(allow);
  if (!a) agents.set(allow, (a = createSafeAgents(allow)));
  return a;
}

export function configureProviders(settings: Partial<ProviderSettings>): void {
  Object.assign(providerSettings, settings);
}

/**
 * A provider refused or failed: a RenderError with code `provider_failed`, so the renderer prefixes
 * the element (`Scene #1, element #2 (scenes[0].elements[1]): ElevenLabs refused …`) and the queue
 * retries only what may heal (429, 5xx, timeouts).
 */
export class ProviderError extends RenderError {
  constructor(
    message: string,
    retryable: boolean,
    readonly status?: number,
  ) {
    super('provider_failed', message, { retryable });
    this.name = 'ProviderError';
  }
}

/** Reads a required secret from the opened connection, or fails naming what is missing. */
export function requireSecret(provider: string, connection: Record<string, unknown> | undefined, field: string): string {
  const value = connection?.[field];
  if (typeof value !== 'string' || !value) {
    throw new ProviderError(`${provider}: no ${field}: reference a saved ${provider} connection with "connection": "<id>"`, false);
  }
  return value;
}

/**
 * Sends one request; turns any failure into a ProviderError with the provider's own reason.
 * Axios errors carry the request config (headers with the key): they are never passed on or logged.
 */
export async function providerRequest<T>(provider: string, secrets: string[], config: AxiosRequestConfig): Promise<T> {
  try {
    // Every provider call connects through the SSRF-safe agents (checked after DNS, on the real peer).
    const res = await axios.request<T>({ timeout: providerSettings.requestTimeoutMs, maxContentLength: providerSettings.maxBytes, maxRedirects: 3, ...safeAgents(), proxy: false, ...config });
    return res.data;
  } catch (e) {
    throw toProviderError(provider, secrets, e);
  }
}

export function toProviderError(provider: string, secrets: string[], e: unknown): ProviderError {
  if (e instanceof ProviderError) return e;
  const err = e as AxiosError;
  if (axios.isCancel(e) || err?.code === 'ERR_CANCELED') return new ProviderError(`${provider}: cancelled`, false);
  if (err?.code === 'ECONNABORTED' || err?.code === 'ETIMEDOUT') return new ProviderError(`${provider}: timed out waiting for the provider`, true);
  const status = err?.response?.status;
  if (status === undefined) return new ProviderError(redact(`${provider}: could not reach the provider (${err?.code ?? err?.message ?? 'network error'})`, secrets), true);
  const reason = redact(reasonFrom(err.response?.data), secrets);
  const what =
    status === 402 || status === 429 || /quota|credit|insufficient/i.test(reason)
      ? 'refused: quota or rate limit reached'
      : status === 401 || status === 403
      ? 'refused the credentials'
      : status >= 500
        ? 'failed on its side'
        : 'rejected the request';
  // 429 and 5xx may heal; a bad key or an invalid request will not.
  return new ProviderError(`${provider} ${what} (HTTP ${status}${reason ? `: ${reason}` : ''})`, status === 429 || status >= 500, status);
}

/** The provider's own explanation, from the JSON shapes they use (`detail`, `error`, `message`). */
function reasonFrom(data: unknown): string {
  let body: unknown = data;
  if (Buffer.isBuffer(body) || body instanceof ArrayBuffer) body = Buffer.from(body as Buffer).toString('utf8');
  if (typeof body === 'string') {
    const text = body;
    try {
      body = JSON.parse(text);
    } catch {
      return text.replace(/\s+/g, ' ').trim().slice(0, 200);
    }
  }
  if (!body || typeof body !== 'object') return '';
  const b = body as Record<string, unknown>;
  for (const key of ['detail', 'error', 'message', 'title']) {
    const v = b[key];
    if (typeof v === 'string' && v) return v.slice(0, 300);
    if (v && typeof v === 'object') {
      const inner = v as Record<string, unknown>;
      const parts = [inner.status, inner.message ?? inner.msg].filter((x) => typeof x === 'string' && x);
      if (parts.length) return parts.join(': ').slice(0, 300);
      if (Array.isArray(v) && v.length && typeof v[0] === 'object') return String((v[0] as Record<string, unknown>).msg ?? '').slice(0, 300);
    }
  }
  return '';
}

/** Removes any secret a provider might echo back (some quote the key they refused). */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('***');
  return out;
}

/**
 * Polls `check` until it returns a value, doubling the delay up to `pollMaxMs`, failing after
 * `timeoutMs` in total (measured from `startedAt`) or when the render is cancelled.
 */
export async function pollUntil<T>(provider: string, check: () => Promise<T | undefined>, opts: { signal?: AbortSignal; startedAt?: number } = {}): Promise<T> {
  const started = opts.startedAt ?? Date.now();
  let delay = providerSettings.pollInitialMs;
  for (;;) {
    if (opts.signal?.aborted) throw new ProviderError(`${provider}: cancelled`, false);
    const value = await check();
    if (value !== undefined) return value;
    const left = providerSettings.timeoutMs - (Date.now() - started);
    if (left <= 0) throw new ProviderError(`${provider}: timed out after ${Math.round(providerSettings.timeoutMs / 1000)} s waiting for the result`, true);
    await sleep(Math.min(delay, left), opts.signal);
    delay = Math.min(delay * 2, providerSettings.pollMaxMs);
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** Downloads a generated result (provider CDN URL) to `outFile`, bounded in size and time. */
export async function downloadResult(provider: string, url: string, outFile: string, signal?: AbortSignal, base?: string): Promise<void> {
  // https only, except on the provider base the connection names (a self-hosted gateway, tests).
  if (!/^https:\/\//.test(url) && !(base && sameOrigin(url, base))) throw new ProviderError(`${provider}: returned a result URL that is not https`, false);
  const data = await providerRequest<ArrayBuffer>(provider, [], { method: 'GET', url, responseType: 'arraybuffer', signal });
  const bytes = Buffer.from(data);
  if (bytes.length === 0) throw new ProviderError(`${provider}: returned an empty result`, true);
  await writeFile(outFile, bytes);
}
