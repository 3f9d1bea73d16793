/**
 * Pages are untrusted input. Each attack runs in the real Chromium through the real engine; a local
 * HTTP server stands for what must never be reached (loopback services, the metadata address's
 * stand-in) and counts its hits. Then faults: an endless loop, a killed browser, two renders at once.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { BrowserSession } from '../../renderer/src/html/session';
import { capture } from '../../renderer/src/html/capture';
import { browserPids, closeBrowser, getBrowser } from '../../renderer/src/html/browser';
import { RenderError } from '../../renderer/src/errors';
import { harness, type RenderHarness } from '../renderer/helpers';

/** Descendants of `pid` (read from /proc before it is killed). */
function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry), ...childPids(Number(entry)));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The profile folder a Chromium process was started with (its --user-data-dir). */
function profileOf(pid: number): string | undefined {
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return args.find((a) => a.startsWith('--user-data-dir='))?.slice('--user-data-dir='.length);
  } catch {
    return undefined;
  }
}

let h: RenderHarness;
let server: http.Server;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  h = harness('html-security');
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/to-metadata') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    if (req.url === '/to-loopback') return void res.writeHead(302, { location: `${base}/secret` }).end();
    res.writeHead(200, { 'content-type': 'text/plain' }).end('secret');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await closeBrowser();
  await new Promise((r) => server.close(r));
  h.cleanup();
});
beforeEach(() => {
  hits.length = 0;
});

const doc = (body: string) => `<!doctype html><html><body style="margin:0;background:transparent">${body}</body></html>`;

async function draw(body: string, opts: { allowPrivateUrls?: boolean; duration?: number } = {}) {
  const session = new BrowserSession({ cacheDir: `${h.dir}/cache`, allowPrivateUrls: opts.allowPrivateUrls ?? false });
  try {
    const result = await capture(session, {
      url: session.addDocument(`t${Date.now()}${Math.random()}`, doc(body)), width: 320, height: 180, fps: 10, duration: opts.duration ?? 0.5,
      clip: 'box', animated: 'detect', where: 'Scene #1, element #1', path: 'scenes[0].elements[0]', out: `${h.dir}/layer-${Date.now()}`,
    });
    return { result, refused: session.refused };
  } finally {
    await session.close();
  }
}

test('loopback, private and metadata addresses are refused from every kind of request', async () => {
  const { refused } = await draw(`
    <img src="${base}/img"><link rel="stylesheet" href="${base}/css"><iframe src="${base}/frame"></iframe>
    <div style="background-image:url('${base}/bg')">x</div>
    <img src="http://169.254.169.254/latest/meta-data/">
    <script>fetch('${base}/fetch').catch(() => {}); const x = new XMLHttpRequest(); x.open('GET', '${base}/xhr'); x.send();
      navigator.sendBeacon && navigator.sendBeacon('${base}/beacon', 'x'); try { new WebSocket('ws://127.0.0.1:1/'); } catch (e) {}</script>`);
  await new Promise((r) => setTimeout(r, 300));
  expect(hits).toEqual([]);
  expect(refused.some((r) => r.includes('169.254.169.254'))).toBe(true);
  expect(refused.filter((r) => r.startsWith(base)).length).toBeGreaterThanOrEqual(4);
});

test('with private addresses allowed, a redirect to the metadata address is still refused', async () => {
  const { refused } = await draw(`<img src="${base}/to-metadata">`, { allowPrivateUrls: true });
  expect(hits).toEqual(['/to-metadata']);
  expect(refused.join('\n')).toMatch(/to-metadata.*forbidden address|169\.254/);
});

test('a redirect from a refused address never reaches loopback', async () => {
  const { refused } = await draw(`<img src="${base}/to-loopback">`);
  expect(hits).toEqual([]);
  expect(refused.join('\n')).toContain('/to-loopback');
});

test('file:, data: and chrome: navigations and popups do not happen', async () => {
  const { result } = await draw(`
    <iframe src="file:///etc/passwd" width="300" height="100"></iframe>
    <script>window.open('${base}/popup'); setTimeout(() => { location.href = 'file:///etc/passwd'; }, 0);
      setTimeout(() => { location.href = 'chrome://settings'; }, 10); setTimeout(() => { location.href = 'data:text/html,<h1>x</h1>'; }, 20);</script>`);
  // The layer still drew (no navigation replaced the document) and nothing was fetched.
  expect(result.frames).toBeGreaterThanOrEqual(1);
  expect(hits).toEqual([]);
});

test('popups opened while loading and while frames are taken are closed between clock steps: the layer draws', async () => {
  // Playwright's clock runs in every page of a context: a popup closed during a step failed the
  // layer (under load, 4 of 18 draws; none once popups were closed only between steps).
  for (let i = 0; i < 4; i++) {
    const { result } = await draw(`<div id="d" style="width:10px;height:10px;background:red"></div>
      <script>window.open('${base}/popup'); let n = 0; setTimeout(() => window.open('about:blank'), 200);
        setInterval(() => { document.getElementById('d').style.width = (10 + ++n) + 'px'; }, 100);</script>`);
    expect(result.frames).toBeGreaterThan(1);
  }
  expect(hits).toEqual([]);
}, 90_000);

test('an endless loop fails the element with a timeout naming it, and the next layer draws', async () => {
  process.env.REELAY_LAYER_TIMEOUT_SECONDS = '3';
  try {
    const err = await draw('<script>while (true) {}</script>').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RenderError);
    expect((err as RenderError).code).toBe('timeout');
    expect((err as RenderError).message).toContain('Scene #1, element #1');
  } finally {
    delete process.env.REELAY_LAYER_TIMEOUT_SECONDS;
  }
  const { result } = await draw('<div style="width:50px;height:50px;background:red"></div>');
  expect(result.animated).toBe(false);
}, 60_000);

test('Chromium killed mid-layer: that render fails as retryable, the next one works', async () => {
  const movie = (text: string) => ({
    resolution: 'custom', width: 320, height: 180, fps: 25,
    scenes: [{ duration: 6, elements: [{ type: 'text', text, style: '005', cache: false, settings: { 'font-size': '30px' } }] }],
  });
  const rendering = h.render(movie('killed mid-way'), { project: 'killed' });
  // Kill the browser once it is writing the layer's frames.
  const layers = path.join(h.dir, 'data', 'cache', 'layers');
  const drawing = () => existsSync(layers) && readdirSync(layers).some((f) => f.endsWith('.tmp'));
  for (let i = 0; i < 300 && !drawing(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(drawing()).toBe(true);
  for (const pid of browserPids()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const err = await rendering.catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RenderError);
  expect((err as RenderError).retryable).toBe(true);
  const ok = await h.render(movie('after the crash'), { project: 'after' });
  expect(ok.duration).toBeCloseTo(6, 0);
}, 120_000);

test("a renderer killed with kill -9 leaves its browser's profile; a later browser launch removes it", async () => {
  // Playwright removes the profile only when it sees its browser exit; a process killed outright
  // never does, and its Chromium exits (removing its lock) when the pipe to it closes.
  const code = `require('./renderer/src/html/browser').getBrowser().then((b) => b.newPage()).then(() => console.log('ready'));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', () => reject(new Error('the child renderer exited early')));
  });
  const browsers = childPids(child.pid!);
  const profile = browsers.map(profileOf).find(Boolean)!;
  expect(profile).toContain('playwright_chromiumdev_profile-');
  child.kill('SIGKILL');
  for (let i = 0; i < 100 && browsers.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  expect(existsSync(profile)).toBe(true);
  // A minute later (older than any launch), the next browser this host starts sweeps it.
  const aMinuteAgo = (Date.now() - 61_000) / 1000;
  utimesSync(profile, aMinuteAgo, aMinuteAgo);
  await closeBrowser();
  await getBrowser();
  expect(existsSync(profile)).toBe(false);
  // Its artifacts folder is a render work dir owned by the dead process: the renderers' sweeper's.
  for (const name of readdirSync(os.tmpdir()).filter((n) => n.startsWith('reelay-render-'))) {
    const dir = path.join(os.tmpdir(), name);
    const owner = path.join(dir, '.owner');
    if (existsSync(owner) && readFileSync(owner, 'utf8').startsWith(`${child.pid} `)) rmSync(dir, { recursive: true });
  }
}, 120_000);

test('two renders with html at once both finish', async () => {
  const movie = (colour: string) => ({
    resolution: 'custom', width: 320, height: 180, fps: 25,
    scenes: [{ duration: 1, elements: [{ type: 'html', html: `<div style="width:80px;height:40px;background:${colour}"></div>`, cache: false }] }],
  });
  const [a, b] = await Promise.all([h.render(movie('red'), { project: 'a' }), h.render(movie('blue'), { project: 'b' })]);
  expect(a.duration).toBeCloseTo(1, 1);
  expect(b.duration).toBeCloseTo(1, 1);
}, 60_000);

test('a browser past its memory cap is replaced only once no layer is drawing in it', async () => {
  const cap = process.env.REELAY_BROWSER_MEMORY_MB;
  process.env.REELAY_BROWSER_MEMORY_MB = '1'; // every browser is past it
  try {
    const first = await getBrowser();
    const drawing = await first.newContext();
    const page = await drawing.newPage();
    // Another layer starts meanwhile: it shares the browser instead of closing it under the first.
    expect(await getBrowser()).toBe(first);
    await page.setContent('<p>still drawing</p>');
    expect(await page.textContent('p')).toBe('still drawing');
    await drawing.close();
    const next = await getBrowser();
    expect(next).not.toBe(first);
    expect(first.isConnected()).toBe(false);
  } finally {
    if (cap === undefined) delete process.env.REELAY_BROWSER_MEMORY_MB;
    else process.env.REELAY_BROWSER_MEMORY_MB = cap;
  }
}, 60_000);
