/**
 * The renderer's one Chromium (Debian's, driven by playwright-core): started on first use, kept warm
 * for later layers, started again when it has died or grown past its memory cap. Each render gets a
 * fresh context of it (html/context.ts), so nothing a page leaves behind reaches another account.
 *
 * Why playwright-core: its route API sees every request a page makes (incl. WebSockets) before the
 * network does, and `page.clock` fakes timers, Date and requestAnimationFrame, which the virtual
 * clock needs; puppeteer-core would need both written by hand over CDP.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { RenderError } from '../errors';
import { makeWorkDir, sweepDeadChromiumProfiles } from '../run/workdirs';

/** REELAY_CHROMIUM: the browser's executable. @default /usr/bin/chromium */
export const chromiumPath = (): string => process.env.REELAY_CHROMIUM || '/usr/bin/chromium';

/** REELAY_BROWSER_MEMORY_MB: the browser (all its processes' private memory) is restarted between layers past this. @default 1536 */
const memoryCapMb = (): number => Number(process.env.REELAY_BROWSER_MEMORY_MB) || 1536;

/**
 * Flags for running untrusted pages headless. The network flags are a second wall behind the route
 * handler (context.ts), which answers every request itself: were one to slip past it, a dead proxy
 * and a resolver that knows no host leave it nowhere to go, and WebRTC may not send UDP around them.
 */
const ARGS = [
  '--headless', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-default-apps', '--disable-extensions',
  '--mute-audio', '--hide-scrollbars', '--font-render-hinting=none', '--force-color-profile=srgb',
  '--disable-dev-shm-usage', '--js-flags=--max-old-space-size=512',
  '--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=<-loopback>',
  '--host-resolver-rules=MAP * ~NOTFOUND',
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp', '--webrtc-ip-handling-policy=disable_non_proxied_udp',
];

let current: Promise<Browser> | undefined;

/** The warm browser, started (or started again) when needed. */
export async function getBrowser(): Promise<Browser> {
  if (current) {
    const b = await current.catch(() => undefined);
    // Past the cap it is replaced only when no layer is drawing in it: closing it would fail them.
    if (b?.isConnected() && (b.contexts().length > 0 || browserMemoryMb(b) <= memoryCapMb())) return b;
    await closeBrowser();
    // Another layer asking at the same time may have started the replacement already: share it.
    // (closeBrowser cleared `current`; TypeScript does not see that an await may have set it again.)
    if ((current as Promise<Browser> | undefined) !== undefined) return getBrowser();
  }
  const path = chromiumPath();
  if (!existsSync(path)) {
    throw new RenderError('not_supported', `text, html and component layers need Chromium (${path} not found: apt-get install chromium, or set REELAY_CHROMIUM)`);
  }
  // `current` is set before the first await: two layers starting together share one launch (set
  // after the awaits below, the second launch replaced the first, which no one closed: its Chromium
  // outlived the renderer's close and kept the process alive).
  const launching = launchBrowser(path);
  current = launching;
  const forget = () => {
    if (current === launching) current = undefined;
  };
  launching.then((b) => b.on('disconnected', forget), forget);
  try {
    return await launching;
  } catch (err) {
    if (err instanceof RenderError) throw err;
    throw new RenderError('internal', `Chromium did not start: ${(err as Error).message.split('\n')[0]}`, { retryable: true, cause: err });
  }
}

async function launchBrowser(path: string): Promise<Browser> {
  // A browser killed from outside left its profile in the temp dir (run/workdirs.ts); and Playwright's
  // artifacts folder is a work dir of ours, so the renderers' sweeper finds it should this process die.
  await sweepDeadChromiumProfiles();
  const artifactsDir = await makeWorkDir();
  // Loaded on first use: playwright-core alone is ~80 MB of resident memory, which a bridge or a
  // renderer that never draws a browser layer need not carry.
  const { chromium } = await import('playwright-core');
  const removeArtifacts = () => rmSync(artifactsDir, { recursive: true, force: true });
  const launched = chromium.launch({
    executablePath: path,
    args: ARGS,
    artifactsDir,
    // As root (containers, CI) Chromium's own sandbox can not start; the page is still confined by
    // the route handler, the flags above and a fresh context per render.
    chromiumSandbox: process.getuid?.() !== 0,
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
    timeout: 30_000,
  });
  launched.then((b) => b.on('disconnected', removeArtifacts), removeArtifacts);
  return launched;
}

/** Closes the browser (renderer shutdown, tests). */
export async function closeBrowser(): Promise<void> {
  // Cleared before waiting, so a launch that starts meanwhile is not forgotten by this close.
  const pending = current;
  current = undefined;
  const b = await pending?.catch(() => undefined);
  if (!b) return;
  // A browser that does not answer is killed: closing must never hang a shutdown.
  const closed = await within(b.close().then(() => true, () => true), 5000);
  if (!closed) for (const pid of browserPids()) killQuietly(pid);
}

/** Process ids of this process's Chromium (its children named chrom*, and theirs). */
export function browserPids(): number[] {
  const children = new Map<number, number[]>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const name = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      names.set(Number(entry), name);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number, inside: boolean) => {
    for (const child of children.get(pid) ?? []) {
      const mine = inside || /^chrom/i.test(names.get(child) ?? '');
      if (mine) out.push(child);
      walk(child, mine);
    }
  };
  walk(process.pid, false);
  return out;
}

/**
 * Memory of the browser's processes, in MB (checked against the cap): their private pages (anonymous
 * and shared-memory), not their RSS. Every Chromium process maps the same 150 MB or more of binary
 * and libraries, so an RSS sum counts those once per process: measured with two 1080p pages, RSS
 * summed to 1,205 MB while the proportional set size (smaps_rollup, 8× slower to read) was 351 MB
 * and this sum 346 MB.
 */
export function browserMemoryMb(browser?: Browser): number {
  if (browser && !browser.isConnected()) return 0;
  let kb = 0;
  for (const pid of browserPids()) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      kb += Number(/RssAnon:\s+(\d+)/.exec(status)?.[1] ?? 0) + Number(/RssShmem:\s+(\d+)/.exec(status)?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return Math.round(kb / 1024);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Waits for `p` at most `ms` (closing a dead browser's page or context must not hang a render). */
export async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
