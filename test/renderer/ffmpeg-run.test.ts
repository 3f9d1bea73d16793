/**
 * fluent-ffmpeg asks ffmpeg for its formats and encoders before its first command in a process. The
 * warm-up asks once, both at once, so the render itself starts a single ffmpeg. Every ffmpeg start is
 * seen through a wrapper on FFMPEG_PATH that logs its arguments and runs the real one.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

test('the capability check runs once per process, and a render after the warm-up starts one ffmpeg', async () => {
  let mod: typeof import('../../renderer/src/run/ffmpeg') | undefined;
  await jest.isolateModulesAsync(async () => {
    mod = await import('../../renderer/src/run/ffmpeg');
  });
  const { warmUpFfmpeg, runFfmpeg } = mod!;
  await Promise.all([warmUpFfmpeg(), warmUpFfmpeg()]);
  expect(starts().sort()).toEqual(['-encoders', '-formats']);

  const output = path.join(dir, 'out.mp4');
  const command: FfmpegCommand = {
    inputs: [],
    filterGraph: ['color=c=red:s=64x36:r=10:d=0.5[vout]'],
    outputOptions: ['-map', '[vout]', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-f', 'mp4'],
    output,
    duration: 0.5,
  };
  await runFfmpeg(command);
  await runFfmpeg(command);
  const after = starts();
  expect(after).toHaveLength(4);
  expect(after.slice(2).every((line) => line.includes(output) && !/-formats|-encoders/.test(line))).toBe(true);
  expect(existsSync(output)).toBe(true);
});
