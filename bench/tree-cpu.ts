/**
 * Runs a benchmark command and measures the CPU time of everything it starts, wherever it ends up.
 *
 * GNU time (wait4's rusage) is not enough once Chromium is involved: closing the browser lets its
 * helper processes (zygote, renderers, GPU) outlive the browser process, init reaps them, and their CPU
 * time never reaches our process tree. Measured on movie (d)'s zooming-words layer: 10.4 CPU-s used on
 * the machine, 2.5 counted by GNU time. A cgroup v2 of the command's own counts every process in it,
 * forks included (`cpu.stat` usage_usec). Where no cgroup can be made (not writable), the whole
 * machine's CPU time over the run is used instead, which is right only when nothing else runs; the
 * result says which it is.
 */
import { spawnSync, type SpawnSyncOptionsWithStringEncoding } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync } from 'node:fs';
import path from 'node:path';

export interface Measured {
  status: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
  cpuS: number;
  /** 'cgroup': every process of the run; 'machine': all CPU time on the machine during it. */
  cpuSource: 'cgroup' | 'machine';
}

/** The cgroup v2 folder this process is in (the unified hierarchy), or undefined. */
function ownCgroup(): string | undefined {
  const mount = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')).find((f) => f[2] === 'cgroup2')?.[1];
  const own = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3);
  return mount && own !== undefined ? path.join(mount, own) : undefined;
}

let made = 0;
function makeCgroup(): string | undefined {
  const parent = ownCgroup();
  if (!parent) return undefined;
  const dir = path.join(parent, `reelay-bench-${process.pid}-${made++}`);
  try {
    mkdirSync(dir);
  } catch {
    return undefined;
  }
  if (existsSync(path.join(dir, 'cpu.stat'))) return dir;
  rmdirSync(dir);
  return undefined;
}

const usageUs = (dir: string) => Number(/usage_usec (\d+)/.exec(readFileSync(path.join(dir, 'cpu.stat'), 'utf8'))?.[1] ?? 0);

/** The machine's busy CPU time so far, in seconds (/proc/stat; USER_HZ is 100). */
function machineCpuS(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + steal) / 100;
}

export function runMeasured(cmd: string, args: string[], opts: Omit<SpawnSyncOptionsWithStringEncoding, 'encoding'> = {}): Measured {
  const cgroup = makeCgroup();
  const machine0 = machineCpuS();
  const started = performance.now();
  // The shell joins the cgroup, then becomes the command: every process it starts is born inside.
  const res = cgroup
    ? spawnSync('sh', ['-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', cgroup, cmd, ...args], { maxBuffer: 64 * 1024 * 1024, ...opts, encoding: 'utf8' })
    : spawnSync(cmd, args, { maxBuffer: 64 * 1024 * 1024, ...opts, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (!cgroup) return { status: res.status, stdout: res.stdout, stderr: res.stderr, wallMs, cpuS: machineCpuS() - machine0, cpuSource: 'machine' };
  // Chromium's helpers leave a moment after the browser: wait until the cgroup is empty (at most 5 s).
  const until = Date.now() + 5000;
  while (readFileSync(path.join(cgroup, 'cgroup.procs'), 'utf8').trim() !== '' && Date.now() < until) spawnSync('sleep', ['0.05']);
  const cpuS = usageUs(cgroup) / 1e6;
  try {
    rmdirSync(cgroup);
  } catch {
    // a process still inside: the folder goes when it does not (cgroups hold no files)
  }
  return { status: res.status, stdout: res.stdout, stderr: res.stderr, wallMs, cpuS, cpuSource: 'cgroup' };
}

/**
 * CPU seconds so far, for a child to read around a section of its own: its cgroup's, when runMeasured
 * gave it one (every process it started counts); else the whole machine's, like runMeasured's fallback.
 */
export function cpuSoFarS(): number {
  const dir = ownCgroup();
  return dir && path.basename(dir).startsWith('reelay-bench-') ? usageUs(dir) / 1e6 : machineCpuS();
}
