import { createHash, randomUUID } from 'node:crypto';
import { copyFile, mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { providerSettings } from './http';

/**
 * Generated speech cached on disk by (provider, voice, model, text): the same line in the next render
 * costs no provider credits and no time. Keys are hashes, so the cache directory reveals no text.
 * Entries are written under a temporary name and renamed, so a crash never leaves half a file behind.
 */
export function voiceCacheKey(parts: { provider: string; voice: string; model?: string; text: string }): string {
  return createHash('sha256').update(JSON.stringify([parts.provider, parts.voice, parts.model ?? '', parts.text])).digest('hex');
}

function cachePath(key: string): string {
  return path.join(providerSettings.cacheDir, key.slice(0, 2), `${key}.audio`);
}

/** Copies a cached entry to `outFile`; false when there is none. */
export async function readVoiceCache(key: string, outFile: string): Promise<boolean> {
  const file = cachePath(key);
  try {
    if ((await stat(file)).size === 0) return false;
    await copyFile(file, outFile);
    return true;
  } catch {
    return false;
  }
}

export async function writeVoiceCache(key: string, sourceFile: string): Promise<void> {
  const file = cachePath(key);
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomUUID()}.tmp`;
  await copyFile(sourceFile, tmp);
  await rename(tmp, file);
}

/** Runs `synthesize` unless the cache has the audio; stores what it produced. */
export async function cachedSpeech(parts: { provider: string; voice: string; model?: string; text: string }, outFile: string, synthesize: () => Promise<void>): Promise<{ cached: boolean }> {
  const key = voiceCacheKey(parts);
  if (await readVoiceCache(key, outFile)) return { cached: true };
  await synthesize();
  await writeVoiceCache(key, outFile).catch(() => undefined); // a cache that cannot be written is not a render failure
  return { cached: false };
}
