import { ProviderError, downloadResult, pollUntil, providerRequest, requireSecret } from './http';
import type { ImageProviderImpl } from './types';

/**
 * Black Forest Labs (Flux) API (docs.bfl.ai/quick_start/generating_images):
 *   POST {base}/v1/{model}  x-key: <key>  {prompt, width, height, output_format}
 *     → {id, polling_url}
 *   GET polling_url (x-key) → {id, status: Pending|Ready|Error|Failed|Request Moderated|Content Moderated|Task not found,
 *                             result: {sample: <signed URL>}}
 * Width and height are multiples of 32 between 256 and 1440.
 */
const DEFAULT_BASE = 'https://api.bfl.ai';
const DEFAULT_MODEL = 'flux-pro-1.1';
const TRUSTED_POLL_HOST = /(^|\.)bfl\.(ai|ml)$/;

export const bflImage: ImageProviderImpl = {
  async generate(req, outFile) {
    const key = requireSecret('Black Forest Labs', req.connection, 'apiKey');
    const c = req.connection ?? {};
    const base = String(c.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
    const model = String(c.modelName ?? DEFAULT_MODEL);
    const headers = { 'x-key': key, accept: 'application/json', 'Content-Type': 'application/json' };
    const startedAt = Date.now();
    const task = await providerRequest<{ id: string; polling_url?: string }>('Black Forest Labs', [key], {
      method: 'POST',
      url: `${base}/v1/${model}`,
      headers,
      data: { prompt: req.prompt, width: fit(req.width), height: fit(req.height), output_format: 'png' },
      signal: req.signal,
    });
    // The polling URL may be regional; the key is only sent to BFL's own hosts (or the configured base).
    const pollUrl = trustedPollUrl(base, task.polling_url) ?? `${base}/v1/get_result?id=${encodeURIComponent(task.id)}`;
    const result = await pollUntil(
      'Black Forest Labs',
      async () => {
        const r = await providerRequest<{ status: string; result?: { sample?: string } }>('Black Forest Labs', [key], { method: 'GET', url: pollUrl, headers, signal: req.signal });
        if (r.status === 'Ready') return r;
        if (r.status === 'Pending' || r.status === 'Queued' || r.status === 'Processing') return undefined;
        throw new ProviderError(`Black Forest Labs: ${r.status}`, false);
      },
      { signal: req.signal, startedAt },
    );
    const url = result.result?.sample;
    if (typeof url !== 'string') throw new ProviderError('Black Forest Labs was ready without an image URL', false);
    await downloadResult('Black Forest Labs', url, outFile, req.signal, base);
  },
};

function fit(n: number): number {
  return Math.min(1440, Math.max(256, Math.round(n / 32) * 32));
}

function trustedPollUrl(base: string, url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    if (u.protocol !== 'https:') return undefined;
    return u.origin === new URL(base).origin || TRUSTED_POLL_HOST.test(u.hostname) ? url : undefined;
  } catch {
    return undefined;
  }
}
