import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { APP_COMMAND, APP_ENV, start } from './support';

// `npx projen bench:sigterm`: SIGTERM under load without a shutdown delay, as `docker stop` sends it. The app runs
// as the image runs it; 50 keep-alive clients (node's own HTTP client, which honours `Connection: close`, as load
// balancers do; autocannon does not) send GET / back to back; the app gets SIGTERM; the clients keep sending for
// half the drain window (clients that have not noticed the stop yet), then stop. Counts the requests that got no
// answer in each trial, with the default drain window and without one (DRAIN_WINDOW_MS=0: the listener closes at
// the signal, as the app did before it had a window). Prints figures; asserts nothing.

const CLIENTS = 50;
const TRIALS = 5;
const LOAD_BEFORE_SIGNAL_MS = 2000;
const LOAD_AFTER_SIGNAL_MS = 500;

interface Trial {
  readonly requestsPerSecond: number;
  readonly answeredAfterSignal: number;
  readonly lost: number;
  readonly exitCode: number | null;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** GET / on the agent; resolves whether it was answered. */
function get(port: number, agent: Agent): Promise<boolean> {
  return new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path: '/', agent }, (response) => {
      response.resume();
      response.on('error', () => resolve(false));
      response.on('end', () => resolve(response.statusCode === 200));
    })
      .on('error', () => resolve(false))
      .end();
  });
}

async function trial(env: Record<string, string>): Promise<Trial> {
  const app = await start(APP_COMMAND, '/ready', { ...APP_ENV, ...env });
  const exited = new Promise<number | null>((resolve) => app.child.once('exit', resolve));
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  let sending = true;
  let signalled = false;
  let answered = 0;
  let answeredAfterSignal = 0;
  let lost = 0;
  const startedAt = performance.now();
  const clients = Array.from({ length: CLIENTS }, async () => {
    while (sending) {
      const ok = await get(app.port, agent);
      if (!ok) lost++;
      else if (signalled) answeredAfterSignal++;
      if (ok) answered++;
    }
  });
  await sleep(LOAD_BEFORE_SIGNAL_MS);
  signalled = true;
  app.child.kill('SIGTERM');
  await sleep(LOAD_AFTER_SIGNAL_MS);
  sending = false;
  await Promise.all(clients);
  const seconds = (performance.now() - startedAt) / 1000;
  agent.destroy();
  return { requestsPerSecond: answered / seconds, answeredAfterSignal, lost, exitCode: await exited };
}

async function main(): Promise<void> {
  console.log(
    `SIGTERM after ${LOAD_BEFORE_SIGNAL_MS / 1000} s of GET / from ${CLIENTS} keep-alive clients, who go on sending for ${LOAD_AFTER_SIGNAL_MS} ms after it; node ${process.version}\n`,
  );
  console.log(
    `${'drain window'.padEnd(26)}${'trial'.padStart(6)}${'req/s'.padStart(8)}${'answered after SIGTERM'.padStart(24)}${'lost'.padStart(6)}${'exit'.padStart(6)}`,
  );
  for (const [label, env] of [
    ['1000 ms (default)', {}],
    ['none (DRAIN_WINDOW_MS=0)', { DRAIN_WINDOW_MS: '0' }],
  ] as const) {
    let lost = 0;
    for (let i = 1; i <= TRIALS; i++) {
      const t = await trial(env);
      lost += t.lost;
      console.log(
        `${label.padEnd(26)}${String(i).padStart(6)}${t.requestsPerSecond.toFixed(0).padStart(8)}${String(t.answeredAfterSignal).padStart(24)}${String(t.lost).padStart(6)}${String(t.exitCode).padStart(6)}`,
      );
    }
    console.log(`${label}: ${lost} lost in ${TRIALS} trials\n`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
