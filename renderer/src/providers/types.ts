/**
 * The request shapes the renderer hands to providers (renderer/src/voice/registry.ts and
 * renderer/src/images/registry.ts declare the same); restated here so providers stay testable alone.
 */
export interface VoiceRequestLike {
  text: string;
  voice?: string;
  model: string;
  connection?: Record<string, unknown>;
  /** The element's `model-settings`, for the provider to send what its API knows. */
  settings?: Record<string, unknown>;
  signal: AbortSignal;
}

export interface ImageRequestLike {
  prompt: string;
  model: string;
  width: number;
  height: number;
  connection?: Record<string, unknown>;
  signal: AbortSignal;
}

export interface VoiceProviderImpl {
  synthesize(req: VoiceRequestLike, outFile: string): Promise<void>;
}

export interface ImageProviderImpl {
  generate(req: ImageRequestLike, outFile: string): Promise<void>;
}
