import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * What an uploaded file really is, found by probing its bytes with ffprobe (the Content-Type the
 * client sent is not trusted: a script named .png must not become a movie asset). Only the formats
 * the renderer can use are accepted.
 */
export interface MediaInfo {
  kind: 'image' | 'video' | 'audio';
  mediaType: string;
  extension: string;
  width?: number;
  height?: number;
  duration?: number;
}

// ffprobe format_name → what we accept. Container names are ffprobe's (comma lists for mov/mp4).
const FORMATS: Array<{ test: RegExp; kind: MediaInfo['kind'] | 'av'; mediaType: string; extension: string }> = [
  { test: /^png_pipe$|^apng$/, kind: 'image', mediaType: 'image/png', extension: 'png' },
  { test: /^jpeg_pipe$|^mjpeg$/, kind: 'image', mediaType: 'image/jpeg', extension: 'jpg' },
  { test: /^webp_pipe$/, kind: 'image', mediaType: 'image/webp', extension: 'webp' },
  { test: /^gif$/, kind: 'image', mediaType: 'image/gif', extension: 'gif' },
  { test: /^mov,mp4/, kind: 'av', mediaType: 'video/mp4', extension: 'mp4' },
  { test: /^matroska,webm$/, kind: 'av', mediaType: 'video/webm', extension: 'webm' },
  { test: /^mp3$/, kind: 'audio', mediaType: 'audio/mpeg', extension: 'mp3' },
  { test: /^wav$/, kind: 'audio', mediaType: 'audio/wav', extension: 'wav' },
  { test: /^ogg$/, kind: 'audio', mediaType: 'audio/ogg', extension: 'ogg' },
  { test: /^flac$/, kind: 'audio', mediaType: 'audio/flac', extension: 'flac' },
  { test: /^aac$/, kind: 'audio', mediaType: 'audio/aac', extension: 'aac' },
];

interface FfprobeOutput {
  format?: { format_name?: string; duration?: string };
  streams?: Array<{ codec_type?: string; width?: number; height?: number; disposition?: { attached_pic?: number } }>;
}

function ffprobe(file: string): Promise<FfprobeOutput | null> {
  return new Promise((resolve) => {
    execFile(
      process.env.FFPROBE_PATH || 'ffprobe', // as the renderer does (run/ffmpeg.ts)
      ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file],
      { timeout: 15000, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return resolve(null);
        try {
          resolve(JSON.parse(stdout) as FfprobeOutput);
        } catch {
          resolve(null);
        }
      },
    );
  });
}

/** The media the bytes hold, or null when they are not an image, video or audio file we accept. */
export async function probeMedia(data: Buffer): Promise<MediaInfo | null> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'reelay-probe-'));
  try {
    const file = path.join(dir, 'upload');
    await writeFile(file, data);
    const info = await ffprobe(file);
    const formatName = info?.format?.format_name ?? '';
    const format = FORMATS.find((f) => f.test.test(formatName));
    if (!info || !format) return null;
    const video = info.streams?.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
    const audio = info.streams?.find((s) => s.codec_type === 'audio');
    const duration = Number(info.format?.duration);
    let kind: MediaInfo['kind'];
    let mediaType = format.mediaType;
    if (format.kind === 'av') {
      if (video) kind = 'video';
      else if (audio) {
        kind = 'audio';
        mediaType = format.extension === 'mp4' ? 'audio/mp4' : 'audio/webm';
      } else return null;
    } else {
      kind = format.kind;
      if (kind === 'image' && !video) return null;
      if (kind === 'audio' && !audio) return null;
    }
    return {
      kind,
      mediaType,
      extension: mediaType === 'audio/mp4' ? 'm4a' : format.extension,
      width: video?.width,
      height: video?.height,
      duration: Number.isFinite(duration) && kind !== 'image' ? duration : undefined,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
