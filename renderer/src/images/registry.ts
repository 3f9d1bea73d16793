/**
 * Image providers by model name, for `image` elements with a `prompt` instead of a `src`.
 * None is built in: the connections module registers Replicate/fal/BFL.
 */
export interface ImageRequest {
  prompt: string;
  model: string;
  width: number;
  height: number;
  /** The element's opened connection (API keys…). Never log it. */
  connection?: Record<string, unknown>;
  signal: AbortSignal;
}

export interface ImageProvider {
  /** Writes an image (PNG/JPEG/WebP) to `outFile`. */
  generate(req: ImageRequest, outFile: string): Promise<void>;
}

const providers = new Map<string, ImageProvider>();

export function registerImageProvider(model: string, provider: ImageProvider): void {
  providers.set(model, provider);
}

export function getImageProvider(model: string): ImageProvider | undefined {
  return providers.get(model);
}

export function imageModels(): string[] {
  return [...providers.keys()];
}
