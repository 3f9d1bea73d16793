/**
 * Stage 5: movie-level overlays (watermarks, logos, audiograms) over the joined scenes, the draft
 * watermark, burned-in subtitles (libass), and the output pixel format → `[vout]`.
 */
import type { Plan } from '../normalise/plan';
import { quotePath } from './escape';
import { overlayLayers, type GraphBuilder } from './scenes';

export function compileFinish(plan: Plan, b: GraphBuilder, scenes: string): string {
  let current = overlayLayers(b, scenes, plan.overlays, 'm', plan.fps);
  const post: string[] = [];
  if (plan.draft) {
    post.push(`drawtext=fontfile=${quotePath(plan.draft.fontFile)}:text=DRAFT:fontsize=h/6:fontcolor=white@0.35:x=(w-text_w)/2:y=(h-text_h)/2:borderw=2:bordercolor=black@0.35`);
  }
  // A segment's frame 0 is frame movieFrame of the movie: libass must see movie times (pts are frames here).
  const shift = plan.segment?.movieFrame ?? 0;
  if (plan.subtitles) post.push(...(shift ? [`setpts=PTS+${shift}`] : []), `ass=filename=${quotePath(plan.subtitles.file)}${plan.subtitles.fontsDir ? `:fontsdir=${quotePath(plan.subtitles.fontsDir)}` : ''}`, ...(shift ? [`setpts=PTS-${shift}`] : []));
  if (plan.segment) {
    const { skipFrames, frames } = plan.segment;
    post.push(`trim=start_frame=${skipFrames}:end_frame=${skipFrames + frames}`, 'setpts=PTS-STARTPTS');
  }
  if (plan.format === 'gif') {
    b.chains.push(`[${current}]${[...post, 'split'].join(',')}[gif0][gif1]`);
    b.chains.push('[gif0]palettegen=stats_mode=diff[palette]');
    b.chains.push('[gif1][palette]paletteuse=dither=bayer:bayer_scale=3[vout]');
    return 'vout';
  }
  b.chains.push(`[${current}]${[...post, 'format=yuv420p'].join(',')}[vout]`);
  current = 'vout';
  return current;
}
