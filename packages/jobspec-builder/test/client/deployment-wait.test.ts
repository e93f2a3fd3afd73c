import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type Deployment,
  type DeploymentProgress,
  deploymentProgress,
  formatDeploymentProgress,
  NomadApiError,
  NomadClient,
} from '../../src/client';
import { RetryEvents, track, useFakeClock } from './clock';
import { BlockingResource, deploymentFixture, FakeNomad } from './fake-nomad';

// The client sleeps with node:timers/promises, which vitest's fake clock does not reach by itself.
vi.mock('node:timers/promises', async (importOriginal) => {
  const { timersOnGlobalClock } = await vi.importActual<typeof import('./clock')>('./clock');
  return timersOnGlobalClock(await importOriginal());
});

const DEPLOYMENT_ID = '85ee4a9a-339f-a921-a9ef-0550d20b2c61';
const DEPLOYMENT_PATH = `/v1/deployment/${DEPLOYMENT_ID}`;

let nomad: FakeNomad;
let client: NomadClient;
let events: RetryEvents;

beforeEach(async () => {
  nomad = await FakeNomad.start();
  events = new RetryEvents();
  client = new NomadClient({
    address: nomad.address,
    blockingWaitMs: 300_000,
    retry: { baseDelayMs: 1 },
    onRetry: events.push,
  });
});

afterEach(async () => {
  vi.useRealTimers();
  client.close();
  await nomad.close();
});

function summary(progress: DeploymentProgress): string {
  return `${progress.status} ${progress.groups.map((g) => `${g.name} ${g.healthy}/${g.placed}/${g.desired}`).join(' ')}`;
}

describe('NomadClient.waitForDeployment', () => {
  it('follows the deployment with blocking queries until it succeeds, reporting each change', async () => {
    const resource = new BlockingResource(deploymentFixture({ modifyIndex: 25 }), 25);
    nomad.on('GET', DEPLOYMENT_PATH, resource.handler);
    const reported: string[] = [];

    const waiting = client.waitForDeployment(DEPLOYMENT_ID, { onProgress: (p) => reported.push(summary(p)) });
    await resource.held(25);
    resource.set(deploymentFixture({ modifyIndex: 26, groups: { cache: { desired: 3, placed: 3, healthy: 1 } } }), 26);
    await resource.held(26);
    resource.set(deploymentFixture({ modifyIndex: 27, groups: { cache: { desired: 3, placed: 3, healthy: 2 } } }), 27);
    await resource.held(27);
    resource.set(
      deploymentFixture({
        modifyIndex: 28,
        status: 'successful',
        description: 'Deployment completed successfully',
        groups: { cache: { desired: 3, placed: 3, healthy: 3 } },
      }),
      28,
    );
    const final = await waiting;

    expect(final.Status).toBe('successful');
    expect(reported).toEqual([
      'running cache 0/0/3',
      'running cache 1/3/3',
      'running cache 2/3/3',
      'successful cache 3/3/3',
    ]);
    // The first read answers at once; each following one waits on the last X-Nomad-Index.
    expect(nomad.requests.map((r) => r.query)).toEqual([
      {},
      { index: '25', wait: '300000ms' },
      { index: '26', wait: '300000ms' },
      { index: '27', wait: '300000ms' },
    ]);
  });

  it('resolves with a failed deployment: the outcome is in its Status, not an exception', async () => {
    const resource = new BlockingResource(deploymentFixture(), 25);
    nomad.on('GET', DEPLOYMENT_PATH, resource.handler);

    const waiting = client.waitForDeployment(DEPLOYMENT_ID);
    await resource.held(25);
    resource.set(
      deploymentFixture({
        status: 'failed',
        description: 'Failed due to progress deadline',
        modifyIndex: 30,
        groups: { cache: { desired: 3, placed: 3, healthy: 1, unhealthy: 2 } },
      }),
    );
    const final = await waiting;

    expect(final.Status).toBe('failed');
    expect(final.StatusDescription).toBe('Failed due to progress deadline');
  });

  it('returns at once for a deployment that is already over', async () => {
    nomad.on('GET', DEPLOYMENT_PATH, { json: deploymentFixture({ status: 'cancelled' }), index: 40 });

    expect((await client.waitForDeployment(DEPLOYMENT_ID)).Status).toBe('cancelled');
    expect(nomad.requests).toHaveLength(1);
  });

  it('rejects with a timeout that carries the last state seen, when the deadline passes and not before', async () => {
    useFakeClock();
    const resource = new BlockingResource(
      deploymentFixture({
        groups: { api: { desired: 2, placed: 2, healthy: 1 }, cache: { desired: 3, placed: 1, healthy: 0 } },
      }),
      25,
    );
    nomad.on('GET', DEPLOYMENT_PATH, resource.handler);

    const waiting = track(
      client.waitForDeployment(DEPLOYMENT_ID, { timeoutMs: 150 }).then(
        () => new Error('expected a timeout'),
        (caught: unknown) => caught,
      ),
    );
    await resource.held(25);
    await vi.advanceTimersByTimeAsync(149);
    expect(waiting.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const error = await waiting.result;

    if (!(error instanceof NomadApiError)) throw error;
    expect(error.code).toBe('timeout');
    expect((error.deployment as Deployment).ID).toBe(DEPLOYMENT_ID);
    expect(error.message).toBe(
      [
        `Nomad API error: gave up waiting after 150 ms: deployment "${DEPLOYMENT_ID}" is still running:`,
        'Deployment "85ee4a9a" (job "my-job" version 1) running: Deployment is running',
        'Task Group  Desired  Placed  Healthy  Unhealthy',
        'api         2        2       1        0',
        'cache       3        1       0        0',
      ].join('\n'),
    );
    // The blocking query's wait was cut to what was left of the timeout.
    expect(nomad.requests[1]?.query.wait).toBe('150ms');
  });

  it('starts over at index 0, after a pause, when X-Nomad-Index goes backwards (a restored server)', async () => {
    useFakeClock();
    const resource = new BlockingResource(deploymentFixture(), 50);
    nomad.on('GET', DEPLOYMENT_PATH, resource.handler);

    const waiting = client.waitForDeployment(DEPLOYMENT_ID);
    await resource.held(50);
    resource.set(deploymentFixture({ modifyIndex: 26 }), 5);
    const pause = await events.next();
    expect(pause).toMatchObject({
      method: 'GET',
      path: DEPLOYMENT_PATH,
      attempt: 1,
      reason: 'X-Nomad-Index went backwards from 50 to 5 (a restored server?): starting over',
    });
    await vi.advanceTimersByTimeAsync(pause.delayMs);
    await resource.held(5);
    resource.set(deploymentFixture({ modifyIndex: 27, status: 'successful' }), 6);
    await waiting;

    expect(nomad.requests.map((r) => r.query.index)).toEqual([undefined, '50', undefined, '5']);
  });

  it('retries a blocking query answered 500 and goes on waiting', async () => {
    const resource = new BlockingResource(deploymentFixture(), 25);
    let failures = 1;
    nomad.on('GET', DEPLOYMENT_PATH, (request) => {
      if (request.query.index === '25' && failures-- > 0) return { status: 500, text: 'rpc error: No cluster leader' };
      return resource.handler(request);
    });

    const waiting = client.waitForDeployment(DEPLOYMENT_ID);
    await resource.held(25);
    resource.set(deploymentFixture({ status: 'successful', modifyIndex: 26 }));

    expect((await waiting).Status).toBe('successful');
    expect(nomad.requests.map((r) => r.query.index)).toEqual([undefined, '25', '25']);
  });

  it('stops waiting when the signal aborts', async () => {
    const resource = new BlockingResource(deploymentFixture(), 25);
    nomad.on('GET', DEPLOYMENT_PATH, resource.handler);
    const controller = new AbortController();

    const waiting = client.waitForDeployment(DEPLOYMENT_ID, { signal: controller.signal });
    await resource.held(25);
    controller.abort(new Error('interrupted'));

    await expect(waiting).rejects.toThrow('interrupted');
  });

  it('rejects a deployment that does not exist with the 404 Nomad answers', async () => {
    nomad.on('GET', '/v1/deployment/nope', { status: 404, text: 'deployment not found' });

    await expect(client.waitForDeployment('nope')).rejects.toThrow(
      'Nomad API error: GET /v1/deployment/nope returned 404 Not Found: deployment not found',
    );
  });
});

describe('NomadClient blocking-query loops against a server that does not block', () => {
  /** Lets the client's pauses pass on the fake clock until `totalMs` would be exceeded, then aborts it. */
  async function runFor(totalMs: number, controller: AbortController): Promise<void> {
    const started = Date.now();
    for (;;) {
      const pause = await events.next();
      if (Date.now() - started + pause.delayMs > totalMs) break;
      await vi.advanceTimersByTimeAsync(pause.delayMs);
    }
    controller.abort(new Error('stopped by the test'));
  }

  /** When each request arrived, in fake milliseconds since the first. */
  function arrivals(): number[] {
    const first = nomad.requests[0]?.at ?? 0;
    return nomad.requests.map((r) => r.at - first);
  }

  it('pauses 1-2 s, then twice as long each time, when the server answers at once with the same index', async () => {
    useFakeClock();
    nomad.on('GET', DEPLOYMENT_PATH, { json: deploymentFixture(), index: 25 });
    const controller = new AbortController();

    const waiting = client.waitForDeployment(DEPLOYMENT_ID, { signal: controller.signal });
    await runFor(60_000, controller);
    await expect(waiting).rejects.toThrow('stopped by the test');

    // Before: 32,604 requests in 3 s. Now: the read, the first blocking query, and one per pause.
    expect(arrivals().filter((at) => at < 3000).length).toBeLessThanOrEqual(4);
    expect(nomad.requests.length).toBeGreaterThanOrEqual(7);
    expect(nomad.requests.length).toBeLessThanOrEqual(10);
    const pauses = events.all.map((e) => e.delayMs);
    pauses.forEach((delay, i) => {
      const step = Math.min(1000 * 2 ** i, 10_000);
      expect(delay).toBeGreaterThanOrEqual(step);
      expect(delay).toBeLessThan(2 * step);
    });
    expect(events.all[0]).toMatchObject({
      attempt: 1,
      reason: 'the server answered at once with X-Nomad-Index 25 unchanged: it did not block',
    });
    expect(nomad.requests.slice(1).every((r) => r.query.index === '25')).toBe(true);
  });

  it('paces a server that sends no X-Nomad-Index at all', async () => {
    useFakeClock();
    nomad.on('GET', DEPLOYMENT_PATH, { json: deploymentFixture() });
    const controller = new AbortController();

    const waiting = client.waitForDeployment(DEPLOYMENT_ID, { signal: controller.signal });
    await runFor(60_000, controller);
    await expect(waiting).rejects.toThrow('stopped by the test');

    expect(events.all[0]?.reason).toBe('the answer has no X-Nomad-Index: the server does not block');
    expect(arrivals().filter((at) => at < 3000).length).toBeLessThanOrEqual(3);
    expect(nomad.requests.length).toBeLessThanOrEqual(9);
  });

  it('paces a server whose index goes backwards on every blocking query', async () => {
    useFakeClock();
    nomad.on('GET', DEPLOYMENT_PATH, (request) => ({
      json: deploymentFixture(),
      index: request.query.index === '50' ? 5 : 50,
    }));
    const controller = new AbortController();

    const waiting = client.waitForDeployment(DEPLOYMENT_ID, { signal: controller.signal });
    await runFor(60_000, controller);
    await expect(waiting).rejects.toThrow('stopped by the test');

    // Each pause is followed by a plain read and a blocking query that goes backwards again:
    // two requests per pause, the pauses growing as on a server that does not block.
    expect(events.all.every((e) => e.reason.startsWith('X-Nomad-Index went backwards from 50 to 5'))).toBe(true);
    expect(events.all.map((e) => e.attempt).slice(0, 4)).toEqual([1, 2, 3, 4]);
    expect(arrivals().filter((at) => at < 3000).length).toBeLessThanOrEqual(6);
    expect(nomad.requests.length).toBeLessThanOrEqual(20);
  });

  it('needs no pause when the server held the query for its whole wait', async () => {
    useFakeClock();
    const resource = new BlockingResource(deploymentFixture(), 25);
    nomad.on('GET', DEPLOYMENT_PATH, resource.handler);

    const waiting = client.waitForDeployment(DEPLOYMENT_ID);
    await resource.held(25);
    // The wait runs out with nothing new, as it does on a quiet cluster: ask again at once.
    await vi.advanceTimersByTimeAsync(300_000);
    await nomad.received(3);
    await resource.held(25);
    resource.set(deploymentFixture({ status: 'successful', modifyIndex: 26 }));

    expect((await waiting).Status).toBe('successful');
    expect(events.all).toEqual([]);
    expect(nomad.requests.map((r) => r.query.index)).toEqual([undefined, '25', '25']);
  });

  it('paces the wait for a job deployment to appear, too', async () => {
    useFakeClock();
    nomad.on('GET', '/v1/job/nightly/deployment', { json: null, index: 12 });

    const waiting = track(client.waitForJobDeployment('nightly', { timeoutMs: 10_000 }));
    while (Date.now() - (nomad.requests[0]?.at ?? Date.now()) < 10_000 && !waiting.settled()) {
      const pause = await events.next();
      await vi.advanceTimersByTimeAsync(pause.delayMs);
    }

    await expect(waiting.result).rejects.toThrow(
      'Nomad API error: gave up waiting after 10000 ms: no deployment appeared',
    );
    // 0 s, 0 s, then after pauses of at least 1, 2 and 4 s: at most 5 queries in 10 s.
    expect(nomad.requests.length).toBeLessThanOrEqual(5);
  });
});

describe('NomadClient.waitForJobDeployment', () => {
  it("waits for the registration's deployment, skipping the previous version's", async () => {
    const latest = new BlockingResource<unknown>(
      deploymentFixture({ id: 'old-deployment', status: 'successful', jobModifyIndex: 19, jobVersion: 1 }),
      30,
    );
    const current = new BlockingResource(deploymentFixture({ jobModifyIndex: 34, jobVersion: 2 }), 36);
    nomad.on('GET', '/v1/job/my-job/deployment', latest.handler).on('GET', DEPLOYMENT_PATH, current.handler);
    const versions: number[] = [];

    const waiting = client.waitForJobDeployment('my-job', {
      jobModifyIndex: 34,
      namespace: 'prod',
      onProgress: (p) => versions.push(p.jobVersion),
    });
    await latest.held(30);
    latest.set(deploymentFixture({ jobModifyIndex: 34, jobVersion: 2 }), 36);
    await current.held(36);
    current.set(deploymentFixture({ status: 'successful', jobModifyIndex: 34, jobVersion: 2, modifyIndex: 40 }), 40);
    const final = await waiting;

    expect(final).toMatchObject({ ID: DEPLOYMENT_ID, Status: 'successful', JobVersion: 2 });
    expect(versions.every((v) => v === 2)).toBe(true);
    expect(nomad.requests.map((r) => [r.path, r.query])).toEqual([
      ['/v1/job/my-job/deployment', { namespace: 'prod' }],
      ['/v1/job/my-job/deployment', { namespace: 'prod', index: '30', wait: '300000ms' }],
      [DEPLOYMENT_PATH, { namespace: 'prod' }],
      [DEPLOYMENT_PATH, { namespace: 'prod', index: '36', wait: '300000ms' }],
    ]);
  });

  it('times out when no deployment appears, saying which jobs never get one', async () => {
    useFakeClock();
    const resource = new BlockingResource<unknown>(null, 12);
    nomad.on('GET', '/v1/job/nightly/deployment', resource.handler);

    const waiting = track(client.waitForJobDeployment('nightly', { timeoutMs: 100 }));
    await resource.held(12);
    await vi.advanceTimersByTimeAsync(99);
    expect(waiting.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);

    await expect(waiting.result).rejects.toThrow(
      'Nomad API error: gave up waiting after 100 ms: no deployment appeared (batch and sysbatch jobs never get one)',
    );
  });

  it('refuses a timeout that is not a positive number of milliseconds', async () => {
    await expect(client.waitForJobDeployment('web', { timeoutMs: 0 })).rejects.toThrow(
      'Nomad client: timeoutMs: expected a number of milliseconds > 0, received 0',
    );
  });
});

describe('formatDeploymentProgress', () => {
  it('prints the per-group counts, with a Canaries column when a group uses canaries', () => {
    const deployment = {
      ...deploymentFixture({ groups: { cache: { desired: 3, placed: 2, healthy: 2 } } }),
      TaskGroups: {
        cache: {
          DesiredTotal: 3,
          PlacedAllocs: 2,
          HealthyAllocs: 2,
          UnhealthyAllocs: 0,
          DesiredCanaries: 2,
          PlacedCanaries: ['a', 'b'],
        },
        web: { DesiredTotal: 10, PlacedAllocs: 10, HealthyAllocs: 9, UnhealthyAllocs: 1 },
      },
    } as unknown as Deployment;

    expect(formatDeploymentProgress(deploymentProgress(deployment))).toMatchInlineSnapshot(`
      "Deployment "85ee4a9a" (job "my-job" version 1) running: Deployment is running
      Task Group  Desired  Placed  Healthy  Unhealthy  Canaries
      cache       3        2       2        0          2/2
      web         10       10      9        1          0/0"
    `);
  });
});
