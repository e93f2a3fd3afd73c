import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Job } from '../../src';
import { runCli } from '../../src/cli/cli';
import { track, useFakeClock } from '../client/clock';
import { BlockingResource, deploymentFixture, FakeNomad } from '../client/fake-nomad';

// The client sleeps with node:timers/promises, which vitest's fake clock does not reach by itself.
vi.mock('node:timers/promises', async (importOriginal) => {
  const { timersOnGlobalClock } = await vi.importActual<typeof import('../client/clock')>('../client/clock');
  return timersOnGlobalClock(await importOriginal());
});

// The job is given as API JSON: reading it needs no HCL parser, whose Go runtime would run on
// the fake clock of the tests below.
const WEB = new Job({
  id: 'web',
  groups: [{ name: 'web', count: 2, tasks: [{ name: 'server', driver: 'docker', config: { image: 'nginx:1.27' } }] }],
});

let dir: string;
let file: string;
let nomad: FakeNomad;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jobspec-deploy-'));
  file = join(dir, 'web.json');
  writeFileSync(file, JSON.stringify(WEB.toApiJson()));
  nomad = await FakeNomad.start();
});

afterEach(async () => {
  vi.useRealTimers();
  await nomad.close();
});

function jobspec(args: string[], env: Record<string, string> = {}) {
  const out = { stdout: '', stderr: '' };
  const code = runCli(args, {
    stdout: (t) => {
      out.stdout += t;
    },
    stderr: (t) => {
      out.stderr += t;
    },
    env: { NOMAD_ADDR: nomad.address, ...env },
    cwd: dir,
  });
  return { code, out };
}

const PLAN = {
  json: {
    JobModifyIndex: 7,
    Diff: { Type: 'Added', ID: 'web', Fields: null, Objects: null, TaskGroups: null },
    Annotations: { DesiredTGUpdates: { web: { Place: 2 } } },
    FailedTGAllocs: null,
    Warnings: '',
  },
};

describe('jobspec plan and run --timeout', () => {
  it('plan gives up after --timeout on a server that never answers, and not a moment before', async () => {
    useFakeClock();
    nomad.on('POST', '/v1/job/web/plan', { hang: true });

    const run = jobspec(['plan', file, '--timeout', '30s']);
    const code = track(run.code);
    await nomad.received(1);
    // Progress goes to stderr before the wait, so a silent server is not a silent terminal.
    expect(run.out.stderr).toBe(`Planning job "web" with ${nomad.address} (gives up after 30s: --timeout)\n`);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(code.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);

    expect(await code.result).toBe(1);
    expect(run.out.stderr).toContain('jobspec: gave up after 30s (--timeout): the plan got no answer\n');
    expect(run.out.stdout).toBe('');
    expect(nomad.requests).toHaveLength(1);
  });

  it('reads the timeout from JOBSPEC_TIMEOUT when --timeout is not given; --timeout wins', async () => {
    useFakeClock();
    nomad.on('POST', '/v1/job/web/plan', { hang: true });

    const run = jobspec(['run', file], { JOBSPEC_TIMEOUT: '1m30s' });
    const code = track(run.code);
    await nomad.received(1);
    await vi.advanceTimersByTimeAsync(90_000);

    expect(await code.result).toBe(1);
    expect(run.out.stderr).toContain(
      'jobspec: gave up after 1m30s (JOBSPEC_TIMEOUT): the plan got no answer; nothing was registered\n',
    );
    vi.useRealTimers();
    nomad.on('POST', '/v1/job/web/plan', PLAN);
    const both = jobspec(['plan', file, '--timeout', '2m'], { JOBSPEC_TIMEOUT: '1s' });
    expect(await both.code).toBe(1);
    expect(both.out.stderr).toContain('(gives up after 2m: --timeout)');
  });

  it('run gives up when the deployment outlasts what is left of --timeout, showing its last state', async () => {
    useFakeClock();
    const running = deploymentFixture({ jobModifyIndex: 19, groups: { web: { desired: 2, placed: 2, healthy: 1 } } });
    const deployment = new BlockingResource(running, 30);
    nomad
      .on('POST', '/v1/job/web/plan', PLAN)
      .on('POST', '/v1/jobs', { json: { EvalID: 'e1', EvalCreateIndex: 9, JobModifyIndex: 19, Warnings: '' } })
      .on('GET', '/v1/job/web/deployment', { json: running, index: 30 })
      .on('GET', `/v1/deployment/${running.ID}`, deployment.handler);

    const run = jobspec(['run', file, '--timeout', '10m']);
    const code = track(run.code);
    await deployment.held(30);
    expect(run.out.stderr).toContain('Waiting for the deployment of job "web" (for up to 600 s)\n');
    await vi.advanceTimersByTimeAsync(600_000);

    expect(await code.result).toBe(1);
    expect(run.out.stdout).toContain('Registered job "web" (job modify index 19, evaluation e1)');
    expect(run.out.stderr).toContain(
      [
        `jobspec: gave up after 10m (--timeout): deployment "${running.ID}" of job "web" is still running:`,
        'Deployment "85ee4a9a" (job "my-job" version 1) running: Deployment is running',
        'Task Group  Desired  Placed  Healthy  Unhealthy',
        'web         2        2       1        0',
        `The job is registered and the deployment goes on in Nomad: nomad deployment status ${running.ID}`,
      ].join('\n'),
    );
  });

  it('prints each retry to stderr while it waits', async () => {
    nomad.on('POST', '/v1/job/web/plan', [{ status: 503, text: 'No cluster leader' }, PLAN]);

    const run = jobspec(['plan', file]);

    expect(await run.code).toBe(1);
    expect(run.out.stderr).toMatch(
      /^Planning job "web" with http:\/\/127\.0\.0\.1:\d+\nPOST \/v1\/job\/web\/plan: HTTP 503; trying again in \d+(\.\d)? s \(attempt 2\)\n$/,
    );
    expect(run.out.stdout).toContain('Job Modify Index: 7');
  });

  it('rejects a timeout that is not a positive duration, with exit code 2, before sending anything', async () => {
    const word = jobspec(['plan', file, '--timeout', 'soon']);
    expect(await word.code).toBe(2);
    expect(word.out.stderr).toContain(
      'jobspec: --timeout: expected a duration such as 90s, 5m or 1h30m, received "soon"',
    );
    const zero = jobspec(['run', file], { JOBSPEC_TIMEOUT: '0s' });
    expect(await zero.code).toBe(2);
    expect(zero.out.stderr).toContain(
      'jobspec: JOBSPEC_TIMEOUT: expected a duration above 0 and at most 596h31m23s (the longest timer Node.js has), received "0s"',
    );
    expect(nomad.requests).toHaveLength(0);
  });
});
