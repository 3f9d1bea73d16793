import { ProviderError, downloadResult, pollUntil, providerRequest, requireSecret } from './http';
import type { ImageProviderImpl } from './types';

/**
 * fal.ai queue API (fal.ai/docs/documentation/model-apis/inference/queue):
 *   POST {base}/{model_id}  Authorization: Key <key>  {prompt, image_size:{width,height}, …}
 *     → {request_id, status_url, response_url, cancel_url}
 *   GET status_url → {status: IN_QUEUE|IN_PROGRESS|COMPLETED, queue_position?}
 *   GET response_url → the model output: {images:[{url, width, height, content_type}]}
 * A failed request answers the result call with an error status and {detail}.
 */
const DEFAULT_BASE = 'https://queue.fal.run';
const DEFAULT_MODEL = 'fal-ai/flux/schnell';

export const falImage: ImageProviderImpl = {
  async generate(req, outFile) {
    const key = requireSecret('fal', req.connection, 'apiKey');
    const c = req.connection ?? {};
    const base = String(c.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
    const model = String(c.modelName ?? DEFAULT_MODEL);
    const headers = { Authorization: `Key ${key}`, 'Content-Type': 'application/json' };
    const startedAt = Date.now();
    const submitted = await providerRequest<{ request_id: string; status_url?: string; response_url?: string }>('fal', [key], {
      method: 'POST',
      url: `${base}/${model}`,
      headers,
      data: { prompt: req.prompt, image_size: { width: even(req.width), height: even(req.height) }, num_images: 1, output_format: 'png', enable_safety_checker: true },
      signal: req.signal,
    });
    // Only follow URLs on the queue host we called: the key travels with them.
    const statusUrl = sameOrigin(base, submitted.status_url) ?? `${base}/${model}/requests/${submitted.request_id}/status`;
    const responseUrl = sameOrigin(base, submitted.response_url) ?? `${base}/${model}/requests/${submitted.request_id}`;
    await pollUntil(
      'fal',
      async () => {
        const s = await providerRequest<{ status: string }>('fal', [key], { method: 'GET', url: statusUrl, headers, signal: req.signal });
        return s.status === 'COMPLETED' ? true : undefined;
      },
      { signal: req.signal, startedAt },
    );
    const result = await providerRequest<{ images?: { url?: string }[] }>('fal', [key], { method: 'GET', url: responseUrl, headers, signal: req.signal });
    const url = result.images?.[0]?.url;
    if (typeof url !== 'string') throw new ProviderError('fal completed without an image URL', false);
    await downloadResult('fal', url, outFile, req.signal, base);
  },
};

function even(n: number): number {
  return Math.max(64, Math.round(n / 16) * 16);
}

function sameOrigin(base: string, url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin === new URL(base).origin ? url : undefined;
  } catch {
    return undefined;
  }
}
