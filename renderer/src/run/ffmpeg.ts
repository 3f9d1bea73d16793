/**
 * The only place in the renderer that starts ffmpeg/ffprobe. They run as child processes started
 * here with `child_process.spawn` (FFMPEG_PATH / FFPROBE_PATH first, else PATH), so Node's event
 * loop (and Bull's lock renewal) stays free while they work, and every way a start can fail
 * (E2BIG, EAGAIN, ENOENT…) becomes a rejected promise of the render that asked for it, never an
 * uncaught exception that takes the process down.
 *
 * A render's ffmpeg is watched while it runs: the filter graph goes in a file
 * (`-filter_complex_script`: one argument may not exceed 128 KiB on Linux, a graph easily does),
 * progress comes from `-progress pipe:1`, and the child is killed (SIGKILL) when the render is
 * cancelled, when its output time stops advancing (`stalled`), or when its resident memory passes
 * the render's budget (`memory_limit`).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RenderError } from '../errors';
import type { FfmpegCommand } from '../compile/command';

export type MediaTool = 'ffmpeg' | 'ffprobe';

/** A process that renders or probes media found no ffmpeg/ffprobe: its message is one line saying how to get them. */
export class MediaToolsMissingError extends Error {}

function answers(bin: string): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      execFile(bin, ['-version'], { timeout: 10_000 }, (err) => resolve(!err));
    } catch {
      resolve(false);
    }
  });
}

/** The binary to start for a tool: `FFMPEG_PATH` / `FFPROBE_PATH` when set, else the name (PATH). */
export function toolPath(tool: MediaTool): string {
  const configured = process.env[`${tool.toUpperCase()}_PATH`];
  return configured !== undefined && configured !== '' ? configured : tool;
}

/**
 * Start-up check of the `reelay` commands that render or probe: without it the process starts and
 * every render fails later. Looks where renders do: FFMPEG_PATH / FFPROBE_PATH first, then PATH.
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

/** Default of `REELAY_RENDER_STALL_SECONDS`: ffmpeg whose output time has not moved this long is stopped. */
export const DEFAULT_STALL_SECONDS = 120;
/** Default of `REELAY_RENDER_MEMORY_MB`: the resident memory one render's ffmpeg may use. */
export const DEFAULT_MEMORY_MB = 2048;
/** How often the child's resident memory is read (/proc/<pid>/status, VmRSS). */
const MEMORY_POLL_MS = 500;

export interface RunOptions {
  signal?: AbortSignal;
  /** 0..100, from ffmpeg's own out_time reports against the planned duration. */
  onProgress?: (percent: number) => void;
  /**
   * Where the filter graph file is written (the render's work dir, removed with it). Without it a
   * temporary directory is made and removed here.
   */
  workDir?: string;
  /** Kill ffmpeg and fail with `stalled` when its output time has not advanced for this long. @default 120 */
  stallSeconds?: number;
  /** Kill ffmpeg and fail with `memory_limit` when its resident memory passes this. @default 2048 */
  memoryMb?: number;
  /** Called with the child's pid once it runs (tests and logs). */
  onSpawn?: (pid: number) => void;
  /** Run at the lowest CPU priority (nice 19): work that may wait for the rest of the render. */
  background?: boolean;
}

function lowerPriority(pid: number): void {
  try {
    os.setPriority(pid, 19);
  } catch {
    // not permitted here: it runs at normal priority
  }
}

/** The last meaningful lines of ffmpeg's stderr (progress lines dropped), for error messages. */
export function stderrTail(stderr: string, lines = 8): string {
  return stderr
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '' && !/^(frame|size)=/.test(l.trim()))
    .slice(-lines)
    .join('\n');
}


/** The argv (after the binary) of a compiled command whose graph is in `graphFile`. */
export function ffmpegArgv(cmd: FfmpegCommand, graphFile: string): string[] {
  const argv = ['-hide_banner', '-nostdin', '-y', '-nostats', '-progress', 'pipe:1'];
  for (const input of cmd.inputs) argv.push(...input.options, '-i', input.file);
  // A join (segments/join.ts) copies streams: no graph.
  if (cmd.filterGraph.length > 0) argv.push('-filter_complex_script', graphFile);
  argv.push(...cmd.outputOptions, cmd.output);
  return argv;
}

/** Resident memory of a process in bytes (Linux), or undefined when it cannot be read. */
export function residentBytes(pid: number): number | undefined {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

type KillReason = { code: 'cancelled' | 'stalled' | 'memory_limit'; message: string };

interface WatchOptions {
  signal?: AbortSignal;
  stallSeconds?: number;
  memoryMb?: number;
  /** Called with each out_time (seconds) ffmpeg reports on `-progress pipe:1`. */
  onTime?: (seconds: number) => void;
  onSpawn?: (pid: number) => void;
  /** For runs without progress reports (ffprobe, the poster): killed (`stalled`) when still running after this long. */
  maxSeconds?: number;
  /** Label for error messages: 'ffmpeg', 'poster extraction', 'ffprobe'. */
  what: string;
}

/**
 * Starts `bin args` and settles when it ends: resolves with its stdout when it exits 0, rejects with
 * a RenderError otherwise. Nothing it does throws out of the promise: spawn's synchronous errors and
 * its 'error' event are both turned into rejections.
 */
function runWatched(bin: string, args: string[], opts: WatchOptions): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    if (opts.signal?.aborted) return reject(new RenderError('cancelled', 'cancelled'));
    let child: ChildProcess;
    try {
      child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      const why = code === 'E2BIG' ? 'its command line is longer than the system allows' : (err as Error).message;
      return reject(new RenderError('ffmpeg_failed', `${opts.what} could not start: ${why}`, { cause: err }));
    }
    let settled = false;
    let killedFor: KillReason | undefined;
    let stdout = '';
    let stderr = '';
    let lineBuf = '';
    const timers: NodeJS.Timeout[] = [];
    const kill = (reason: KillReason) => {
      if (killedFor || settled) return;
      killedFor = reason;
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const onAbort = () => kill({ code: 'cancelled', message: 'cancelled' });
    const finish = (err?: RenderError) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(stdout);
    };
    child.on('error', (err: NodeJS.ErrnoException) => {
      // ENOENT/EACCES arrive here (no 'exit' follows); after a kill it may follow an exit.
      if (killedFor) return finish(new RenderError(killedFor.code, killedFor.message, { cause: err }));
      finish(new RenderError('ffmpeg_failed', `${opts.what} could not start: ${err.message}`, { cause: err }));
    });
    // A caller's callback that throws must neither leave the child unwatched nor escape as uncaught.
    const safely = (fn: () => void) => {
      try {
        fn();
      } catch {
        // reporting only
      }
    };
    if (child.pid !== undefined) {
      const pid = child.pid;
      safely(() => opts.onSpawn?.(pid));
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();

    let lastTime = -1;
    let lastAdvance = Date.now();
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (!opts.onTime && !opts.stallSeconds) {
        if (stdout.length < 1 << 20) stdout += chunk;
        return;
      }
      if (stdout.length < 1 << 20) stdout += chunk;
      lineBuf += chunk;
      const lines = lineBuf.split('\n');
      lineBuf = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^out_time_(?:us|ms)=(\d+)/.exec(line.trim());
        if (!m) continue;
        const t = Number(m[1]) / 1e6; // both keys are microseconds in ffmpeg ≥ 4
        if (t > lastTime) {
          lastTime = t;
          lastAdvance = Date.now();
          safely(() => opts.onTime?.(t));
        }
      }
      if (stdout.length >= 1 << 20) stdout = stdout.slice(-4096);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 64 * 1024) stderr = stderr.slice(-32 * 1024);
    });

    const stall = opts.stallSeconds;
    if (stall !== undefined && stall > 0) {
      const t = setInterval(() => {
        if (Date.now() - lastAdvance > stall * 1000) {
          kill({ code: 'stalled', message: `ffmpeg made no progress for ${stall} s (its output time stopped at ${Math.max(0, lastTime).toFixed(2)} s) and was stopped` });
        }
      }, Math.min(1000, stall * 250));
      t.unref();
      timers.push(t);
    }
    const most = opts.maxSeconds;
    if (most !== undefined && most > 0) {
      const t = setTimeout(() => kill({ code: 'stalled', message: `${opts.what} did not finish within ${most} s and was stopped` }), most * 1000);
      t.unref();
      timers.push(t);
    }
    const budget = opts.memoryMb;
    if (budget !== undefined && budget > 0 && child.pid !== undefined) {
      const pid = child.pid;
      const check = () => {
        const rss = residentBytes(pid);
        if (rss !== undefined && rss > budget * 1024 * 1024) {
          kill({ code: 'memory_limit', message: `ffmpeg used ${Math.round(rss / 1024 / 1024)} MB, over the render's memory budget of ${budget} MB, and was stopped` });
        }
      };
      const t = setInterval(check, MEMORY_POLL_MS);
      t.unref();
      timers.push(t);
    }

    child.on('close', (code, signal) => {
      if (killedFor) return finish(new RenderError(killedFor.code, killedFor.message));
      if (code === 0) return finish();
      const tail = stderrTail(stderr);
      finish(new RenderError('ffmpeg_failed', `${opts.what} failed: ${tail || `exit ${code ?? signal}`}`));
    });
  });
}

/**
 * Runs a compiled movie command. Its filter graph is written to a file first; progress is reported
 * as 0..99 while it runs and 100 at the end.
 */
export async function runFfmpeg(cmd: FfmpegCommand, opts: RunOptions = {}): Promise<void> {
  if (opts.signal?.aborted) throw new RenderError('cancelled', 'cancelled');
  const ownDir = opts.workDir === undefined ? await fs.mkdtemp(path.join(os.tmpdir(), 'reelay-ffmpeg-')) : undefined;
  const dir = opts.workDir ?? ownDir!;
  // A name of its own: a segmented render starts its segments and its sound mix in one work dir at
  // once, and names made of the pid and the millisecond collided (one ffmpeg ran another's graph).
  const graphFile = path.join(dir, `graph-${randomUUID()}.txt`);
  try {
    await fs.writeFile(graphFile, cmd.filterGraph.join(';\n'));
    let last = -1;
    await runWatched(toolPath('ffmpeg'), ffmpegArgv(cmd, graphFile), {
      what: 'ffmpeg',
      signal: opts.signal,
      stallSeconds: opts.stallSeconds ?? DEFAULT_STALL_SECONDS,
      memoryMb: opts.memoryMb ?? DEFAULT_MEMORY_MB,
      onSpawn: (pid) => {
        if (opts.background) lowerPriority(pid);
        opts.onSpawn?.(pid);
      },
      onTime: (seconds) => {
        if (!opts.onProgress || !(cmd.duration > 0)) return;
        const pct = Math.max(0, Math.min(99, Math.floor((seconds / cmd.duration) * 100)));
        if (pct !== last) opts.onProgress((last = pct));
      },
    });
    opts.onProgress?.(100);
  } finally {
    if (ownDir) await fs.rm(ownDir, { recursive: true, force: true });
    else await fs.rm(graphFile, { force: true });
  }
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

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  pix_fmt?: string;
}

/** What ffprobe says of a media file. Rejects with ffprobe's own words when it cannot read it. */
export async function probe(file: string, signal?: AbortSignal): Promise<ProbeResult> {
  let out: string;
  try {
    out = await runWatched(toolPath('ffprobe'), ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], { what: 'ffprobe', signal, stallSeconds: 0, maxSeconds: DEFAULT_STALL_SECONDS });
  } catch (err) {
    throw new Error(`ffprobe could not read the file: ${(err as Error).message.replace(/^ffprobe failed: /, '')}`, { cause: err });
  }
  let data: { streams?: ProbeStream[]; format?: { format_name?: string; duration?: string } };
  try {
    data = JSON.parse(out) as typeof data;
  } catch {
    throw new Error('ffprobe gave no readable answer');
  }
  const streams = data.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video');
  const a = streams.find((s) => s.codec_type === 'audio');
  const formatName = data.format?.format_name;
  const isImage = Boolean(v) && /image2|png_pipe|jpeg_pipe|webp_pipe|bmp_pipe|gif|tiff_pipe|svg_pipe/.test(formatName ?? '') &&
    (!v?.nb_frames || v.nb_frames === 'N/A' || Number(v.nb_frames) <= 1) && !a;
  const d = Number(data.format?.duration);
  return {
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
  };
}

/** Extracts one JPEG frame at `at` seconds (the poster). A separate, tiny ffmpeg run. */
export async function extractFrame(input: string, at: number, output: string, signal?: AbortSignal, memoryMb = DEFAULT_MEMORY_MB): Promise<void> {
  try {
    await runWatched(toolPath('ffmpeg'), ['-hide_banner', '-nostdin', '-y', '-ss', at.toFixed(3), '-i', input, '-frames:v', '1', '-q:v', '3', '-update', '1', output], {
      what: 'poster extraction', signal, memoryMb, stallSeconds: 0, maxSeconds: DEFAULT_STALL_SECONDS,
    });
  } catch (err) {
    if (err instanceof RenderError && err.code !== 'ffmpeg_failed') throw err;
    throw new RenderError('ffmpeg_failed', (err as Error).message, { cause: err });
  }
}
