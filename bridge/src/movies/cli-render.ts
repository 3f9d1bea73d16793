/**
 * `reelay render FILE.json [--template ID --var k=v …] [-o out.mp4]`: sends a movie (or a template
 * with variables) through a running bridge (REELAY_URL, REELAY_API_KEY), shows a progress bar on
 * stderr, downloads the result. `--local` renders on this machine instead (the renderer's CLI).
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Presets, SingleBar } from 'cli-progress';

export class CliError extends Error {}

export interface BridgeRenderOptions {
  template?: string;
  vars?: string[];
  out?: string;
  /** @default REELAY_URL or http://127.0.0.1:8080 */
  url?: string;
  /** @default REELAY_API_KEY */
  apiKey?: string;
  pollMs?: number;
  quiet?: boolean;
}

function parseVars(vars: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of vars) {
    const i = v.indexOf('=');
    if (i <= 0) throw new CliError(`--var expects name=value, got '${v}'`);
    const raw = v.slice(i + 1);
    // Numbers and JSON literals keep their type (duration=3 → 3); anything else is a string.
    let value: unknown = raw;
    try {
      value = /^(-?\d+(\.\d+)?|true|false|null|\{.*\}|\[.*\])$/.test(raw) ? JSON.parse(raw) : raw;
    } catch {
      value = raw;
    }
    out[v.slice(0, i)] = value;
  }
  return out;
}

interface ApiAnswer {
  success?: boolean;
  error?: string;
  code?: string;
  project?: string;
  movie?: { status: string; progress: number; message: string; url: string | null };
}

async function call(url: string, apiKey: string, init: RequestInit = {}): Promise<ApiAnswer> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers: { 'x-api-key': apiKey, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  } catch (err) {
    throw new CliError(`cannot reach the bridge at ${new URL(url).origin} (${(err as Error).message}); start it with \`reelay start\` or set REELAY_URL`);
  }
  const body = (await res.json().catch(() => ({}))) as ApiAnswer & { details?: Array<{ path: string; message: string }> };
  if (!res.ok) {
    const details = Array.isArray(body.details) ? body.details.map((d) => `\n  ${d.path || '(body)'}: ${d.message}`).join('') : '';
    throw new CliError(`${res.status} ${body.code ?? ''}: ${body.error ?? res.statusText}${details}`);
  }
  return body;
}

/** Returns the path of the downloaded file. */
export async function renderThroughBridge(file: string | undefined, opts: BridgeRenderOptions): Promise<string> {
  const base = (opts.url ?? process.env.REELAY_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const apiKey = opts.apiKey ?? process.env.REELAY_API_KEY;
  if (!apiKey) throw new CliError('set REELAY_API_KEY to a key with movies:create and movies:read (or use --local to render without a bridge)');
  let json: Record<string, unknown> = {};
  if (file) {
    try {
      json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
    }
  } else if (!opts.template) throw new CliError('give a movie JSON file, or --template ID');
  const body = opts.template ? { template: opts.template, variables: { ...((json.variables as object) ?? json), ...parseVars(opts.vars) } } : json;
  if (!opts.template && opts.vars?.length) body.variables = { ...((json.variables as object) ?? {}), ...parseVars(opts.vars) };

  const created = await call(`${base}/v2/movies`, apiKey, { method: 'POST', body: JSON.stringify(body), headers: { 'Idempotency-Key': randomUUID() } });
  const project = created.project!;
  const bar = opts.quiet
    ? undefined
    : new SingleBar({ format: `${project} [{bar}] {percentage}% | {status}`, stream: process.stderr, hideCursor: true }, Presets.shades_classic);
  bar?.start(100, 0, { status: 'pending' });
  let status: NonNullable<ApiAnswer['movie']>;
  try {
    for (;;) {
      status = (await call(`${base}/v2/movies?project=${encodeURIComponent(project)}`, apiKey)).movie!;
      bar?.update(status.progress, { status: status.status });
      if (status.status === 'done' || status.status === 'error') break;
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
    }
  } finally {
    bar?.stop();
  }
  if (status.status === 'error') throw new CliError(`render ${project} failed: ${status.message}`);
  if (!status.url) throw new CliError(`render ${project} is done but has no file (${status.message})`);
  const out = path.resolve(opts.out ?? (file ? file.replace(/\.json$/i, '') + '.mp4' : `${project}.mp4`));
  const res = await fetch(status.url);
  if (!res.ok || !res.body) throw new CliError(`download of ${status.url} failed: ${res.status}`);
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(out));
  return out;
}
