/** The offline `local` voice: espeak-ng writes a WAV file. */
import { spawn } from 'node:child_process';
import { RenderError } from '../errors';
import type { VoiceProvider } from './registry';

/**
 * espeak-ng voice names look like `en`, `en-us`, `fr`, `en+f3`. Voices named for other providers
 * (`en-US-EmmaMultilingualNeural`) fall back to their language part so a movie written for a cloud
 * voice still speaks offline.
 */
export function espeakVoice(voice: string | undefined): string {
  if (!voice) return 'en';
  const v = voice.toLowerCase();
  if (/^[a-z]{2,3}(-[a-z0-9]{2,8})?(\+[a-z0-9]+)?$/.test(v)) return v;
  const m = /^([a-z]{2,3})(-[a-z]{2})?/.exec(v);
  return m ? `${m[1]}${m[2] ?? ''}` : 'en';
}

export const localVoiceProvider: VoiceProvider = {
  synthesize(req, outFile) {
    return new Promise((resolve, reject) => {
      // Text goes through stdin so nothing in it can be read as an option.
      const child = spawn('espeak-ng', ['-v', espeakVoice(req.voice), '-w', outFile, '--stdin'], { signal: req.signal, stdio: ['pipe', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
      child.on('error', (err) => reject(req.signal.aborted ? new RenderError('cancelled', 'cancelled') : new RenderError('provider_failed', `espeak-ng could not start: ${err.message}`, { cause: err })));
      child.on('close', (code) => {
        if (code === 0) resolve();
        else if (!req.signal.aborted) reject(new RenderError('provider_failed', `espeak-ng failed (${code}): ${stderr.trim()}`));
      });
      child.stdin.end(req.text);
    });
  },
};
