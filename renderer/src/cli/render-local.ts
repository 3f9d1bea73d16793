/**
 * `reelay render FILE.json --local -o out.mp4`: renders on this machine without the bridge or Redis.
 * Only here may `src` be a local path (relative to the movie file).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { formatPath, RenderError } from '../errors';
import { closeBrowser } from '../html/browser';
import { renderMovie, type RenderResult } from '../render/render-movie';
import { jsonValueProblem } from '../safe-json';

export interface RenderLocalOptions {
  /** Output file. @default `<movie file name>.<format>` next to the movie file */
  out?: string;
  onProgress?: (percent: number) => void;
  /** Accept local file paths in the movie. @default true */
  local?: boolean;
  signal?: AbortSignal;
  /** @default REELAY_DATA_DIR or ./data */
  dataDir?: string;
}

export async function renderLocal(file: string, opts: RenderLocalOptions = {}): Promise<RenderResult> {
  const movieFile = path.resolve(file);
  let movie: unknown;
  try {
    movie = JSON.parse(await fs.readFile(movieFile, 'utf8'));
  } catch (err) {
    throw new RenderError('invalid_movie', `cannot read ${file}: ${(err as Error).message}`);
  }
  // The same shape check as every request body of the bridge (depth, __proto__/constructor/prototype keys).
  const problem = jsonValueProblem(movie);
  if (problem) throw new RenderError('invalid_movie', `${file}: ${formatPath(problem.at) || '(movie)'}: ${problem.message}`, { path: formatPath(problem.at) });
  const format = (movie as { format?: unknown })?.format;
  const ext = typeof format === 'string' ? format : 'mp4';
  const out = path.resolve(opts.out ?? movieFile.replace(/\.json$/i, '') + `.${ext}`);
  const outExt = path.extname(out);
  const result = await renderMovie({
    project: path.basename(out, outExt),
    fileName: path.basename(out, outExt),
    movie,
    outputDir: path.dirname(out),
    dataDir: path.resolve(opts.dataDir ?? process.env.REELAY_DATA_DIR ?? 'data'),
    allowPrivateUrls: process.env.REELAY_ALLOW_PRIVATE_URLS === 'true',
    segments: { maxScenes: Number(process.env.REELAY_RENDER_SEGMENT_SCENES) || undefined },
    localBaseDir: opts.local === false ? undefined : path.dirname(movieFile),
    signal: opts.signal,
    onProgress: opts.onProgress,
  });
  if (result.file !== out) {
    await fs.rename(result.file, out);
    result.file = out;
  }
  return result;
}

/** The CLI command's body: a progress bar on stderr, a summary on stdout. */
export async function runRenderCli(file: string, opts: { out?: string; local?: boolean }): Promise<void> {
  const bar = new SingleBar({ format: 'rendering [{bar}] {percentage}% | {duration}s', stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  bar.start(100, 0);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  try {
    const r = await renderLocal(file, { out: opts.out, local: opts.local ?? false, signal: controller.signal, onProgress: (p) => bar.update(p) });
    bar.update(100);
    bar.stop();
    process.stdout.write(`${r.file} (${r.width}x${r.height}, ${r.duration}s, ${r.size} bytes, ${r.renderingTime} ms)\n`);
  } catch (err) {
    bar.stop();
    throw err;
  } finally {
    process.off('SIGINT', stop);
    // The browser the render may have started would keep the command alive.
    await closeBrowser();
  }
}
