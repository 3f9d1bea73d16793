/**
 * Joining a segmented movie: the segments' pictures one after the other through ffmpeg's concat
 * demuxer without re-encoding (`-c copy`: every segment was encoded with the same settings and
 * starts with a key frame, as each is an encoder run of its own), with the movie's one sound track.
 * Each segment's length is written in the list in exact frames: the demuxer would otherwise offset
 * the next segment by the file's duration as MP4 rounds it (to the millisecond), and the frames
 * would drift from their 1/fps ticks.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { FfmpegCommand } from '../compile/command';
import { num, quotePath } from '../compile/escape';

export interface JoinInput {
  /** Segment files in order, and how many frames each holds. */
  segments: { file: string; frames: number }[];
  audioFile: string;
  fps: number;
  format: 'mp4' | 'webm';
  /** Seconds of the movie (the single graph's `-t`). */
  duration: number;
  output: string;
}

/** The concat demuxer's list (`ffconcat version 1.0`), written next to the segments. */
export function concatList(segments: JoinInput['segments'], fps: number): string {
  // Exact durations: a rational number of seconds written with enough digits that rounding to the
  // microsecond (the demuxer's time base) lands each segment on its first frame's tick.
  const lines = ['ffconcat version 1.0'];
  for (const s of segments) lines.push(`file ${quotePath(s.file)}`, `duration ${(s.frames / fps).toFixed(9)}`);
  return lines.join('\n') + '\n';
}

/** Writes the list into `workDir` and returns the join command (run by run/ffmpeg.ts). */
export async function joinCommand(input: JoinInput, workDir: string): Promise<FfmpegCommand> {
  const list = path.join(workDir, 'segments.ffconcat');
  await fs.writeFile(list, concatList(input.segments, input.fps));
  const container = input.format === 'webm' ? ['-f', 'webm'] : ['-movflags', '+faststart', '-f', 'mp4'];
  return {
    inputs: [{ file: list, options: ['-f', 'concat', '-safe', '0'] }, { file: input.audioFile, options: [] }],
    filterGraph: [],
    outputOptions: ['-map', '0:v', '-map', '1:a', '-c', 'copy', '-t', num(input.duration), ...container],
    output: input.output,
    duration: input.duration,
  };
}
