import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startTestApp } from './support/app';
import { call } from './support/http';
import { SlowRequest } from './support/slow-request';

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Whether a promise has settled, without waiting for it. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise, Promise.resolve(pending)])) !== pending;
}

// The drain's timers (its deadline, its sweep of idle connections) and its clock are fake: they move only when a
// test moves them, so no outcome depends on how fast the machine is. Sockets and node:http stay real.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('drain', () => {
  it('finishes every in-flight request, refuses new connections, then resolves before the deadline', async () => {
    const app = await startTestApp({ DRAIN_TIMEOUT_MS: '5000' });
    const inFlight = await Promise.all(Array.from({ length: 20 }, () => SlowRequest.open(app.port)));
    const readiness = await SlowRequest.open(app.port, '/ready');
    // An idle keep-alive connection, as a load balancer keeps them.
    const idle = await SlowRequest.open(app.port, '/health');
    idle.finish();
    await idle.until(/^HTTP\/1\.1 200 OK[\s\S]*\{"status":"ok"\}$/);

    const stopped = app.stop();

    expect(app.lifecycle.state).toBe('draining');
    expect(await connectionRefused(app.port)).toBe(true);
    expect(await idle.closed).toMatch(/^HTTP\/1\.1 200 OK/);

    readiness.finish();
    expect(await readiness.closed).toMatch(
      /^HTTP\/1\.1 503 Service Unavailable\r\n[\s\S]*\r\n\r\n\{"status":"draining"\}$/,
    );

    for (const request of inFlight) request.finish();
    const answers = await Promise.all(inFlight.map((r) => r.closed));
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      // Each answer tells its client the connection closes, so none is reused on a stopping server.
      expect(answer).toMatch(/\r\nconnection: close\r\n/i);
      expect(answer).toMatch(/Hello from test-host\n$/);
    }

    // The clock has not moved: the drain ended on its own, before its deadline.
    const result = await stopped;
    expect(result.outcome).toBe('drained');
    expect(result.durationMs).toBe(0);
    expect(app.server.listening).toBe(false);
  });

  it('closes a keep-alive connection whose answer was on its way when the drain began, once it is idle', async () => {
    const app = await startTestApp({ DRAIN_TIMEOUT_MS: '3000' });
    let stopped: ReturnType<typeof app.stop> | undefined;
    const answerWritten = new Promise<void>((resolve) => {
      // Runs right after the app's own handler wrote its answer (with keep-alive, since it was not draining yet),
      // before node:http has seen the write finish: the connection is not idle when the drain closes idle ones.
      app.server.once('request', (_request, response) => {
        stopped = app.stop();
        response.once('finish', () => resolve());
      });
    });
    const client = connect(app.port, '127.0.0.1');
    const closed = new Promise<string>((resolve) => {
      const received: Buffer[] = [];
      client.on('data', (chunk) => received.push(chunk));
      client.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    });
    client.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n');

    // Once the answer is written the connection is idle; the next sweep closes it, long before the deadline.
    await answerWritten;
    await vi.advanceTimersByTimeAsync(100);
    const answer = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*keep-alive/i);
    const result = await stopped;
    expect(result?.outcome).toBe('drained');
    expect(result?.durationMs).toBe(100);
  });

  it('closes what is left at the deadline and says how many connections it cut', async () => {
    const app = await startTestApp({ DRAIN_TIMEOUT_MS: '300' });
    const neverFinished = await SlowRequest.open(app.port);
    const finished = await SlowRequest.open(app.port);

    const stopped = app.stop();
    finished.finish();
    expect(await finished.closed).toMatch(/^HTTP\/1\.1 200 OK/);

    // Not a millisecond early ...
    await vi.advanceTimersByTimeAsync(299);
    expect(await isSettled(stopped)).toBe(false);
    expect(neverFinished.socket.closed).toBe(false);
    // ... and at the deadline, whatever is left is cut.
    await vi.advanceTimersByTimeAsync(1);
    const result = await stopped;
    expect(result.outcome).toBe('deadline');
    expect(result.connectionsClosedAtDeadline).toBe(1);
    expect(result.durationMs).toBe(300);
    expect(await neverFinished.closed).toBe('');
  });

  it('keeps answering the liveness check while draining', async () => {
    const app = await startTestApp({ DRAIN_TIMEOUT_MS: '2000' });
    const liveness = await SlowRequest.open(app.port, '/health');
    const stopped = app.stop();
    liveness.finish();
    expect(await liveness.closed).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\{"status":"ok"\}$/);
    await stopped;
  });

  it('stops only once when asked twice', async () => {
    const app = await startTestApp();
    const first = app.stop();
    expect(app.stop()).toBe(first);
    expect((await first).outcome).toBe('drained');
    await expect(call(app.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
