/**
 * The product path on real processes: `reelay start` (bridge + in-process renderer), a movie and a
 * template posted over HTTP, polled to done, downloaded by their signed links and checked with
 * ffprobe; the same through `reelay render` (the CLI talking to the bridge).
 */
import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInstall, ROOT, tinyMovie, waitForLine, type Install } from './harness';

let install: Install;
beforeAll(async () => {
  install = await createInstall();
  await install.spawn('start');
}, 60000);
afterAll(() => install?.stop());

function ffprobe(file: string) {
  const out = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height:format=duration', '-of', 'json', file]).toString();
  return JSON.parse(out) as { streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>; format: { duration: string } };
}

async function download(url: string, file: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const data = Buffer.from(await res.arrayBuffer());
  writeFileSync(file, data);
  return data;
}

test('movie: POST → poll → done → download → ffprobe; poster; range request', async () => {
  const res = await install.api('POST', '/v2/movies', { body: tinyMovie('hello', 1, { 'client-data': { order: 'A-1' } }) });
  expect(res.status).toBe(200);
  const movie = await install.waitFor(res.body.project, ['done', 'error']);
  expect(movie).toMatchObject({ status: 'done', progress: 100, width: 160, height: 90, format: 'mp4', 'client-data': { order: 'A-1' }, message: '' });
  expect(movie.duration).toBeCloseTo(1, 1);
  expect(movie.rendering_time).toBeGreaterThan(0);
  const file = path.join(install.dir, 'movie.mp4');
  const data = await download(movie.url, file);
  expect(data.length).toBe(movie.size);
  const probe = ffprobe(file);
  expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: 160, height: 90 });
  expect(Number(probe.format.duration)).toBeCloseTo(1, 1);
  const poster = await fetch(movie.poster);
  expect(poster.headers.get('content-type')).toBe('image/jpeg');
  const part = await fetch(movie.url, { headers: { Range: 'bytes=0-9' } });
  expect(part.status).toBe(206);
  expect((await part.arrayBuffer()).byteLength).toBe(10);
});

test('template: variables bound, rendered, downloadable', async () => {
  const created = await install.api('POST', '/v2/templates', {
    body: { name: 'hello', movie: tinyMovie('Hello {{name}}', 1), variables: [{ name: 'name', required: true, description: 'who' }] },
  });
  expect(created.status).toBe(201);
  const res = await install.api('POST', '/v2/movies', { body: { template: created.body.template.id, variables: { name: 'Ann' } } });
  expect(res.status).toBe(200);
  const movie = await install.waitFor(res.body.project, ['done', 'error']);
  expect(movie).toMatchObject({ status: 'done', template: created.body.template.id });
  const file = path.join(install.dir, 'template.mp4');
  await download(movie.url, file);
  expect(ffprobe(file).streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 160, height: 90 });
});

test('an upload used as src renders (the renderer fetches it by its signed link)', async () => {
  const png = path.join(install.dir, 'dot.png');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=yellow:s=64x36', '-frames:v', '1', png]);
  const up = await fetch(`${install.url}/v2/uploads?name=dot.png`, { method: 'POST', headers: { 'x-api-key': install.key }, body: new Uint8Array(execFileSync('cat', [png])) });
  const { upload } = (await up.json()) as { upload: { url: string } };
  const res = await install.api('POST', '/v2/movies', { body: tinyMovie('up', 1, { scenes: [{ duration: 1, elements: [{ type: 'image', src: upload.url }] }] }) });
  expect(res.status).toBe(200);
  expect(await install.waitFor(res.body.project, ['done', 'error'])).toMatchObject({ status: 'done' });
});

/** Runs the CLI without blocking this process's event loop (its HTTP sockets stay serviced). */
function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bridge/bin/reelay.js'), ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

test('reelay render FILE.json and --template through the bridge, with a download', async () => {
  const movieFile = path.join(install.dir, 'cli-movie.json');
  writeFileSync(movieFile, JSON.stringify(tinyMovie('cli', 1)));
  const env = { ...process.env, REELAY_URL: install.url, REELAY_API_KEY: install.key };
  const out = path.join(install.dir, 'cli.mp4');
  const run = await cli(['render', movieFile, '-o', out], env);
  expect(run.stderr + run.stdout).toMatch(/saved/);
  expect(run.status).toBe(0);
  expect(ffprobe(out).streams.find((s) => s.codec_type === 'video')).toMatchObject({ width: 160, height: 90 });

  const tpl = await install.api('POST', '/v2/templates', { body: { name: 'cli', movie: tinyMovie('{{word}}', 1) } });
  const out2 = path.join(install.dir, 'cli-template.mp4');
  const run2 = await cli(['render', '--template', tpl.body.template.id, '--var', 'word=hey', '-o', out2], env);
  expect(run2.status).toBe(0);
  expect(ffprobe(out2).streams.length).toBeGreaterThan(0);

  const bad = await cli(['render', '--template', tpl.body.template.id], env);
  expect(bad.status).toBe(1);
  expect(bad.stderr).toMatch(/word/);
});

test('DELETE of a running render stops its ffmpeg, refunds it, and frees the worker', async () => {
  const acct = await install.api('GET', '/v2/account');
  const slow = {
    resolution: 'hd',
    cache: false,
    scenes: [{ 'background-color': '#553311', duration: 60, elements: [{ type: 'text', text: 'cancel me', settings: { 'font-size': 60 } }] }],
  };
  const res = await install.api('POST', '/v2/movies', { body: slow });
  await install.waitFor(res.body.project, ['running']);
  const del = await install.api('DELETE', `/v2/movies/${res.body.project}`);
  expect(del.body).toMatchObject({ success: true, result: 'cancelled', refunded: 60 });
  const movie = await install.waitFor(res.body.project, ['error']);
  expect(movie).toMatchObject({ status: 'error', message: 'Cancelled by request', credits: 0, url: null });
  expect(acct.status).toBe(200);
  // The worker is free again: a small movie right after completes quickly.
  const next = await install.api('POST', '/v2/movies', { body: tinyMovie('after cancel') });
  const started = Date.now();
  expect(await install.waitFor(next.body.project, ['done', 'error'], 20000)).toMatchObject({ status: 'done' });
  expect(Date.now() - started).toBeLessThan(15000);
  // The bridge batches its stdout (flushed every 250 ms): wait for the line rather than read at once.
  await waitForLine(install.processes[0], /render cancelled/, 5000);
  // DELETE again: the (cancelled) render's files are gone, answered as deleted.
  expect((await install.api('DELETE', `/v2/movies/${res.body.project}`)).body).toMatchObject({ result: 'deleted' });
});
