/**
 * One movie, many renderers: real renderer processes on one Redis prefix render a long movie's
 * segments (forced to one scene each, SEGMENT_SCENES=1) in parallel; a renderer SIGKILLed in the
 * middle of a segment loses only that segment; a cancelled movie leaves no segment running.
 */
import Queue from 'bull';
import Redis from 'ioredis';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cancelChannel, cancelledKey, RENDER_EVENTS_QUEUE, RENDER_QUEUE, renderJobOptions, type RenderEvent, type RenderJobData } from '../../renderer/src/jobs/contract';
import { SEGMENTS_QUEUE, segmentJobId, type SegmentJobData } from '../../renderer/src/segments/queue';
import { serveDir, tmpDir, type AssetServer } from './helpers';

const REDIS = 'redis://127.0.0.1:6379';
const ROOT = path.resolve(__dirname, '../..');
const prefix = `reelay-test-seg-${randomBytes(4).toString('hex')}`;
const dir = tmpDir('segments-queue');
const dataDir = path.join(dir, 'data');
const media = path.join(dir, 'media');
const tmp = path.join(dir, 'tmp');
let server: AssetServer;
let jobs: Queue.Queue<RenderJobData>;
let segmentJobs: Queue.Queue<SegmentJobData>;
let events: Queue.Queue<RenderEvent>;
let redis: Redis;
const received: RenderEvent[] = [];

interface LogLine { msg?: string; pid: number; project?: string; segment?: number; at: number; [k: string]: unknown }
interface Renderer { child: ChildProcess; pid: number; log: LogLine[] }
const renderers: Renderer[] = [];

async function startRenderer(): Promise<Renderer> {
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', path.join(__dirname, 'segments-renderer-process.ts')], {
    // TMPDIR inside the test's dir: a killed renderer's work dir goes with it.
    cwd: ROOT, env: { ...process.env, PREFIX: prefix, DATA_DIR: dataDir, SEGMENT_SCENES: '1', TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r: Renderer = { child, pid: child.pid!, log: [] };
  let buf = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) if (l.startsWith('{')) r.log.push({ ...(JSON.parse(l) as LogLine), at: Date.now() });
  });
  child.stderr!.resume();
  renderers.push(r);
  await until(() => (r.log.some((l) => l.msg === 'ready') ? true : undefined), 90_000);
  return r;
}

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const ffmpegPids = () => renderers.flatMap((r) => r.log.filter((l) => l.msg === 'segment ffmpeg started').map((l) => l.pid));

/** `scenes` scenes of 2 s with 0.4 s fades at 320×180, 25 fps: 50·n − 10·(n−1) frames. */
const movie = (scenes: number, zoom = false) => ({
  resolution: 'custom', width: 320, height: 180, fps: 25, quality: 'low',
  scenes: Array.from({ length: scenes }, (_, k) => ({
    duration: 2, ...(k > 0 ? { transition: { style: 'fade', duration: 0.4 } } : {}),
    elements: [{ type: 'image', src: `${server.url}/img${k % 3}.png`, ...(zoom ? { zoom: 4 } : {}) }, { type: 'text', text: `Scene ${k + 1}` }],
  })),
  elements: [{ type: 'audio', src: `${server.url}/music.wav`, duration: -2 }],
});

const logOf = (project: string, msg: string) => renderers.flatMap((r) => r.log.filter((l) => l.project === project && l.msg === msg).map((l) => ({ ...l, renderer: r.pid })));

beforeAll(async () => {
  mkdirSync(media, { recursive: true });
  mkdirSync(tmp, { recursive: true });
  for (let k = 0; k < 3; k++) execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `testsrc2=s=640x360,hue=h=${k * 90}`, '-frames:v', '1', path.join(media, `img${k}.png`)]);
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'sine=f=440:d=60', path.join(media, 'music.wav')]);
  server = await serveDir(media);
  redis = new Redis(REDIS);
  jobs = new Queue<RenderJobData>(RENDER_QUEUE, REDIS, { prefix });
  segmentJobs = new Queue<SegmentJobData>(SEGMENTS_QUEUE, REDIS, { prefix });
  events = new Queue<RenderEvent>(RENDER_EVENTS_QUEUE, REDIS, { prefix });
  void events.process(async (job) => {
    received.push(job.data);
  });
  await Promise.all([startRenderer(), startRenderer()]);
}, 180_000);

afterAll(async () => {
  for (const r of renderers) r.child.kill('SIGKILL');
  for (const pid of ffmpegPids()) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await Promise.all([jobs.close(), segmentJobs.close(), events.close()]);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const eventOf = (project: string, type: string) => received.find((e) => e.project === project && e.type === type);
const render = (project: string, m: unknown) => jobs.add({ project, movie: m, output: { dir: path.join(dir, 'out') } }, renderJobOptions(project));
const frameCount = (file: string) => Number(execFileSync('ffprobe', ['-v', 'error', '-count_packets', '-select_streams', 'v', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', file], { encoding: 'utf8' }).trim());

test('two renderers render one movie\'s segments in parallel, and the join cleans up', async () => {
  const project = 'seg-parallel';
  await render(project, movie(6));
  const done = await until(() => eventOf(project, 'done') ?? (eventOf(project, 'error') && Promise.reject(new Error(eventOf(project, 'error')!.message))));
  expect(frameCount(done.result!.file)).toBe(6 * 50 - 5 * 10);
  const started = logOf(project, 'segment started');
  const finished = logOf(project, 'segment done');
  expect(new Set(finished.map((l) => l.segment))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
  // Both renderers rendered segments, at the same time at least once.
  const by = new Set(finished.map((l) => l.renderer));
  expect(by.size).toBe(2);
  const spans = started.map((s) => ({ renderer: s.renderer, from: s.at, to: finished.find((f) => f.segment === s.segment && f.renderer === s.renderer)!.at }));
  expect(spans.some((a) => spans.some((b) => a.renderer !== b.renderer && a.from < b.to && b.from < a.to))).toBe(true);
  // Progress is the sum of the segments': it rises.
  const progress = received.filter((e) => e.project === project && e.type === 'progress').map((e) => e.progress!);
  expect(progress.length).toBeGreaterThan(1);
  expect([...progress].sort((a, b) => a - b)).toEqual(progress);
  // One movie to the bridge: one running and one done event (credits move on those), none per segment.
  expect(received.filter((e) => e.project === project && e.type !== 'progress').map((e) => e.type)).toEqual(['running', 'done']);
  expect(received.filter((e) => e.project.startsWith(`${project}-`))).toEqual([]);
  // Intermediates removed, no segment job left behind.
  expect(existsSync(path.join(dataDir, 'segments', 'segments', project))).toBe(false);
  for (let i = 0; i < 6; i++) expect(await segmentJobs.getJob(segmentJobId(project, i))).toBeNull();
}, 120_000);

test('a renderer SIGKILLed mid-segment loses only that segment, which another renderer renders', async () => {
  const project = 'seg-killed';
  await render(project, movie(6, true));
  const parent = await until(() => logOf(project, 'segments queued')[0]);
  // The other renderer, once it runs a segment's ffmpeg: killed with it (the machine is gone).
  const victim = await until(() => logOf(project, 'segment ffmpeg started').find((l) => l.renderer !== parent.renderer));
  const r = renderers.find((x) => x.pid === victim.renderer)!;
  const finishedBefore = logOf(project, 'segment done').map((l) => l.segment);
  r.child.kill('SIGKILL');
  process.kill(Number(victim.pid), 'SIGKILL');
  renderers.splice(renderers.indexOf(r), 1);
  const done = await until(() => eventOf(project, 'done') ?? (eventOf(project, 'error') && Promise.reject(new Error(eventOf(project, 'error')!.message))), 90_000);
  expect(frameCount(done.result!.file)).toBe(6 * 50 - 5 * 10);
  const starts = logOf(project, 'segment started');
  const killed = victim.segment!;
  // Rendered again by the survivor; segments finished before the kill were not.
  expect(starts.filter((l) => l.segment === killed && l.renderer === parent.renderer).length).toBe(1);
  for (const s of finishedBefore) expect(starts.filter((l) => l.segment === s).length).toBe(1);
  expect(eventOf(project, 'error')).toBeUndefined();
}, 150_000);

test('a cancelled movie leaves no segment running', async () => {
  await startRenderer();
  const project = 'seg-cancelled';
  await render(project, movie(10, true));
  await until(() => (logOf(project, 'segment ffmpeg started').length >= 2 ? true : undefined));
  // What the bridge's cancelRender does: the mark first, then the message.
  await redis.set(cancelledKey(prefix, project), '1', 'EX', 600);
  await redis.publish(cancelChannel(prefix), project);
  const err = await until(() => eventOf(project, 'error'));
  expect(err.code).toBe('cancelled');
  await until(async () => {
    const states = await Promise.all(Array.from({ length: 10 }, async (_, i) => (await segmentJobs.getJob(segmentJobId(project, i)))?.getState()));
    return states.every((s) => s === undefined || s === 'failed' || s === 'completed') ? true : undefined;
  }, 10_000);
  const pids = logOf(project, 'segment ffmpeg started').map((l) => Number(l.pid));
  await until(() => (pids.every((pid) => !alive(pid)) ? true : undefined), 10_000);
  await new Promise((r) => setTimeout(r, 3000));
  // Nothing started after the cancel settled, and nothing left in storage.
  expect(logOf(project, 'segment ffmpeg started').length).toBe(pids.length);
  expect(existsSync(path.join(dataDir, 'segments', 'segments', project))).toBe(false);
}, 120_000);
