import { writeFile } from 'node:fs/promises';
import { ProviderError, providerRequest, requireSecret } from './http';
import type { VoiceProviderImpl } from './types';
import { cachedSpeech } from './voice-cache';

/**
 * Azure AI Speech text to speech, REST (learn.microsoft.com/azure/ai-services/speech-service/rest-text-to-speech):
 *   POST https://{region}.tts.speech.microsoft.com/cognitiveservices/v1
 *   headers Ocp-Apim-Subscription-Key, Content-Type: application/ssml+xml,
 *           X-Microsoft-OutputFormat: audio-24khz-96kbitrate-mono-mp3, User-Agent
 *   body SSML <speak version='1.0' xml:lang='…'><voice name='…'>text</voice></speak>; answer: audio bytes.
 */
const DEFAULT_VOICE = 'en-US-AvaMultilingualNeural';

export const azureVoice: VoiceProviderImpl = {
  async synthesize(req, outFile) {
    const key = requireSecret('Azure Speech', req.connection, 'subscriptionKey');
    const c = req.connection ?? {};
    const region = typeof c.region === 'string' ? c.region : '';
    if (!c.endpoint && !/^[a-z0-9]+$/.test(region)) throw new ProviderError('Azure Speech: the connection has no valid region', false);
    const url = c.endpoint ? String(c.endpoint) : `https://${region}.tts.speech.microsoft.com/cognitiveservices/v1`;
    const voice = req.voice || (c.voice as string | undefined) || DEFAULT_VOICE;
    const lang = /^[a-z]{2,3}-[A-Z]{2}/.exec(voice)?.[0] ?? 'en-US';
    await cachedSpeech({ provider: 'azure', voice, text: req.text }, outFile, async () => {
      const audio = await providerRequest<ArrayBuffer>('Azure Speech', [key], {
        method: 'POST',
        url,
        headers: {
          'Ocp-Apim-Subscription-Key': key,
          'Content-Type': 'application/ssml+xml',
          'X-Microsoft-OutputFormat': 'audio-24khz-96kbitrate-mono-mp3',
          'User-Agent': 'reelay',
        },
        data: ssml(voice, lang, req.text),
        responseType: 'arraybuffer',
        signal: req.signal,
      });
      if (audio.byteLength === 0) throw new ProviderError('Azure Speech returned no audio', true);
      await writeFile(outFile, Buffer.from(audio));
    });
  },
};

export function ssml(voice: string, lang: string, text: string): string {
  return `<speak version='1.0' xml:lang='${xml(lang)}'><voice name='${xml(voice)}'>${xml(text)}</voice></speak>`;
}

/** Text goes into XML: escape it so a quote or angle bracket in a line cannot break (or inject) SSML. */
function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;');
}
