/**
 * The only place in the renderer that starts ffmpeg/ffprobe (through fluent-ffmpeg; the start-up
 * check below runs their `-version`). ffmpeg runs as a child process, so Node's event loop (and
 * Bull's lock renewal) stays free while it encodes.
 */
import { execFile } from 'node:child_process';
import ffmpeg from 'fluent-ffmpeg';
import { RenderError } from '../errors';
import type { FfmpegCommand } from '../compile/command';

export type MediaTool = 'ffmpeg' | 'ffprobe';

/** A process that renders or probes media found no ffmpeg/ffprobe: its message is one line saying how to get them. */
export class MediaToolsMissingError extends Error {}

function answers(bin: string): Promise<boolean> {
  return new Promise((resolve) => execFile(bin, ['-version'], { timeout: 10_000 }, (err) => resolve(!err)));
}

/**
 * Start-up check of the `reelay` commands that render or probe: without it the process starts and
 * every render fails later with fluent-ffmpeg's "Cannot find ffmpeg". Looks where fluent-ffmpeg
 * does: FFMPEG_PATH / FFPROBE_PATH first, then PATH.
 */
export async function requireMediaTools(tools: readonly MediaTool[]): Promise<void> {
  const found = await Promise.all(
    tools.map(async (tool) => {
      const configured = process.env[`${tool.toUpperCase()}_PATH`];
      return (configured !== undefined && configured !== '' && (await answers(configured))) || answers(tool);
    }),
  );
  const missing = tools.filter((_, i) => !found[i]);
  if (missing.length > 0) {
    throw new MediaToolsMissingError(
      `${missing.join(' and ')} not found on PATH; install ffmpeg (Debian/Ubuntu: sudo apt-get install -y ffmpeg; macOS: brew install ffmpeg) or set ${missing.map((t) => `${t.toUpperCase()}_PATH`).join(' / ')}`,
    );
  }
}

export interface RunOptions {
  signal?: AbortSignal;
  /** 0..100, from ffmpeg's own time= reports against the planned duration. */
  onProgress?: (percent: number) => void;
}

function seconds(timemark: string): number {
  const m = /^(-?\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(timemark);
  return m ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : 0;
}

/** The last meaningful lines of ffmpeg's stderr (progress lines dropped), for error messages. */
export function stderrTail(stderr: string, lines = 8): string {
  return stderr
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !/^(frame|size)=/.test(l.trim()))
    .slice(-lines)
    .join('\n');
}

let capabilities: Promise<void> | undefined;

/**
 * fluent-ffmpeg runs `ffmpeg -formats` and then `ffmpeg -encoders` before the first command of a
 * process (0.35 s on our CI machine) and caches the answers. This asks for both at once, early: a
 * worker calls it at start-up, a render while it prepares its assets. Failures are left to the real
 * command, which reports them with ffmpeg's own words.
 */
export function warmUpFfmpeg(): Promise<void> {
  capabilities ??= Promise.all([
    new Promise<void>((resolve) => ffmpeg.getAvailableFormats(() => resolve())),
    new Promise<void>((resolve) => ffmpeg.getAvailableEncoders(() => resolve())),
  ]).then(() => undefined);
  return capabilities;
}

export async function runFfmpeg(cmd: FfmpegCommand, opts: RunOptions = {}): Promise<void> {
  await warmUpFfmpeg();
  return runWarm(cmd, opts);
}

function runWarm(cmd: FfmpegCommand, opts: RunOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new RenderError('cancelled', 'cancelled'));
    const command = ffmpeg({ stdoutLines: 60 });
    for (const input of cmd.inputs) command.input(input.file).inputOptions(input.options);
    // fluent-ffmpeg cannot build a command without an input; a movie of plain colours has none.
    // This tiny lavfi source is never mapped, so ffmpeg ignores it.
    if (cmd.inputs.length === 0) command.input('nullsrc=s=16x16:d=0.04').inputOptions(['-f', 'lavfi']);
    command.complexFilter(cmd.filterGraph.join(';'));
    command.outputOptions(['-hide_banner', ...cmd.outputOptions]).output(cmd.output);
    let last = -1;
    command.on('progress', (p: { timemark?: string }) => {
      if (!opts.onProgress || !p.timemark) return;
      const pct = Math.max(0, Math.min(99, Math.floor((seconds(p.timemark) / cmd.duration) * 100)));
      if (pct !== last) opts.onProgress((last = pct));
    });
    const onAbort = () => command.kill('SIGKILL');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    command.on('end', () => {
      opts.signal?.removeEventListener('abort', onAbort);
      opts.onProgress?.(100);
      resolve();
    });
    command.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (opts.signal?.aborted) return reject(new RenderError('cancelled', 'cancelled'));
      const tail = stderrTail(stderr ?? '');
      reject(new RenderError('ffmpeg_failed', `ffmpeg failed: ${tail || err.message}`, { retryable: false, cause: err }));
    });
    command.run();
  });
}

export interface ProbeResult {
  duration: number;
  width?: number;
  height?: number;
  fps?: number;
  hasVideo: boolean;
  hasAudio: boolean;
  videoCodec?: string;
  audioCodec?: string;
  /** A still image (png, jpeg, webp, single-frame gif). */
  isImage: boolean;
  /** The picture may have transparent pixels (rgba, yuva, palette…). */
  hasAlpha: boolean;
  formatName?: string;
}

function rate(r?: string): number | undefined {
  if (!r) return undefined;
  const [n, d] = r.split('/').map(Number);
  return d ? n / d : n;
}

export function probe(file: string): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(file, (err, data) => {
      if (err) return reject(err);
      const v = data.streams.find((s) => s.codec_type === 'video');
      const a = data.streams.find((s) => s.codec_type === 'audio');
      const formatName = data.format.format_name;
      const isImage = Boolean(v) && /image2|png_pipe|jpeg_pipe|webp_pipe|bmp_pipe|gif|tiff_pipe|svg_pipe/.test(formatName ?? '') &&
        (!v?.nb_frames || v.nb_frames === 'N/A' || Number(v.nb_frames) <= 1) && !a;
      const d = Number(data.format.duration);
      resolve({
        duration: Number.isFinite(d) ? d : 0,
        width: v?.width,
        height: v?.height,
        fps: rate(v?.avg_frame_rate) || rate(v?.r_frame_rate),
        hasVideo: Boolean(v),
        hasAudio: Boolean(a),
        videoCodec: v?.codec_name,
        audioCodec: a?.codec_name,
        isImage,
        hasAlpha: /^(rgba|bgra|argb|abgr|ya|yuva|gbrap|pal8|rgba64|bgra64)/.test(v?.pix_fmt ?? ''),
        formatName,
      });
    });
  });
}

/** Extracts one JPEG frame at `at` seconds (the poster). A separate, tiny ffmpeg run. */
export function extractFrame(input: string, at: number, output: string, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const command = ffmpeg(input)
      .inputOptions(['-ss', at.toFixed(3)])
      .outputOptions(['-frames:v', '1', '-q:v', '3', '-update', '1'])
      .output(output)
      .on('end', () => resolve())
      .on('error', (err: Error, _o: string | null, stderr: string | null) =>
        reject(new RenderError('ffmpeg_failed', `poster extraction failed: ${stderrTail(stderr ?? '') || err.message}`, { cause: err })));
    signal?.addEventListener('abort', () => command.kill('SIGKILL'), { once: true });
    command.run();
  });
}
