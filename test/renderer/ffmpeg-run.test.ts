/**
 * ffmpeg is started directly (no capability checks first): a render starts one ffmpeg,
 * the one on FFMPEG_PATH. Every ffmpeg start is seen through a wrapper on FFMPEG_PATH that logs its
 * arguments and runs the real one.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { FfmpegCommand } from '../../renderer/src/compile/command';
import { tmpDir } from './helpers';

const dir = tmpDir('ffmpeg-run');
const log = path.join(dir, 'starts.log');
const wrapper = path.join(dir, 'ffmpeg');
const realFfmpeg = execFileSync('sh', ['-c', 'command -v ffmpeg'], { encoding: 'utf8' }).trim();

beforeAll(() => {
  writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realFfmpeg}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  process.env.FFMPEG_PATH = wrapper;
});
afterAll(() => {
  delete process.env.FFMPEG_PATH;
  rmSync(dir, { recursive: true, force: true });
});

const starts = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n') : []);

test('a render starts exactly one ffmpeg (no capability checks first), found through FFMPEG_PATH, with its graph in a file', async () => {
  const { runFfmpeg } = await import('../../renderer/src/run/ffmpeg');

  const output = path.join(dir, 'out.mp4');
  const command: FfmpegCommand = {
    inputs: [],
    filterGraph: ['color=c=red:s=64x36:r=10:d=0.5[vout]'],
    outputOptions: ['-map', '[vout]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'mp4'],
    output,
    duration: 0.5,
  };
  const progress: number[] = [];
  await runFfmpeg(command, { onProgress: (p) => progress.push(p) });
  await runFfmpeg(command);
  const after = starts();
  expect(after).toHaveLength(2);
  expect(after.every((line) => line.includes(output) && line.includes('-filter_complex_script') && !line.includes('color=c=red'))).toBe(true);
  expect(existsSync(output)).toBe(true);
  expect(progress[progress.length - 1]).toBe(100);
});

test('two commands started at once in one work dir, in the same millisecond, each run their own graph', async () => {
  const { runFfmpeg } = await import('../../renderer/src/run/ffmpeg');
  const work = path.join(dir, 'shared-work');
  mkdirSync(work, { recursive: true });
  const still = (colour: string): FfmpegCommand => ({
    inputs: [],
    filterGraph: [`color=c=${colour}:s=16x16:d=0.1,format=rgb24[vout]`],
    outputOptions: ['-map', '[vout]', '-frames:v', '1', '-f', 'rawvideo'],
    output: path.join(work, `${colour}.rgb`),
    duration: 0.1,
  });
  // A segmented render starts its segments and its sound mix like this: the same clock reading for both.
  const now = jest.spyOn(Date, 'now').mockReturnValue(1_700_000_000_000);
  try {
    await Promise.all([runFfmpeg(still('red'), { workDir: work }), runFfmpeg(still('blue'), { workDir: work })]);
  } finally {
    now.mockRestore();
  }
  expect([...readFileSync(path.join(work, 'red.rgb')).subarray(0, 3)]).toEqual([255, 0, 0]);
  expect([...readFileSync(path.join(work, 'blue.rgb')).subarray(0, 3)]).toEqual([0, 0, 255]);
});
