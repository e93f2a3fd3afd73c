import autocannon from 'autocannon';
import { APP_COMMAND, APP_ENV, cpuMHz, cpuSeconds, median, memoryMiB, start, stop } from './support';

// `npm run bench`: the app against a bare node:http server answering the same body, under the same load
// (autocannon in this process, each server in its own process), in alternating rounds so that a change in the
// machine's load during the run affects both alike. Prints figures; asserts nothing.
// Each server's standard output goes to /dev/null: the app pays for writing its logs, nobody reads them.

const CONNECTIONS = 50;
const ROUNDS = 5;
const ROUND_SECONDS = Number(process.env.BENCH_ROUND_S ?? 4);
const WARMUP_SECONDS = 3;
const STARTUP_SAMPLES = 5;

/** The baseline: node:http with nothing but the answer, as small as a server gets. */
const BARE_SERVER = `
const body = Buffer.from(process.env.BODY);
require('node:http')
  .createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length });
    response.end(body);
  })
  .listen(Number(process.env.PORT));
`;

interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly failures: number;
  /** CPU time the server process used per request, in microseconds. */
  readonly cpuMicrosPerRequest: number;
}

/** One round of load; CPU time is read from /proc around it. */
async function load(port: number, pid: number): Promise<LoadResult> {
  const cpuBefore = cpuSeconds(pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/`,
    connections: CONNECTIONS,
    duration: ROUND_SECONDS,
  });
  const cpuUsed = cpuSeconds(pid) - cpuBefore;
  const requests = result.requests.total;
  return {
    requestsPerSecond: requests / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
    cpuMicrosPerRequest: (cpuUsed / requests) * 1e6,
  };
}

/** The median of each figure over the rounds (failures are summed). */
function summarize(rounds: LoadResult[]): LoadResult {
  return {
    requestsPerSecond: median(rounds.map((r) => r.requestsPerSecond)),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    failures: rounds.reduce((sum, r) => sum + r.failures, 0),
    cpuMicrosPerRequest: median(rounds.map((r) => r.cpuMicrosPerRequest)),
  };
}

async function main(): Promise<void> {
  const readyTimes: number[] = [];
  for (let i = 0; i < STARTUP_SAMPLES; i++) {
    const started = await start(APP_COMMAND, '/ready', APP_ENV);
    readyTimes.push(started.readyMs);
    await stop(started.child);
  }

  const bare = await start(['-e', BARE_SERVER], '/');
  const app = await start(APP_COMMAND, '/ready', APP_ENV);
  const barePid = bare.child.pid as number;
  const appPid = app.child.pid as number;
  for (const server of [bare, app]) {
    await autocannon({ url: `http://127.0.0.1:${server.port}/`, connections: CONNECTIONS, duration: WARMUP_SECONDS });
  }
  const bareRounds: LoadResult[] = [];
  const appRounds: LoadResult[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    bareRounds.push(await load(bare.port, barePid));
    appRounds.push(await load(app.port, appPid));
  }
  const memory = memoryMiB(appPid);
  await stop(bare.child);
  await stop(app.child);
  const bareResult = summarize(bareRounds);
  const appResult = summarize(appRounds);

  const mhz = cpuMHz();
  const row = (name: string, r: LoadResult) =>
    `${name.padEnd(18)}${r.requestsPerSecond.toFixed(0).padStart(10)}${r.p50Ms.toFixed(0).padStart(8)}${r.p99Ms
      .toFixed(0)
      .padStart(8)}${r.cpuMicrosPerRequest.toFixed(1).padStart(12)}${String(r.failures).padStart(10)}`;
  const ratio = appResult.requestsPerSecond / bareResult.requestsPerSecond;
  const readyMs = median(readyTimes);
  const check = (ok: boolean) => (ok ? 'met' : 'MISSED');

  console.log(
    `GET / with ${CONNECTIONS} connections, ${ROUNDS} alternating rounds of ${ROUND_SECONDS} s per server after ${WARMUP_SECONDS} s of warm-up (medians);`,
  );
  console.log(`node ${process.version}, CPU ${mhz.toFixed(0)} MHz\n`);
  console.log(
    `${'server'.padEnd(18)}${'req/s'.padStart(10)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'CPU µs/req'.padStart(12)}${'failures'.padStart(10)}`,
  );
  console.log(row('bare node:http', bareResult));
  console.log(row('hello-world-app', appResult));
  console.log('');
  console.log(`app / bare req/s:      ${ratio.toFixed(2)}x (target >= 0.9x: ${check(ratio >= 0.9)})`);
  console.log(
    `app p99 latency:       ${appResult.p99Ms.toFixed(1)} ms (target < 10 ms: ${check(appResult.p99Ms < 10)})`,
  );
  console.log(
    `app RSS after the run: ${memory.rss.toFixed(1)} MiB, peak ${memory.peak.toFixed(1)} MiB (target < 80 MB: ${check(memory.rss * 1.048576 < 80)})`,
  );
  console.log(
    `app ready after:       ${readyMs.toFixed(0)} ms, median of ${STARTUP_SAMPLES} starts (target < 300 ms: ${check(readyMs < 300)})`,
  );
  console.log(
    `app CPU per 1,000 req/s: ${((appResult.cpuMicrosPerRequest / 1e6) * 1000 * mhz).toFixed(0)} MHz (for the job's resources.cpu)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
