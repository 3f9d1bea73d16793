import { azureVoice } from './azure';
import { bflImage } from './bfl';
import { elevenlabsVoice } from './elevenlabs';
import { falImage } from './fal';
import { replicateImage } from './replicate';
import type { ImageProviderImpl, VoiceProviderImpl } from './types';

export { ProviderError, configureProviders, providerSettings } from './http';
export { voiceCacheKey } from './voice-cache';
export type { ImageProviderImpl, ImageRequestLike, VoiceProviderImpl, VoiceRequestLike } from './types';

/** Voice models served through a connection (`local` is the renderer's own espeak-ng). */
export const voiceProviders: Record<string, VoiceProviderImpl> = {
  elevenlabs: elevenlabsVoice,
  'elevenlabs-flash-v2-5': elevenlabsVoice,
  azure: azureVoice,
};

/** Image models served through a connection. */
export const imageProviders: Record<string, ImageProviderImpl> = {
  replicate: replicateImage,
  fal: falImage,
  flux: bflImage,
};
