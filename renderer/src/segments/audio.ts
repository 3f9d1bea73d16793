/**
 * The sound of a segmented movie: every audio layer mixed once for the whole movie (compile/audio.ts,
 * the single graph's own mix), encoded with the movie's audio settings into a file of its own that
 * the join muxes with the segments' pictures. One mix means no gap or click where segments meet.
 */
import { compileAudio } from '../compile/audio';
import type { FfmpegCommand } from '../compile/command';
import { audioCodecOptions } from '../compile/encode';
import { num } from '../compile/escape';
import { compileInputs } from '../compile/inputs';
import type { Plan } from '../normalise/plan';

/** The container the sound is written in before the join: the movie's own format. */
export function audioFileExtension(plan: Pick<Plan, 'format'>): string {
  return plan.format === 'webm' ? 'webm' : 'm4a';
}

export function compileMovieAudio(plan: Plan, output: string): FfmpegCommand {
  // Only the inputs the sound reads, renumbered (a video element's input carries its soundtrack).
  const map = new Map<number, number>();
  const inputs: Plan['inputs'] = [];
  for (const a of plan.audio) if (!map.has(a.input)) map.set(a.input, inputs.push(plan.inputs[a.input]) - 1);
  const audioPlan: Plan = { ...plan, inputs, audio: plan.audio.map((a) => ({ ...a, input: map.get(a.input)! })), scenes: [], overlays: [], output };
  const chains: string[] = [];
  compileAudio(audioPlan, chains, 0);
  return {
    inputs: compileInputs(audioPlan),
    filterGraph: chains,
    outputOptions: ['-map', '[aout]', '-vn', '-t', num(plan.duration), ...audioCodecOptions(plan), '-f', plan.format === 'webm' ? 'webm' : 'mp4'],
    output,
    duration: plan.duration,
  };
}
