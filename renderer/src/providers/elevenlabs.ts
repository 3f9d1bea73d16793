import { writeFile } from 'node:fs/promises';
import { ProviderError, providerRequest, requireSecret } from './http';
import type { VoiceProviderImpl } from './types';
import { cachedSpeech } from './voice-cache';

/**
 * ElevenLabs text to speech.
 * API (elevenlabs.io/docs/api-reference/text-to-speech/convert):
 *   POST {base}/v1/text-to-speech/{voice_id}?output_format=mp3_44100_128
 *   headers xi-api-key; body {text, model_id}; answer: the audio bytes (audio/mpeg).
 * Voices are addressed by id; a name such as "Adam" is looked up once per render with
 *   GET {base}/v1/voices → {voices:[{voice_id, name}]} (elevenlabs.io/docs/api-reference/voices/search).
 */
const DEFAULT_BASE = 'https://api.elevenlabs.io';
const DEFAULT_MODEL = 'eleven_multilingual_v2';
/** JSON2Video's element `model` values that name an ElevenLabs model of their own (json2video.com/docs, voice element). */
const MODEL_IDS: Record<string, string> = { 'elevenlabs-flash-v2-5': 'eleven_flash_v2_5' };
const DEFAULT_VOICE = 'Rachel';
const VOICE_ID = /^[A-Za-z0-9]{20}$/;

/**
 * The element's `model-settings` ElevenLabs' convert endpoint takes (JSON2Video passes them on):
 * `language_code`, `seed`, and `voice_settings` (stability, similarity_boost, style, speed,
 * use_speaker_boost). Anything else is not sent.
 */
function requestSettings(settings: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!settings) return out;
  if (typeof settings.language_code === 'string') out.language_code = settings.language_code;
  if (typeof settings.seed === 'number') out.seed = settings.seed;
  const vs = settings.voice_settings;
  if (vs && typeof vs === 'object' && !Array.isArray(vs)) {
    const picked = Object.fromEntries(Object.entries(vs).filter(([k, v]) => VOICE_SETTINGS.has(k) && (typeof v === 'number' || typeof v === 'boolean')));
    if (Object.keys(picked).length) out.voice_settings = picked;
  }
  return out;
}
const VOICE_SETTINGS = new Set(['stability', 'similarity_boost', 'style', 'speed', 'use_speaker_boost']);

export const elevenlabsVoice: VoiceProviderImpl = {
  async synthesize(req, outFile) {
    const apiKey = requireSecret('ElevenLabs', req.connection, 'apiKey');
    const c = req.connection ?? {};
    const base = String(c.baseUrl ?? DEFAULT_BASE).replace(/\/+$/, '');
    const voice = req.voice || (c.voice as string | undefined) || DEFAULT_VOICE;
    const modelId = (c.modelId as string | undefined) || MODEL_IDS[req.model] || DEFAULT_MODEL;
    const headers = { 'xi-api-key': apiKey };
    const extra = requestSettings(req.settings);
    const model = Object.keys(extra).length ? `${modelId} ${JSON.stringify(extra)}` : modelId;
    await cachedSpeech({ provider: 'elevenlabs', voice, model, text: req.text }, outFile, async () => {
      const voiceId = VOICE_ID.test(voice) ? voice : await findVoiceId(base, headers, voice, apiKey, req.signal);
      const audio = await providerRequest<ArrayBuffer>('ElevenLabs', [apiKey], {
        method: 'POST',
        url: `${base}/v1/text-to-speech/${encodeURIComponent(voiceId)}`,
        params: { output_format: 'mp3_44100_128' },
        headers: { ...headers, accept: 'audio/mpeg', 'content-type': 'application/json' },
        data: { text: req.text, model_id: modelId, ...extra },
        responseType: 'arraybuffer',
        signal: req.signal,
      });
      if (audio.byteLength === 0) throw new ProviderError('ElevenLabs returned no audio', true);
      await writeFile(outFile, Buffer.from(audio));
    });
  },
};

async function findVoiceId(base: string, headers: Record<string, string>, name: string, apiKey: string, signal: AbortSignal): Promise<string> {
  const body = await providerRequest<{ voices?: { voice_id: string; name: string }[] }>('ElevenLabs', [apiKey], {
    method: 'GET',
    url: `${base}/v1/voices`,
    headers,
    signal,
  });
  const wanted = name.toLowerCase();
  const match = body.voices?.find((v) => v.name?.toLowerCase() === wanted) ?? body.voices?.find((v) => v.name?.toLowerCase().startsWith(`${wanted} `));
  if (!match) throw new ProviderError(`ElevenLabs has no voice named "${name}" in this account`, false);
  return match.voice_id;
}
