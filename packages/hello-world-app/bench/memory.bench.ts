import autocannon from 'autocannon';
import { APP_COMMAND, APP_ENV, cpuSeconds, median, memoryMiB, start, stop } from './support';

// `npx projen bench:memory`: the app's resident memory under sustained load. The app runs as the image runs it;
// autocannon (in this process) sends GET / at a fixed rate over keep-alive connections for a minute, and the
// app's RSS is read from /proc every second. Prints figures; asserts nothing.
// BENCH_RATE, BENCH_CONNECTIONS, BENCH_SECONDS and BENCH_NODE_FLAGS change the load and the node flags.

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** Node flags instead of the image's, to compare (e.g. BENCH_NODE_FLAGS='--max-semi-space-size=2'). */
const NODE_FLAGS = process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean);
const RATE = Number(process.env.BENCH_RATE ?? 5500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);

async function main(): Promise<void> {
  const command = NODE_FLAGS ? [...NODE_FLAGS, ...APP_COMMAND.filter((arg) => !arg.startsWith('--'))] : APP_COMMAND;
  const app = await start(command, '/ready', APP_ENV);
  const pid = app.child.pid as number;
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(memoryMiB(pid).rss), 1000);
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${app.port}/`,
    connections: CONNECTIONS,
    overallRate: RATE,
    duration: SECONDS,
  });
  clearInterval(sampler);
  const cpuUsed = cpuSeconds(pid) - cpuBefore;
  const { peak } = memoryMiB(pid);
  const exitCode = await stop(app.child);

  const third = Math.max(1, Math.floor(samples.length / 3));
  const first = median(samples.slice(0, third));
  const last = median(samples.slice(-third));
  const requests = result.requests.total;
  console.log(
    `GET / at ${RATE} req/s over ${CONNECTIONS} keep-alive connections for ${SECONDS} s; node ${process.version} ${command
      .filter((arg) => arg.startsWith('--'))
      .join(' ')}\n`,
  );
  console.log(`served:            ${(requests / result.duration).toFixed(0)} req/s, p99 ${result.latency.p99} ms`);
  console.log(`failures:          ${result.errors + result.timeouts + result.non2xx}`);
  console.log(`app CPU:           ${((cpuUsed / result.duration) * 100).toFixed(0)}% of a core`);
  console.log(
    `app RSS:           median ${median(samples).toFixed(1)} MiB, max ${Math.max(...samples).toFixed(1)} MiB, peak (VmHWM) ${peak.toFixed(1)} MiB (target < 80 MB: ${peak * 1.048576 < 80 ? 'met' : 'MISSED'})`,
  );
  console.log(
    `app RSS trend:     ${first.toFixed(1)} MiB (median of the first third) -> ${last.toFixed(1)} MiB (last third)`,
  );
  console.log(`app exit on SIGTERM: code ${exitCode}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
