/**
 * One delivery attempt: a POST with the exact body bytes, a 15 s limit, no redirects followed (a 3xx
 * is a failure, per Standard Webhooks: following it would let a receiver bounce us to an internal
 * address), and sockets opened only through the SSRF-checking agents.
 */
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import axios from 'axios';
import { DELIVERY_TIMEOUT_MS, parseRetryAfter } from './retry-policy';

export interface OutboundAgents {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
}

export interface AttemptRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs?: number;
}

export interface AttemptOutcome {
  /** HTTP status, or null when no response arrived (refused, timeout, blocked address). */
  status: number | null;
  latencyMs: number;
  /** Seconds from `Retry-After` on a 429/503, else null. */
  retryAfterSeconds: number | null;
  /** Why it failed, for the delivery log: never the request headers (they may carry secrets). */
  error: string | null;
}

export function isSuccess(outcome: AttemptOutcome): boolean {
  return outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
}

const MAX_RESPONSE_BYTES = 64 * 1024;

export async function attemptDelivery(agents: OutboundAgents, request: AttemptRequest): Promise<AttemptOutcome> {
  const started = performance.now();
  try {
    const response = await axios.post(request.url, request.body, {
      headers: request.headers,
      timeout: request.timeoutMs ?? DELIVERY_TIMEOUT_MS,
      maxRedirects: 0,
      maxContentLength: MAX_RESPONSE_BYTES,
      responseType: 'text',
      transformRequest: [(data) => data],
      transformResponse: [(data) => data],
      validateStatus: () => true,
      proxy: false,
      httpAgent: agents.httpAgent,
      httpsAgent: agents.httpsAgent,
    });
    const latencyMs = Math.round(performance.now() - started);
    const status = response.status;
    const retryAfterHeader = response.headers['retry-after'];
    const retryAfterSeconds =
      status === 429 || status === 503 ? parseRetryAfter(typeof retryAfterHeader === 'string' ? retryAfterHeader : undefined) : null;
    const error = status >= 200 && status < 300 ? null : `HTTP ${status}`;
    return { status, latencyMs, retryAfterSeconds, error };
  } catch (err) {
    const latencyMs = Math.round(performance.now() - started);
    return { status: null, latencyMs, retryAfterSeconds: null, error: describeNetworkError(err) };
  }
}

function describeNetworkError(err: unknown): string {
  if (axios.isAxiosError(err)) {
    if (err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT') return 'timed out';
    // The message of an SSRF refusal names the address class, never anything secret.
    return err.code ? `${err.code}: ${err.message}` : err.message;
  }
  return err instanceof Error ? err.message : String(err);
}
