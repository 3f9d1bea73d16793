import { ProviderError, downloadResult, pollUntil, providerRequest, requireSecret } from './http';
import type { ImageProviderImpl } from './types';

/**
 * Replicate, official models by name (replicate.com/docs/reference/http#models.predictions.create,
 * replicate.com/docs/topics/predictions/lifecycle):
 *   POST {base}/v1/models/{owner}/{name}/predictions  Authorization: Bearer <token>  {input:{…}}
 *     → prediction {id, status: starting|processing|succeeded|failed|canceled, output, error, urls:{get}}
 *   GET {base}/v1/predictions/{id} until a terminal status; output is a URL or an array of URLs.
 * flux-schnell takes an aspect ratio rather than pixel sizes; the renderer scales the image to fit.
 */
const DEFAULT_BASE = 'https://api.replicate.com';
const DEFAULT_MODEL = 'black-forest-labs/flux-schnell';
const ASPECT_RATIOS = ['1:1', '16:9', '21:9', '3:2', '2:3', '4:5', '5:4', '3:4', '4:3', '9:16', '9:21'];

interface Prediction {
  id: string;
  status: 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  output?: unknown;
  error?: unknown;
  urls?: { get?: string };
}

export const replicateImage: ImageProviderImpl = {
  async generate(req, outFile) {
    const token = requireSecret('Replicate', req.connection, 'apiToken');
    const c = req.connection ?? {};
    const base = String(c.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
    const model = String(c.modelName ?? DEFAULT_MODEL);
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const startedAt = Date.now();
    let prediction = await providerRequest<Prediction>('Replicate', [token], {
      method: 'POST',
      url: `${base}/v1/models/${model}/predictions`,
      headers,
      data: { input: { prompt: req.prompt, aspect_ratio: nearestAspectRatio(req.width, req.height), output_format: 'png', num_outputs: 1 } },
      signal: req.signal,
    });
    const getUrl = `${base}/v1/predictions/${encodeURIComponent(prediction.id)}`;
    prediction = await pollUntil(
      'Replicate',
      async () => {
        if (isTerminal(prediction.status)) return prediction;
        prediction = await providerRequest<Prediction>('Replicate', [token], { method: 'GET', url: getUrl, headers, signal: req.signal });
        return isTerminal(prediction.status) ? prediction : undefined;
      },
      { signal: req.signal, startedAt },
    );
    if (prediction.status !== 'succeeded') {
      throw new ProviderError(`Replicate prediction ${prediction.status}${prediction.error ? `: ${String(prediction.error).slice(0, 300)}` : ''}`, false);
    }
    const url = Array.isArray(prediction.output) ? prediction.output[0] : prediction.output;
    if (typeof url !== 'string') throw new ProviderError('Replicate prediction succeeded without an image URL', false);
    await downloadResult('Replicate', url, outFile, req.signal, base);
  },
};

function isTerminal(status: Prediction['status']): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'canceled';
}

export function nearestAspectRatio(width: number, height: number): string {
  const target = Math.log(width / height);
  let best = ASPECT_RATIOS[0];
  for (const r of ASPECT_RATIOS) {
    const [w, h] = r.split(':').map(Number);
    if (Math.abs(Math.log(w / h) - target) < Math.abs(Math.log(Number(best.split(':')[0]) / Number(best.split(':')[1])) - target)) best = r;
  }
  return best;
}
