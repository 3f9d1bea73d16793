/** Stage 1: plan inputs → `-i` arguments. Stills are read once (one frame) and repeated in the graph. */
import type { Plan } from '../normalise/plan';
import type { FfmpegInput } from './command';
import { num } from './escape';

export function compileInputs(plan: Plan): FfmpegInput[] {
  return plan.inputs.map((input) => {
    if (input.still) return { file: input.file, options: [] };
    const options: string[] = [];
    if (input.loop !== 0) options.push('-stream_loop', String(input.loop));
    if (input.seek > 0) options.push('-ss', num(input.seek));
    options.push('-t', num(input.duration));
    return { file: input.file, options };
  });
}
