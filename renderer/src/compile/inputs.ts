/** Stage 1: plan inputs → `-i` arguments. Stills are read once (one frame) and repeated in the graph. */
import type { Plan } from '../normalise/plan';
import type { FfmpegInput } from './command';
import { num } from './escape';

/** What is known of a still's source picture (from its probe), to decode it no larger than shown. */
export interface StillSource {
  codec?: string;
  width?: number;
  height?: number;
}

/**
 * The JPEG decoder can decode at 1/2, 1/4 or 1/8 of the size (`-lowres 1..3`): a 15000×15000 photo
 * shown at 1920×1080 is then decoded at 3750×3750 (56 MB) instead of 15000×15000 (900 MB). The
 * largest factor that keeps the decoded picture at least as large as its box on both axes is used;
 * none when the element crops its source (the crop is in source pixels) or the size is unknown.
 */
export function jpegLowres(source: StillSource | undefined, shown: { width: number; height: number } | undefined): number {
  if (!source || !shown || !source.width || !source.height) return 0;
  if (source.codec !== 'mjpeg') return 0;
  let k = 0;
  while (k < 3 && Math.floor(source.width / 2 ** (k + 1)) >= shown.width && Math.floor(source.height / 2 ** (k + 1)) >= shown.height) k++;
  return k;
}

/**
 * `shown`: for a still, the size of the box its single layer draws it in, when that layer does not
 * crop it (see compile.ts); `sources`: probe facts of stills by input index.
 */
export function compileInputs(plan: Plan, sources: ReadonlyMap<number, StillSource> = new Map(), shown: ReadonlyMap<number, { width: number; height: number }> = new Map()): FfmpegInput[] {
  return plan.inputs.map((input, index) => {
    if (input.still) {
      const lowres = jpegLowres(sources.get(index), shown.get(index));
      return { file: input.file, options: lowres > 0 ? ['-lowres', String(lowres)] : [] };
    }
    const options: string[] = [];
    // The HTML engine's frames: each picture once, with its length and rate (html/capture.ts). The
    // list is the engine's own (never a user's): `-safe 0` lets it set each picture's rate.
    // Its pictures change format (RGB when opaque): the layer's chain converts them (compile/layer.ts).
    if (input.pngFrames) options.push('-reinit_filter', '0', '-f', 'concat', '-safe', '0');
    if (input.loop !== 0) options.push('-stream_loop', String(input.loop));
    if (input.seek > 0) options.push('-ss', num(input.seek));
    options.push('-t', num(input.duration));
    return { file: input.file, options };
  });
}
