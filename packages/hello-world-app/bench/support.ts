import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readDockerfileStages, runtimeNodeFlags } from '../scripts/dockerfile';
import { greeting } from '../src/greeting';

// What the benchmarks share: the app started as the image starts it, and readings from /proc (Linux).

// The app runs as the image runs it: the same node flags and environment as the Dockerfile's runtime stage.
const RUNTIME_STAGE = readDockerfileStages().at(-1);
export const APP_COMMAND = [...runtimeNodeFlags(), join(__dirname, '..', 'lib', 'bin.js')];
export const APP_ENV = RUNTIME_STAGE?.env ?? {};
export const BODY = greeting({ hostname: hostname() });

export async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function answersOk(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    get({ host: '127.0.0.1', port, path }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    }).on('error', () => resolve(false));
  });
}

export interface Started {
  readonly child: ChildProcess;
  readonly port: number;
  /** From spawn to the first 200 answer. */
  readonly readyMs: number;
}

/** Starts a server process and waits for its first 200 answer on `path`. Its output goes nowhere. */
export async function start(args: string[], path: string, env: NodeJS.ProcessEnv = {}): Promise<Started> {
  const port = await freePort();
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env, PORT: String(port), BODY },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  while (!(await answersOk(port, path))) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return { child, port, readyMs: performance.now() - startedAt };
}

/** Sends SIGTERM and resolves with the exit code. */
export async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

/** User + system CPU seconds a process has used, from /proc (Linux). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted after the command name, in clock ticks of 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory now and at its peak, in MiB, from /proc (Linux). */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export function cpuMHz(): number {
  const speeds = [...readFileSync('/proc/cpuinfo', 'utf8').matchAll(/cpu MHz\s*:\s*([\d.]+)/g)].map((m) =>
    Number(m[1]),
  );
  return median(speeds);
}
