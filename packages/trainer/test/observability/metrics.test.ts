import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train } from '../../src/commands/train';
import { DEFAULT_DATA } from '../../src/data/data-source';
import { silentLogger } from '../../src/observability/logger';
import { tempDir } from '../support/temp';

/** Debian's prometheus-pushgateway package (installed by .ci/run). */
const PUSHGATEWAY = '/usr/bin/prometheus-pushgateway';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Resolves with the address the Pushgateway logs once its socket listens; rejects
 * with its output if it exits first. No deadline: the test timeout bounds the wait.
 */
function listeningAddress(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      output += chunk;
      const address = /msg="Listening on" address=(\S+)/.exec(output)?.[1];
      if (address) resolve(address);
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`${PUSHGATEWAY} exited (${signal ?? code}) before listening:\n${output}`)),
    );
  });
}

/** The value of a sample line `name{labels} value` in Prometheus text format. */
function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('metrics endpoint', () => {
  it("serves the run's progress while it trains", async () => {
    const scrapes: string[] = [];
    await train(
      {
        data: DEFAULT_DATA,
        out: tempDir(),
        runId: 'm',
        metricsPort: 0,
        metricsHost: '127.0.0.1',
        hyperparameters: { epochs: 3 },
      },
      {
        logger: silentLogger,
        env: {},
        onEpoch: async (_, run) => {
          const response = await fetch(`http://127.0.0.1:${run.metricsPort}/metrics`);
          expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
          scrapes.push(await response.text());
        },
      },
    );
    expect(scrapes.map((text) => sample(text, 'trainer_epochs_completed'))).toEqual([1, 2, 3]);
    const last = scrapes[2] as string;
    expect(sample(last, 'trainer_epochs')).toBe(3);
    expect(sample(last, 'trainer_rows_trained_total')).toBe(3 * 120);
    expect(sample(last, 'trainer_loss')).toBeGreaterThan(0);
    expect(sample(last, 'trainer_accuracy')).toBeGreaterThan(0.5);
    expect(sample(last, 'trainer_test_accuracy')).toBeGreaterThan(0.5);
    expect(sample(last, 'trainer_rows_per_second')).toBeGreaterThan(0);
    expect(last).toContain('trainer_run_info{run_id="m",model="logistic"} 1');
  });
});

describe('Pushgateway', () => {
  let pushgateway: ChildProcess;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(PUSHGATEWAY)) {
      throw new Error(`${PUSHGATEWAY} is missing: apt-get install prometheus-pushgateway (.ci/run installs it)`);
    }
    // Port 0: the Pushgateway binds a free port itself and logs it once it listens ("Listening on" address=...).
    pushgateway = spawn(PUSHGATEWAY, ['--web.listen-address=127.0.0.1:0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    url = `http://${await listeningAddress(pushgateway)}`;
    expect((await fetch(`${url}/-/ready`)).ok).toBe(true);
  });

  afterAll(() => {
    pushgateway?.kill();
  });

  it('receives the final metrics of a run, grouped by job and run id', async () => {
    const result = await train(
      { data: DEFAULT_DATA, out: tempDir(), runId: 'pushed', pushgatewayUrl: url, hyperparameters: { epochs: 4 } },
      { logger: silentLogger, env: {} },
    );
    const text = await (await fetch(`${url}/metrics`)).text();
    // This run's group only: a Pushgateway may hold other groups (another process that found it on a port it
    // thought free), and they must not be read as this run's.
    const ofThisRun = (name: string) =>
      text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('run_id="pushed"'));
    const line = ofThisRun('trainer_epochs_completed');
    expect(line).toMatch(/instance="",job="trainer",run_id="pushed"\} 4$/);
    const accuracy = ofThisRun('trainer_test_accuracy') as string;
    expect(Number(accuracy.slice(accuracy.lastIndexOf(' ') + 1))).toBe(result.metrics.epochs.at(-1)?.testAccuracy);
  });

  it('does not fail a finished run when the Pushgateway is down, and says so', async () => {
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (message: string, fields?: unknown) => warnings.push({ message, fields }) };
    const down = `http://127.0.0.1:${await freePort()}`;
    const result = await train(
      { data: DEFAULT_DATA, out: tempDir(), runId: 'p', pushgatewayUrl: down, hyperparameters: { epochs: 1 } },
      { logger, env: {} },
    );
    expect(result.runId).toBe('p');
    expect(warnings).toEqual([{ message: 'metrics push failed', fields: expect.objectContaining({ url: down }) }]);
  });
});
