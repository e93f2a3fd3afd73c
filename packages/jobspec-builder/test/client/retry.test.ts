import * as net from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NomadApiError, NomadClient, type NomadRetryEvent } from '../../src/client';
import { BLOCKING_PACE } from '../../src/client/blocking-query';
import { backoffDelayMs, DEFAULT_RETRY, staggeredDelayMs, withRetries } from '../../src/client/retry';
import { RetryEvents, useFakeClock } from './clock';
import { FakeNomad } from './fake-nomad';

// The client sleeps with node:timers/promises, which vitest's fake clock does not reach by itself.
vi.mock('node:timers/promises', async (importOriginal) => {
  const { timersOnGlobalClock } = await vi.importActual<typeof import('./clock')>('./clock');
  return timersOnGlobalClock(await importOriginal());
});

let nomad: FakeNomad;
let client: NomadClient;
let retries: NomadRetryEvent[];

beforeEach(async () => {
  nomad = await FakeNomad.start();
  retries = [];
  client = new NomadClient({
    address: nomad.address,
    retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
    onRetry: (event) => retries.push(event),
  });
});

afterEach(async () => {
  vi.useRealTimers();
  client.close();
  await nomad.close();
});

const job = { Job: { ID: 'web', TaskGroups: [] } };
const unavailable = { status: 503, text: 'No cluster leader' };

async function rejection(promise: Promise<unknown>): Promise<NomadApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(NomadApiError);
  return error as NomadApiError;
}

/** A port nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('NomadClient retries', () => {
  describe('of reads', () => {
    it('retries a GET answered 503 and returns the answer that follows', async () => {
      nomad.on('GET', '/v1/job/web', [unavailable, unavailable, { json: { ID: 'web' } }]);

      expect((await client.readJob('web')).ID).toBe('web');

      expect(nomad.requests).toHaveLength(3);
      expect(retries.map((r) => [r.method, r.path, r.attempt, r.reason])).toEqual([
        ['GET', '/v1/job/web', 1, 'HTTP 503'],
        ['GET', '/v1/job/web', 2, 'HTTP 503'],
      ]);
    });

    it('gives up after maxAttempts with the last answer and the number of attempts', async () => {
      nomad.on('GET', '/v1/job/web', { status: 500, text: 'rpc error: No cluster leader' });

      const error = await rejection(client.readJob('web'));

      expect(nomad.requests).toHaveLength(4);
      expect(error).toMatchObject({
        code: 'http-status',
        status: 500,
        attempts: 4,
        body: 'rpc error: No cluster leader',
      });
    });

    it('does not retry a 4xx: the same request would fail the same way', async () => {
      nomad.on('GET', '/v1/job/web', { status: 404, text: 'job not found' });

      await rejection(client.readJob('web'));

      expect(nomad.requests).toHaveLength(1);
      expect(retries).toEqual([]);
    });

    it('retries a GET whose connection was reset', async () => {
      nomad.on('GET', '/v1/job/web', [{ destroy: true }, { json: { ID: 'web' } }]);

      expect((await client.readJob('web')).ID).toBe('web');

      expect(retries.map((r) => r.reason)).toEqual(['ECONNRESET']);
    });

    it('retries a GET refused by an agent that is not up yet, until it is', async () => {
      useFakeClock();
      const port = await closedPort();
      const events = new RetryEvents();
      const starting = new NomadClient({
        address: `http://127.0.0.1:${port}`,
        retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 20 },
        onRetry: events.push,
      });

      const read = starting.readJob('web').finally(() => starting.close());
      // The agent comes up after the first refusal, before the client's backoff delay ends.
      const refused = await events.next();
      const agent = (await FakeNomad.start({ port })).on('GET', '/v1/job/web', { json: { ID: 'web' } });
      await vi.advanceTimersByTimeAsync(refused.delayMs);
      const result = await read;

      expect(result.ID).toBe('web');
      expect(refused).toMatchObject({ attempt: 1, reason: 'ECONNREFUSED' });
      expect(agent.requests).toHaveLength(1);
      await agent.close();
    });

    it('says where it could not connect after the last refused attempt', async () => {
      const port = await closedPort();
      const nowhere = new NomadClient({
        address: `http://127.0.0.1:${port}`,
        retry: { maxAttempts: 2, baseDelayMs: 1 },
      });

      const error = await rejection(nowhere.readJob('web'));
      nowhere.close();

      expect(error).toMatchObject({
        code: 'connection',
        errorCode: 'ECONNREFUSED',
        attempts: 2,
        method: 'GET',
        path: '/v1/job/web',
      });
      expect(error.message).toBe(
        `Nomad API error: GET /v1/job/web: no answer from http://127.0.0.1:${port} after 2 attempts: connect ECONNREFUSED 127.0.0.1:${port} (check that NOMAD_ADDR points at a running Nomad agent)`,
      );
    });

    it('abandons a request that gets no answer within requestTimeoutMs, and retries it', async () => {
      useFakeClock();
      const events = new RetryEvents();
      const impatient = new NomadClient({
        address: nomad.address,
        requestTimeoutMs: 50,
        retry: { maxAttempts: 2, baseDelayMs: 1 },
        onRetry: events.push,
      });
      nomad.on('GET', '/v1/job/web', [{ hang: true }, { json: { ID: 'web' } }]);

      const read = impatient.readJob('web').finally(() => impatient.close());
      await nomad.received(1);
      await vi.advanceTimersByTimeAsync(49);
      expect(nomad.requests).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      const timedOut = await events.next();
      // The backoff delay (0 ms here) is the only timer left: let it pass.
      await vi.runOnlyPendingTimersAsync();

      expect((await read).ID).toBe('web');
      expect(timedOut).toMatchObject({ attempt: 1, reason: 'REQUEST_TIMEOUT' });
      expect(nomad.requests).toHaveLength(2);
    });
  });

  describe('of writes', () => {
    it('never retries a register answered 503: each attempt would create an evaluation', async () => {
      nomad.on('POST', '/v1/jobs', unavailable);

      const error = await rejection(client.register(job));

      expect(nomad.requests).toHaveLength(1);
      expect(error).toMatchObject({ status: 503, attempts: 1 });
      expect(retries).toEqual([]);
    });

    it('never retries a register whose connection was reset: it may have been applied', async () => {
      nomad.on('POST', '/v1/jobs', { destroy: true });

      const error = await rejection(client.register(job));

      expect(nomad.requests).toHaveLength(1);
      expect(error).toMatchObject({ code: 'connection', errorCode: 'ECONNRESET', attempts: 1 });
    });

    it('never retries a dispatch without an idempotency token', async () => {
      nomad.on('POST', '/v1/job/report/dispatch', unavailable);

      await rejection(client.dispatch('report'));

      expect(nomad.requests).toHaveLength(1);
    });

    it('retries a dispatch with an idempotency token, which Nomad deduplicates', async () => {
      nomad.on('POST', '/v1/job/report/dispatch', [
        unavailable,
        { json: { DispatchedJobID: 'report/dispatch-1', EvalID: '' } },
      ]);

      const result = await client.dispatch('report', { idempotencyToken: 'once' });

      expect(result.DispatchedJobID).toBe('report/dispatch-1');
      expect(nomad.requests.map((r) => r.query.idempotency_token)).toEqual(['once', 'once']);
    });

    it('retries a deregister (stopping a stopped job changes nothing) and a plan (a dry run)', async () => {
      nomad
        .on('DELETE', '/v1/job/web', [
          { destroy: true },
          { json: { EvalID: '', EvalCreateIndex: 0, JobModifyIndex: 0 } },
        ])
        .on('POST', '/v1/job/web/plan', [unavailable, { json: { JobModifyIndex: 7 } }]);

      await client.deregister('web', { purge: true });
      await client.plan(job);

      expect(retries.map((r) => `${r.method} ${r.path} ${r.reason}`)).toEqual([
        'DELETE /v1/job/web ECONNRESET',
        'POST /v1/job/web/plan HTTP 503',
      ]);
    });
  });

  describe('backoff', () => {
    it('draws each delay from [0, min(maxDelayMs, baseDelayMs * 2^(retry-1))]', () => {
      const options = { maxAttempts: 10, baseDelayMs: 100, maxDelayMs: 1000 };
      const highest = (retry: number) => backoffDelayMs(retry, options, () => 0.999999);

      expect([1, 2, 3, 4, 5, 6].map(highest)).toEqual([99, 199, 399, 799, 999, 999]);
      expect(backoffDelayMs(3, options, () => 0)).toBe(0);
      expect(backoffDelayMs(50, options)).toBeLessThan(1000);
    });

    it("paces blocking queries as Nomad's client paces retries: base + random stagger, doubling from 1 s", () => {
      const pause = (n: number, random: number) => staggeredDelayMs(n, BLOCKING_PACE, () => random);

      expect([1, 2, 3, 4, 5, 6].map((n) => pause(n, 0))).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
      expect([1, 2, 3, 4, 5, 6].map((n) => pause(n, 0.999999))).toEqual([1999, 3999, 7999, 15_999, 19_999, 19_999]);
    });

    it('keeps the defaults within a few seconds in total', () => {
      let total = 0;
      for (let retry = 1; retry < DEFAULT_RETRY.maxAttempts; retry++) {
        total += backoffDelayMs(retry, DEFAULT_RETRY, () => 0.999999);
      }
      expect(DEFAULT_RETRY).toEqual({ maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5000 });
      expect(total).toBeLessThanOrEqual(200 + 400 + 800);
    });

    it('waits between attempts the delays it reports, within the configured bounds', async () => {
      useFakeClock();
      const events = new RetryEvents();
      const paced = new NomadClient({
        address: nomad.address,
        retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20 },
        onRetry: events.push,
      });
      nomad.on('GET', '/v1/job/web', unavailable);
      const started = Date.now();

      const read = rejection(paced.readJob('web').finally(() => paced.close()));
      const delays: number[] = [];
      for (let retry = 1; retry < 4; retry++) {
        const event = await events.next();
        delays.push(event.delayMs);
        // The next attempt goes out when the reported delay has passed, not a millisecond later.
        if (event.delayMs > 0) {
          await vi.advanceTimersByTimeAsync(event.delayMs - 1);
          expect(nomad.requests).toHaveLength(retry);
          await vi.advanceTimersByTimeAsync(1);
        } else {
          await vi.advanceTimersByTimeAsync(0);
        }
        await nomad.received(retry + 1);
      }
      await read;

      // 3 retries, each delay at most min(20, 5 * 2^(n-1)) - 1: full jitter below 5, 10, 20 ms.
      expect(delays.every((delay, i) => delay >= 0 && delay < Math.min(20, 5 * 2 ** i))).toBe(true);
      // Requests take no time on the fake clock: the whole call took the delays and nothing more.
      expect(Date.now() - started).toBe(delays.reduce((a, b) => a + b, 0));
    });

    it("stops waiting for the next attempt when the call's signal aborts, with the signal's reason", async () => {
      useFakeClock();
      const events = new RetryEvents();
      const patient = new NomadClient({
        address: nomad.address,
        retry: { maxAttempts: 4, baseDelayMs: 1000, maxDelayMs: 1000 },
        onRetry: events.push,
      });
      nomad.on('GET', '/v1/job/web', unavailable);
      const controller = new AbortController();

      const read = patient.readJob('web', { signal: controller.signal }).finally(() => patient.close());
      await events.next();
      controller.abort(new Error('user pressed Ctrl-C'));

      await expect(read).rejects.toThrow('user pressed Ctrl-C');
      expect(nomad.requests).toHaveLength(1);
    });

    it('rejects retry options that cannot work', () => {
      expect(() => new NomadClient({ retry: { maxAttempts: 0 } })).toThrow(
        'Nomad client configuration: retry.maxAttempts: expected an integer >= 1, received 0',
      );
      expect(() => new NomadClient({ retry: { baseDelayMs: -1 } })).toThrow(
        'Nomad client configuration: retry.baseDelayMs: expected a number >= 0, received -1',
      );
    });
  });

  describe('withRetries, the loop callers with their own policy reuse', () => {
    it('tries again after the delay the policy gives, and resolves with the first success', async () => {
      useFakeClock();
      const seen: [string, number][] = [];
      let calls = 0;
      const result = withRetries(
        async (attempt) => {
          calls++;
          if (attempt < 3) throw new Error(`failure ${attempt}`);
          return `done after ${attempt}`;
        },
        (error, attempt) => {
          seen.push([(error as Error).message, attempt]);
          return 1000 * attempt;
        },
      );
      await vi.advanceTimersByTimeAsync(999);
      expect(calls).toBe(1);
      await vi.advanceTimersByTimeAsync(1 + 2000);
      await expect(result).resolves.toBe('done after 3');
      expect(seen).toEqual([
        ['failure 1', 1],
        ['failure 2', 2],
      ]);
    });

    it('rejects with the failure the policy gives up on', async () => {
      const failure = new Error('permanent');
      await expect(
        withRetries(
          () => Promise.reject(failure),
          () => undefined,
        ),
      ).rejects.toBe(failure);
    });

    it("stops waiting when the signal aborts, with the signal's reason", async () => {
      useFakeClock();
      const controller = new AbortController();
      let calls = 0;
      const result = withRetries(
        async () => {
          calls++;
          throw new Error('not yet');
        },
        () => 60_000,
        controller.signal,
      );
      await vi.advanceTimersByTimeAsync(1);
      controller.abort(new Error('stack deleted'));
      await expect(result).rejects.toThrow('stack deleted');
      expect(calls).toBe(1);
    });
  });
});
