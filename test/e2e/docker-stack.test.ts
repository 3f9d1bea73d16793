/**
 * The Docker image and compose.yaml, run for real (issue 18, "Proved by running it"): the stack comes
 * up, the primary key it logs once renders a movie through the bridge container, two renderers render
 * ten movies exactly once, a renderer killed mid-render leaves its movie to the other, a stopped one
 * finishes its render and exits 0, and a restart keeps keys, renders and files. With REELAY_E2E_S3 set,
 * the same stack with compose.s3.yaml: outputs in the bucket, no volume shared by bridge and renderers.
 * The stack is reached only through the bridge's port published on 127.0.0.1.
 * Skipped unless REELAY_E2E_DOCKER_IMAGE names a built image (`npm run e2e:docker` builds it).
 */
import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, ROOT } from './harness';

const IMAGE = process.env.REELAY_E2E_DOCKER_IMAGE;
const S3_IMAGE = process.env.REELAY_E2E_S3RVER_IMAGE;
const COMPOSE = (process.env.REELAY_COMPOSE ?? 'docker-compose').split(' ');
const describeWithImage = IMAGE ? describe : describe.skip;
const run = promisify(execFile);

interface Movie {
  status: string;
  url: string;
  size: number;
  duration: number;
  width: number;
  height: number;
  message: string;
}

/** One compose project (its own containers, network and volumes), driven through the real compose.yaml. */
class Stack {
  /** Made by init(): a skipped suite still constructs its Stack (jest runs describe bodies), and left it behind. */
  dir = '';
  readonly name = `reelay-e2e-${randomBytes(4).toString('hex')}`;
  envFile = '';
  key = '';
  url = '';

  constructor(
    private readonly files: string[],
    private readonly profiles: string[] = [],
  ) {}

  async init(): Promise<void> {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'reelay-docker-'));
    this.envFile = path.join(this.dir, 'env');
    const port = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    const env = {
      REELAY_IMAGE: IMAGE,
      REELAY_S3RVER_IMAGE: S3_IMAGE ?? 'reelay-s3rver:e2e',
      REELAY_ENCRYPTION_KEY: `k1:${randomBytes(32).toString('base64')}`,
      REELAY_JWT_SECRET: randomBytes(32).toString('base64url'),
      POSTGRES_PASSWORD: randomBytes(16).toString('hex'),
      REELAY_PORT: String(port),
      REELAY_PUBLIC_URL: this.url,
      REELAY_RATE_LIMIT_RENDER: '600/100',
    };
    writeFileSync(this.envFile, Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''));
  }

  async compose(...args: string[]): Promise<string> {
    const files = this.files.flatMap((f) => ['-f', f]);
    const profiles = this.profiles.flatMap((p) => ['--profile', p]);
    const [bin, ...pre] = COMPOSE;
    const { stdout } = await run(bin, [...pre, ...files, ...profiles, '-p', this.name, '--env-file', this.envFile, ...args], {
      cwd: ROOT,
      env: { ...process.env, REELAY_ENV_FILE: this.envFile },
      maxBuffer: 64 * 1024 * 1024,
    });
    return stdout;
  }

  logs(service: string): Promise<string> {
    return this.compose('logs', '--no-color', service);
  }

  async containers(service: string): Promise<string[]> {
    return (await this.compose('ps', '-q', service)).split('\n').filter(Boolean);
  }

  async waitReady(timeoutMs = 180_000): Promise<void> {
    await until(async () => (await fetch(`${this.url}/readyz`).catch(() => undefined))?.status === 200, timeoutMs, 'the bridge /readyz');
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- API answers of several shapes, checked by the tests
  async api(method: string, p: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(this.url + p, {
      method,
      headers: { 'x-api-key': this.key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  }

  async render(movie: unknown): Promise<string> {
    const res = await this.api('POST', '/v2/movies', movie);
    expect(res.status).toBe(200);
    return res.body.project as string;
  }

  async waitFor(project: string, statuses: string[], timeoutMs = 180_000): Promise<Movie> {
    let last: Movie | undefined;
    await until(
      async () => {
        const res = await this.api('GET', `/v2/movies?project=${project}`).catch(() => undefined);
        last = res?.status === 200 ? (res.body.movie as Movie) : last;
        return Boolean(last && statuses.includes(last.status));
      },
      timeoutMs,
      `${project} ${statuses.join('|')} (last: ${JSON.stringify(last)})`,
    );
    return last!;
  }

  async down(): Promise<void> {
    await this.compose('down', '-v', '--remove-orphans', '-t', '5').catch(() => undefined);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function movie(text: string, seconds: number, width = 320, height = 180) {
  return {
    resolution: 'custom',
    width,
    height,
    quality: 'low',
    cache: false,
    scenes: [
      { 'background-color': '#1e3a8a', duration: seconds / 2, elements: [{ type: 'text', text, settings: { 'font-size': 24, color: '#ffffff' } }] },
      { 'background-color': '#0f766e', duration: seconds / 2, elements: [{ type: 'text', text: `${text} 2`, settings: { 'font-size': 24, color: '#ffffff' } }] },
    ],
  };
}

async function downloadAndProbe(stack: Stack, m: Movie, expected: { width: number; height: number; seconds: number }): Promise<string> {
  const res = await fetch(m.url);
  expect(res.status).toBe(200);
  const data = Buffer.from(await res.arrayBuffer());
  expect(data.length).toBe(m.size);
  const file = path.join(stack.dir, `${createHash('sha256').update(data).digest('hex').slice(0, 12)}.mp4`);
  writeFileSync(file, data);
  const probe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,width,height:format=duration', '-of', 'json', file]).toString()) as {
    streams: Array<{ codec_type: string; codec_name: string; width?: number; height?: number }>;
    format: { duration: string };
  };
  expect(probe.streams.find((s) => s.codec_type === 'video')).toMatchObject({ codec_name: 'h264', width: expected.width, height: expected.height });
  expect(Math.abs(Number(probe.format.duration) - expected.seconds)).toBeLessThan(0.2);
  return createHash('sha256').update(data).digest('hex');
}

/** Projects a renderer container's log says it finished ("render done … project=X"). */
const doneIn = (log: string): string[] => [...log.matchAll(/render done \(.*?project=([A-Za-z0-9]+)/g)].map((m) => m[1]);
const startedIn = (log: string, project: string): boolean => new RegExp(`render started \\(.*?project=${project}\\b`).test(log);
const containerLogs = async (id: string): Promise<string> => {
  const { stdout, stderr } = await run('docker', ['logs', id], { maxBuffer: 64 * 1024 * 1024 });
  return stdout + stderr;
};
const timings: Record<string, number> = {};

describeWithImage('the compose stack (local storage)', () => {
  const stack = new Stack(['compose.yaml']);
  let firstProject = '';
  let firstSha = '';

  beforeAll(() => stack.init());
  afterAll(async () => {
    await stack.down();
    process.stdout.write(`docker e2e timings (s): ${JSON.stringify(timings)}\n`);
  }, 120_000);

  test('refuses to start without the secrets', async () => {
    const bare = path.join(stack.dir, 'bare-env');
    writeFileSync(bare, `REELAY_IMAGE=${IMAGE}\n`);
    const [bin, ...pre] = COMPOSE;
    const res = await run(bin, [...pre, '-f', 'compose.yaml', '-p', `${stack.name}-bare`, '--env-file', bare, 'up', '-d'], {
      cwd: ROOT,
      env: { ...process.env, REELAY_ENV_FILE: bare },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/set (REELAY_ENCRYPTION_KEY|REELAY_JWT_SECRET|POSTGRES_PASSWORD) in \.env/);
  });

  test('1. up -d: /readyz answers; the logged primary key renders a movie that downloads and probes right', async () => {
    const started = Date.now();
    await stack.compose('up', '-d'); // returns once redis and postgres are healthy and the bridge started
    timings.upReturned = (Date.now() - started) / 1000;
    await stack.waitReady();
    timings.coldStartToReadyz = (Date.now() - started) / 1000;
    const log = await stack.logs('bridge');
    const keys = log.match(/rly_[0-9A-Za-z]{36}/g) ?? [];
    expect(keys).toHaveLength(1); // shown once
    stack.key = keys[0]!;
    firstProject = await stack.render(movie('docker', 2));
    const done = await stack.waitFor(firstProject, ['done', 'error']);
    expect(done).toMatchObject({ status: 'done', width: 320, height: 180 });
    firstSha = await downloadAndProbe(stack, done, { width: 320, height: 180, seconds: 2 });
    // The image carries the built dashboard, served at /.
    const page = await fetch(`${stack.url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<script type="module"[^>]* src="\/assets\//);
    // The demo movie of the first start (compose runs `bridge --demo`) rendered too.
    await until(async () => /demo movie ready/.test(await stack.logs('bridge')), 120_000, 'the demo movie');
  }, 400_000);

  test('2. --scale renderer=2: ten movies, each rendered exactly once', async () => {
    const started = Date.now();
    await stack.compose('up', '-d', '--scale', 'renderer=2');
    await until(async () => (await stack.containers('renderer')).length === 2, 60_000, 'two renderers');
    const renderers = await stack.containers('renderer');
    await until(async () => (await Promise.all(renderers.map(containerLogs))).every((l) => /renderer consuming queue/.test(l)), 60_000, 'both renderers consuming');
    const projects = await Promise.all(Array.from({ length: 10 }, (_, i) => stack.render(movie(`movie ${i}`, 1, 160, 90))));
    for (const p of projects) expect(await stack.waitFor(p, ['done', 'error'])).toMatchObject({ status: 'done' });
    const done = (await Promise.all(renderers.map(containerLogs))).map(doneIn);
    for (const p of projects) expect(done.flat().filter((d) => d === p)).toHaveLength(1);
    // Both renderers took part.
    for (const byOne of done) expect(byOne.filter((d) => projects.includes(d)).length).toBeGreaterThan(0);
    timings.tenMoviesOnTwoRenderers = (Date.now() - started) / 1000;
  }, 400_000);

  test('3. a renderer killed mid-render: the render finishes on the other one', async () => {
    const renderers = await stack.containers('renderer');
    // Long enough that the victim cannot finish before the kill: a 20 s movie of this kind renders in
    // under 2 s in the image, which once let the victim finish between the check and the kill.
    const seconds = 180;
    const project = await stack.render(movie('killed', seconds, 1280, 720));
    let victim = '';
    await until(
      async () => {
        for (const id of renderers) if (startedIn(await containerLogs(id), project)) victim = id;
        return victim !== '';
      },
      60_000,
      `a renderer starting ${project}`,
    );
    await new Promise((r) => setTimeout(r, 1000)); // ffmpeg is running
    await run('docker', ['kill', victim]);
    expect(doneIn(await containerLogs(victim))).not.toContain(project); // the kill did come mid-render
    const done = await stack.waitFor(project, ['done', 'error'], 300_000);
    expect(done.status).toBe('done');
    const other = renderers.find((id) => id !== victim)!;
    expect(doneIn(await containerLogs(other))).toContain(project);
    await downloadAndProbe(stack, done, { width: 1280, height: 720, seconds });
  }, 400_000);

  test('docker stop: the running render finishes within the stop timeout, the renderer exits 0', async () => {
    await stack.compose('up', '-d', '--scale', 'renderer=1');
    await until(async () => (await stack.containers('renderer')).length === 1, 60_000, 'one renderer');
    const [renderer] = await stack.containers('renderer');
    await until(async () => /renderer consuming queue/.test(await containerLogs(renderer)), 60_000, 'the renderer consuming');
    const project = await stack.render(movie('stopped', 8, 640, 360));
    await until(async () => startedIn(await containerLogs(renderer), project), 60_000, `the renderer starting ${project}`);
    await run('docker', ['stop', renderer]); // the compose file's stop_grace_period (2 min) applies
    expect(execFileSync('docker', ['inspect', '-f', '{{.State.ExitCode}}', renderer]).toString().trim()).toBe('0');
    expect(doneIn(await containerLogs(renderer))).toContain(project);
    expect(await stack.waitFor(project, ['done', 'error'], 30_000)).toMatchObject({ status: 'done' });
  }, 400_000);

  test('4. restart: keys, renders and files are still there', async () => {
    const started = Date.now();
    await stack.compose('restart');
    await stack.waitReady();
    timings.restartToReadyz = (Date.now() - started) / 1000;
    const again = await stack.waitFor(firstProject, ['done'], 30_000);
    const res = await fetch(again.url);
    expect(createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex')).toBe(firstSha);
    // Still rendering after the restart (queues in Redis' AOF, the renderer back).
    await stack.compose('up', '-d', '--scale', 'renderer=1');
    const after = await stack.waitFor(await stack.render(movie('after restart', 1, 160, 90)), ['done', 'error']);
    expect(after.status).toBe('done');
    // The primary key was printed on the first start only.
    expect((await stack.logs('bridge')).match(/rly_[0-9A-Za-z]{36}/g)).toHaveLength(1);
  }, 400_000);
});

/**
 * `npm start` on a fresh machine: a container of the image (Debian, Node 24, ffmpeg, no Redis) with
 * this checkout mounted read-only. As root it installs redis-server from Debian and runs a private one
 * under the data directory, stopped with Reelay; as another user it says in one line what to do.
 */
describeWithImage('npm start on a machine without Redis', () => {
  const inContainer = async (user: string, script: string): Promise<{ code: number; out: string }> => {
    const args = ['run', '--rm', '-u', user, '-v', `${ROOT}:/repo:ro`, '-w', '/repo', '-e', 'REELAY_DATA_DIR=/tmp/data', '--entrypoint', 'bash', IMAGE!, '-c', script];
    return run('docker', args, { maxBuffer: 16 * 1024 * 1024 }).then(
      ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
      (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
    );
  };

  test('as root: a private Redis under the data directory; SIGTERM to npm stops Reelay and that Redis', async () => {
    const { code, out } = await inContainer(
      'root',
      `npm start > /tmp/out.log 2>&1 & npm_pid=$!
       for i in $(seq 1 240); do grep -q "demo movie ready" /tmp/out.log && break; kill -0 $npm_pid 2>/dev/null || break; sleep 1; done
       echo "== running: $(pgrep -x redis-server | wc -l) redis-server"
       kill -TERM $npm_pid
       for i in $(seq 1 30); do pgrep -x 'redis-server|node|npm|esbuild' >/dev/null || break; sleep 1; done
       echo "== left: $(pgrep -x 'redis-server|node|npm|esbuild' | wc -l) processes"
       echo "== aof: $(ls /tmp/data/redis/appendonlydir 2>/dev/null | grep -c aof) files"
       cat /tmp/out.log`,
    );
    expect(code).toBe(0);
    expect(out).toContain('reelay: installing redis-server (apt-get)');
    expect(out).toContain('reelay: started a private Redis on 127.0.0.1:6379 (data in /tmp/data/redis; stops with Reelay)');
    expect(out).toMatch(/demo movie ready/);
    expect(out).toContain('== running: 1 redis-server');
    expect(out).toContain('== left: 0 processes');
    expect(out).toMatch(/== aof: [1-9]/);
  }, 400_000);

  test('as another user without redis-server: one line says what to do', async () => {
    const { code, out } = await inContainer('node', 'HOME=/tmp npm start');
    expect(code).not.toBe(0);
    expect(out).toContain('reelay: no Redis at 127.0.0.1:6379 and no redis-server to run one: install it');
  }, 120_000);
});

/** The same stack with compose.s3.yaml and the s3 profile: outputs in the bucket, no shared volume. */
describeWithImage('the compose stack with S3 storage (s3 profile)', () => {
  const stack = new Stack(['compose.yaml', 'compose.s3.yaml'], ['s3']);
  beforeAll(() => stack.init());
  afterAll(() => stack.down(), 120_000);

  test('4. S3: outputs in the bucket, bridge and renderers share no volume, a restart keeps them', async () => {
    await stack.compose('up', '-d');
    await stack.waitReady();
    stack.key = ((await stack.logs('bridge')).match(/rly_[0-9A-Za-z]{36}/g) ?? [])[0]!;
    const project = await stack.render(movie('bucket', 2));
    const done = await stack.waitFor(project, ['done', 'error']);
    expect(done).toMatchObject({ status: 'done', message: '' });
    const sha = await downloadAndProbe(stack, done, { width: 320, height: 180, seconds: 2 });
    // The file is an object in the bucket, not a file in the bridge's data volume.
    const objects = await stack.compose('exec', '-T', 's3', 'find', '/data/reelay', '-type', 'f');
    expect(objects).toContain(project);
    expect(await stack.compose('exec', '-T', 'bridge', 'sh', '-c', 'find /data -path "*storage*" -type f 2>/dev/null || true')).not.toContain(project);
    // No volume mounted by both the bridge and a renderer.
    const volumes = async (service: string) =>
      new Set((await Promise.all((await stack.containers(service)).map(async (id) => execFileSync('docker', ['inspect', '-f', '{{range .Mounts}}{{.Name}} {{end}}', id]).toString().trim().split(/\s+/)))).flat().filter(Boolean));
    const [bridgeVolumes, rendererVolumes] = [await volumes('bridge'), await volumes('renderer')];
    expect(rendererVolumes.size).toBeGreaterThan(0);
    expect([...rendererVolumes].filter((v) => bridgeVolumes.has(v))).toEqual([]);
    // A restart keeps the key, the render and the object.
    await stack.compose('restart');
    await stack.waitReady();
    const again = await stack.waitFor(project, ['done'], 60_000);
    const res = await fetch(again.url);
    expect(res.status).toBe(200);
    expect(createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex')).toBe(sha);
    const after = await stack.waitFor(await stack.render(movie('after restart', 1, 160, 90)), ['done', 'error']);
    expect(after.status).toBe('done');
  }, 500_000);
});
