/** The compiled form of a movie: what `run/` hands to ffmpeg, kept as data so it can be snapshot-tested. */
export interface FfmpegInput {
  file: string;
  /** Options placed before this `-i` (seek, duration, loop). */
  options: string[];
}

export interface FfmpegCommand {
  inputs: FfmpegInput[];
  /** One filter graph; chains are joined with `;`. */
  filterGraph: string[];
  outputOptions: string[];
  output: string;
  /** Seconds of output, for progress. */
  duration: number;
}

/** The exact argv (after the `ffmpeg` binary) the command stands for. */
export function toArgv(cmd: FfmpegCommand): string[] {
  const argv = ['-hide_banner', '-y'];
  for (const input of cmd.inputs) argv.push(...input.options, '-i', input.file);
  argv.push('-filter_complex', cmd.filterGraph.join(';'));
  argv.push(...cmd.outputOptions, cmd.output);
  return argv;
}
