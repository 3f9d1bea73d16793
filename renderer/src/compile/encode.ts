/**
 * Stage 6: encoder settings. `quality` maps to documented settings (README "Movie JSON"):
 * MP4 = H.264 (libx264 veryfast) yuv420p + AAC, faststart; low/medium/high = CRF 28/23/20, AAC 96/128/192 kb/s.
 * WebM = VP9 realtime + Opus (CRF 40/33/28). GIF = palette per movie, no sound.
 * A segment of a long movie (plan.segment) is picture only with the same video settings, so the
 * segments join without re-encoding; its sound comes from one mix of the whole movie (segments/).
 */
import type { Plan } from '../normalise/plan';
import { num } from './escape';

export const QUALITY = {
  low: { crf: 28, vp9: 40, audio: '96k' },
  medium: { crf: 23, vp9: 33, audio: '128k' },
  high: { crf: 20, vp9: 28, audio: '192k' },
} as const;

export function videoCodecOptions(plan: Pick<Plan, 'format' | 'quality'>): string[] {
  const q = QUALITY[plan.quality];
  if (plan.format === 'webm') return ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-row-mt', '1', '-crf', String(q.vp9), '-b:v', '0', '-pix_fmt', 'yuv420p'];
  return ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', String(q.crf), '-pix_fmt', 'yuv420p'];
}

export function audioCodecOptions(plan: Pick<Plan, 'format' | 'quality'>): string[] {
  const q = QUALITY[plan.quality];
  if (plan.format === 'webm') return ['-c:a', 'libopus', '-b:a', q.audio];
  return ['-c:a', 'aac', '-b:a', q.audio, '-ar', '48000'];
}

export function compileEncode(plan: Plan): string[] {
  const common = ['-t', num(plan.duration), '-r', String(plan.fps)];
  if (plan.format === 'gif') return ['-map', '[vout]', '-an', ...common, '-loop', '0', '-f', 'gif'];
  if (plan.segment) return ['-map', '[vout]', '-an', ...common, ...videoCodecOptions(plan), '-f', plan.format];
  const maps = ['-map', '[vout]', '-map', '[aout]'];
  if (plan.format === 'webm') return [...maps, ...common, ...videoCodecOptions(plan), ...audioCodecOptions(plan), '-f', 'webm'];
  return [...maps, ...common, ...videoCodecOptions(plan), ...audioCodecOptions(plan), '-movflags', '+faststart', '-f', 'mp4'];
}
