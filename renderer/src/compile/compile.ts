/**
 * compile: Plan → one ffmpeg command with one filter graph. Pure (no I/O, no clock, no randomness):
 * the same plan always gives the same argv, which the snapshot tests pin down.
 */
import type { Plan } from '../normalise/plan';
import { compileAudio } from './audio';
import type { FfmpegCommand } from './command';
import { compileEncode } from './encode';
import { compileFinish } from './finish';
import { compileInputs } from './inputs';
import { compileScenes, type GraphBuilder } from './scenes';

export function compile(plan: Plan): FfmpegCommand {
  const waves = [...plan.scenes.flatMap((s) => s.layers), ...plan.overlays].filter((l) => l.source.kind === 'audiogram').length;
  const chains: string[] = [];
  let wave = 0;
  const builder: GraphBuilder = { chains, nextWave: () => `wave${wave++}` };
  // Audio first: audiogram layers read copies of the mix.
  if (plan.format !== 'gif' || waves > 0) compileAudio(plan, chains, waves);
  if (plan.format === 'gif' && waves > 0) chains.push('[aout]anullsink');
  const scenes = compileScenes(plan, builder);
  compileFinish(plan, builder, scenes);
  return { inputs: compileInputs(plan), filterGraph: chains, outputOptions: compileEncode(plan), output: plan.output, duration: plan.duration };
}
