/**
 * Test helpers for renderer suites: generated media (ffmpeg lavfi), a real HTTP server on 127.0.0.1,
 * and ways to look at output (ffprobe, one frame as raw RGB, audio level of a time window).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { renderMovie, type RenderResult } from '../../renderer/src/render/render-movie';

export function tmpDir(name: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `reelay-test-${name}-`));
}

const ff = (args: string[]) => execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);

/** Generates the media the golden movies use, once per directory. */
export function makeMedia(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const png = (name: string, colour: string, size = '64x64') => ff(['-f', 'lavfi', '-i', `color=${colour}:s=${size}`, '-frames:v', '1', path.join(dir, name)]);
  png('red.png', 'red');
  png('green.png', 'lime');
  png('blue.png', 'blue');
  png('wide-blue.png', 'blue', '128x64');
  // Three vertical bands red | green | blue (126×64): shows how resize modes map the source.
  ff(['-f', 'lavfi', '-i', 'color=red:s=42x64', '-f', 'lavfi', '-i', 'color=lime:s=42x64', '-f', 'lavfi', '-i', 'color=blue:s=42x64', '-filter_complex', '[0][1][2]hstack=inputs=3', '-frames:v', '1', path.join(dir, 'bands.png')]);
  // Left half red, right half blue: shows flips and crops.
  ff(['-f', 'lavfi', '-i', 'color=red:s=32x64', '-f', 'lavfi', '-i', 'color=blue:s=32x64', '-filter_complex', '[0][1]hstack', '-frames:v', '1', path.join(dir, 'halves.png')]);
  // 2 s of green video with a 1 kHz tone.
  ff(['-f', 'lavfi', '-i', 'color=lime:s=96x54:r=10:d=2', '-f', 'lavfi', '-i', 'sine=f=1000:d=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path.join(dir, 'green.mp4')]);
  ff(['-f', 'lavfi', '-i', 'sine=f=440:d=1', path.join(dir, 'tone1s.wav')]);
  ff(['-f', 'lavfi', '-i', 'sine=f=440:d=0.5', path.join(dir, 'tone05.wav')]);
}

export interface AssetServer {
  url: string;
  close(): Promise<void>;
  hits: string[];
}

/** Serves `dir` on 127.0.0.1, plus /redirect?to=URL, /status/NNN and /slow. */
export async function serveDir(dir: string): Promise<AssetServer> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    hits.push(u.pathname);
    if (u.pathname === '/redirect') {
      res.writeHead(302, { location: u.searchParams.get('to') ?? '/' }).end();
      return;
    }
    const status = /^\/status\/(\d{3})$/.exec(u.pathname);
    if (status) {
      res.writeHead(Number(status[1])).end('nope');
      return;
    }
    const file = path.join(dir, path.basename(u.pathname));
    if (!existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200).end(readFileSync(file));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => server.close(() => r())) };
}

export interface RenderHarness {
  dir: string;
  render(movie: unknown, opts?: { project?: string; local?: boolean }): Promise<RenderResult>;
  cleanup(): void;
}

/** Renders through the real pipeline with loopback assets allowed (the test server). */
export function harness(name: string): RenderHarness {
  const dir = tmpDir(name);
  return {
    dir,
    render: (movie, opts = {}) =>
      renderMovie({ project: opts.project ?? 'movie', movie, outputDir: path.join(dir, 'out'), dataDir: path.join(dir, 'data'), allowPrivateUrls: true, localBaseDir: opts.local ? path.join(dir, 'media') : undefined }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Probe {
  duration: number;
  streams: { codec_type: string; codec_name: string; width?: number; height?: number; r_frame_rate?: string; pix_fmt?: string; nb_frames?: string }[];
}

export function ffprobe(file: string): Probe {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height,r_frame_rate,pix_fmt,nb_frames', '-of', 'json', file], { encoding: 'utf8' });
  const j = JSON.parse(out) as { format: { duration: string }; streams: Probe['streams'] };
  return { duration: Number(j.format.duration), streams: j.streams };
}

export interface Frame {
  width: number;
  height: number;
  data: Buffer;
  at(x: number, y: number): [number, number, number];
}

/** One decoded frame at `t` seconds as rgb24. */
export function frameAt(file: string, t: number): Frame {
  const p = ffprobe(file).streams.find((s) => s.codec_type === 'video')!;
  const data = execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-ss', String(t), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 64 * 1024 * 1024 });
  const width = p.width!;
  const height = p.height!;
  if (data.length < width * height * 3) throw new Error(`no frame at ${t}s in ${file}`);
  return {
    width, height, data,
    at(x, y) {
      const i = (Math.round(y) * width + Math.round(x)) * 3;
      return [data[i], data[i + 1], data[i + 2]];
    },
  };
}

/** Named colours a sampled pixel should be close to (H.264 + yuv420p shifts colours a little). */
export const COLOURS = {
  red: [255, 0, 0], green: [0, 255, 0], blue: [0, 0, 255], black: [0, 0, 0], white: [255, 255, 255], yellow: [255, 255, 0],
} as const;

export function near(actual: readonly number[], expected: readonly number[], tolerance = 40): boolean {
  return actual.every((v, i) => Math.abs(v - expected[i]) <= tolerance);
}

export function expectColour(frame: Frame, x: number, y: number, colour: keyof typeof COLOURS, tolerance = 40): void {
  const got = frame.at(x, y);
  if (!near(got, COLOURS[colour], tolerance)) {
    throw new Error(`pixel (${x},${y}) is rgb(${got.join(',')}), expected ${colour}`);
  }
}

/** Mean volume in dB of [start, start+duration); -Infinity or about -91 for digital silence. */
export function volume(file: string, start: number, duration: number): number {
  const res = spawnSync('ffmpeg', ['-hide_banner', '-ss', String(start), '-t', String(duration), '-i', file, '-vn', '-af', 'volumedetect', '-f', 'null', '-'], { encoding: 'utf8' });
  const m = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(res.stderr);
  if (!m || m[1] === '-inf') return -Infinity;
  return Number(m[1]);
}
