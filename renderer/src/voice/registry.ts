/**
 * Voice providers by model name. `local` (espeak-ng, offline) is built in and is the default; the
 * connections module registers cloud providers (ElevenLabs, Azure…) under their model names.
 */
import { localVoiceProvider } from './local-espeak';

export interface VoiceRequest {
  text: string;
  voice?: string;
  model: string;
  /** The element's opened connection (API keys…), when it names one. Never log it. */
  connection?: Record<string, unknown>;
  /** The element's `model-settings`, for the provider to send what its API knows. */
  settings?: Record<string, unknown>;
  signal: AbortSignal;
}

export interface VoiceProvider {
  /** Writes speech audio (any format ffmpeg reads) to `outFile`. */
  synthesize(req: VoiceRequest, outFile: string): Promise<void>;
}

export const DEFAULT_VOICE_MODEL = 'local';
const providers = new Map<string, VoiceProvider>([['local', localVoiceProvider]]);

export function registerVoiceProvider(model: string, provider: VoiceProvider): void {
  providers.set(model, provider);
}

export function getVoiceProvider(model: string): VoiceProvider | undefined {
  return providers.get(model);
}
