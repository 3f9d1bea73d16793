/**
 * compile: Plan → one ffmpeg command with one filter graph. Pure (no I/O, no clock, no randomness):
 * the same plan always gives the same argv, which the snapshot tests pin down.
 */
import type { Plan } from '../normalise/plan';
import { compileAudio } from './audio';
import type { FfmpegCommand } from './command';
import { compileEncode } from './encode';
import { compileFinish } from './finish';
import { compileInputs, type StillSource } from './inputs';
import { compileScenes, type GraphBuilder } from './scenes';

/**
 * Boxes stills are shown in, by input index: only for a still drawn by exactly one image layer that
 * does not crop it, so the decoder may shrink it (inputs.ts) without changing the picture.
 */
function shownSizes(plan: Plan): Map<number, { width: number; height: number }> {
  const uses = new Map<number, { width: number; height: number } | null>();
  for (const layer of [...plan.scenes.flatMap((s) => s.layers), ...plan.overlays]) {
    if (layer.source.kind !== 'image') continue;
    const i = layer.source.input;
    const box = layer.effects.crop ? null : { width: layer.geometry.width, height: layer.geometry.height };
    uses.set(i, uses.has(i) ? null : box);
  }
  const out = new Map<number, { width: number; height: number }>();
  for (const [i, box] of uses) if (box) out.set(i, box);
  return out;
}

/** `stills`: optional probe facts of still inputs (codec, size) by input index; compile stays pure. */
export function compile(plan: Plan, stills: ReadonlyMap<number, StillSource> = new Map()): FfmpegCommand {
  const waves = [...plan.scenes.flatMap((s) => s.layers), ...plan.overlays].filter((l) => l.source.kind === 'audiogram').length;
  const chains: string[] = [];
  let wave = 0;
  const builder: GraphBuilder = { chains, nextWave: () => `wave${wave++}` };
  // Audio first: audiogram layers read copies of the mix.
  // A segment has no sound of its own: the movie's is mixed once (segments/audio.ts).
  if ((plan.format !== 'gif' && !plan.segment) || waves > 0) compileAudio(plan, chains, waves);
  if (plan.format === 'gif' && waves > 0) chains.push('[aout]anullsink');
  const scenes = compileScenes(plan, builder);
  compileFinish(plan, builder, scenes);
  return { inputs: compileInputs(plan, stills, shownSizes(plan)), filterGraph: chains, outputOptions: compileEncode(plan), output: plan.output, duration: plan.duration };
}
