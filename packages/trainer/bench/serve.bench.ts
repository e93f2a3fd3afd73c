import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { train } from '../src/commands/train';
import { DEFAULT_DATA, irisCsv } from '../src/data/data-source';
import { silentLogger } from '../src/observability/logger';

// npx projen bench:serve: `trainer serve` (compiled, as the image runs it) under autocannon, the load generator
// of hello-world-app's benchmark: single-row predictions at 50 connections, then 1,000-row batches.
// Prints figures; asserts nothing.

const CONNECTIONS = 50;
const SECONDS = Number(process.env.BENCH_ROUND_S ?? 10);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'trainer-serve-bench-'));
  try {
    await train({ data: DEFAULT_DATA, out: dir, runId: 'bench' }, { logger: silentLogger, env: {} });
    const child = spawn(
      process.execPath,
      [join(__dirname, '..', 'bin', 'trainer'), 'serve', '--model', dir, '--port', '0', '--host', '127.0.0.1'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const url = await new Promise<string>((resolve, reject) => {
      let text = '';
      child.stderr.on('data', (chunk: Buffer) => {
        text += chunk;
        const match = /"msg":"serving","url":"([^"]+)"/.exec(text);
        if (match) resolve(match[1] as string);
      });
      child.once('exit', () => reject(new Error(`trainer serve exited:\n${text}`)));
    });
    const lines = irisCsv().trim().split('\n').slice(1);
    const row = (i: number) => (lines[i % lines.length] as string).split(',').slice(0, 4).map(Number);
    const single = JSON.stringify({ rows: [row(0)] });
    const batch = JSON.stringify({ rows: Array.from({ length: 1000 }, (_, i) => row(i)) });
    const load = (body: string, connections: number) =>
      autocannon({
        url: `${url}/predict`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections,
        duration: SECONDS,
      });
    await load(single, 10); // warm-up: JIT, sockets
    const one = await load(single, CONNECTIONS);
    const many = await load(batch, 10);
    const rss = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
    child.kill('SIGTERM');
    const load1 = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
    console.log(
      `trainer serve, iris logistic model; ${cpus().length} cores, Node.js ${process.version}; load average ${load1}`,
    );
    console.log(`single-row predictions, ${CONNECTIONS} connections, ${SECONDS} s:`);
    console.log(
      `  ${Math.round(one.requests.average).toLocaleString('en-US')} requests/s, latency p50 ${one.latency.p50} ms, p99 ${one.latency.p99} ms, errors ${one.errors + one.non2xx}`,
    );
    console.log(`1,000-row batches, 10 connections, ${SECONDS} s:`);
    console.log(
      `  ${Math.round(many.requests.average * 1000).toLocaleString('en-US')} rows/s (${many.requests.average.toFixed(1)} requests/s), latency p50 ${many.latency.p50} ms, p99 ${many.latency.p99} ms, errors ${many.errors + many.non2xx}`,
    );
    console.log(`server peak RSS: ${rss ? (Number(rss) / 1024).toFixed(0) : '?'} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
