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

// The drain's timers (its window, its deadline, its sweep of idle connections) and its clock are fake: they move only
// when a test moves them, so no outcome depends on how fast the machine is. Sockets and node:http stay real.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('drain', () => {
  it('keeps accepting and answering during the drain window, each answer with Connection: close, not ready', async () => {
    const app = await startTestApp({ DRAIN_WINDOW_MS: '1000', DRAIN_TIMEOUT_MS: '5000' });
    // An idle keep-alive connection, as a load balancer keeps them.
    const idle = await SlowRequest.open(app.port, '/health');
    idle.finish();
    await idle.until(/^HTTP\/1\.1 200 OK[\s\S]*\{"status":"ok"\}$/);

    const stopped = app.stop();
    expect(app.lifecycle.state).toBe('draining');

    // A new connection is still accepted and answered, and told to close.
    const greeting = await call(app.port);
    expect(greeting.status).toBe(200);
    expect(greeting.headers.connection).toBe('close');
    const readiness = await call(app.port, { path: '/ready' });
    expect(readiness.status).toBe(503);
    expect(JSON.parse(readiness.body)).toEqual({ status: 'draining' });

    // The idle keep-alive connection was left open: a request arriving on it is answered, then the connection closes.
    idle.socket.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n');
    const both = await idle.closed;
    const secondAnswer = both.slice(both.indexOf('{"status":"ok"}') + '{"status":"ok"}'.length);
    expect(secondAnswer).toMatch(
      /^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\nconnection: close\r\n[\s\S]*Hello from test-host\n$/i,
    );

    // Not a millisecond early, the window ends: no more connections.
    await vi.advanceTimersByTimeAsync(999);
    expect(app.server.listening).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(app.server.listening).toBe(false);
    expect(await connectionRefused(app.port)).toBe(true);

    const result = await stopped;
    expect(result).toEqual({ outcome: 'drained', durationMs: 1000, connectionsClosedAtDeadline: 0 });
  });

  it('after the window, finishes every in-flight request, then resolves before the deadline', async () => {
    const app = await startTestApp({ DRAIN_WINDOW_MS: '1000', DRAIN_TIMEOUT_MS: '5000' });
    const inFlight = await Promise.all(Array.from({ length: 20 }, () => SlowRequest.open(app.port)));
    const readiness = await SlowRequest.open(app.port, '/ready');

    const stopped = app.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(app.server.listening).toBe(false);
    expect(await connectionRefused(app.port)).toBe(true);
    // Requests in flight keep their connections past the window.
    expect(inFlight.every((request) => !request.socket.closed)).toBe(true);

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

    // The clock has not moved past the window: the drain ended on its own, before its deadline.
    const result = await stopped;
    expect(result).toEqual({ outcome: 'drained', durationMs: 1000, connectionsClosedAtDeadline: 0 });
  });

  it('closes a keep-alive connection whose answer was on its way when the listener closed, once it is idle', async () => {
    const app = await startTestApp({ DRAIN_WINDOW_MS: '0', DRAIN_TIMEOUT_MS: '3000' });
    let stopped: ReturnType<typeof app.stop> | undefined;
    const answerWritten = new Promise<void>((resolve) => {
      // Runs right after the app's own handler wrote its answer (with keep-alive, since it was not draining yet),
      // before node:http has seen the write finish: the connection may not be idle when the listener closes.
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

    // The window (0 ms) ends; once the answer is written the connection is idle, and the next sweep closes it.
    await vi.advanceTimersByTimeAsync(0);
    await answerWritten;
    await vi.advanceTimersByTimeAsync(100);
    const answer = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*keep-alive/i);
    const result = await stopped;
    expect(result?.outcome).toBe('drained');
    expect(result?.durationMs).toBeLessThanOrEqual(100);
  });

  it('closes what is left at the deadline and says how many connections it cut', async () => {
    // The window defaults to the drain timeout when that is shorter than a second.
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
    expect(result).toEqual({ outcome: 'deadline', durationMs: 300, connectionsClosedAtDeadline: 1 });
    expect(await neverFinished.closed).toBe('');
  });

  it('keeps answering the liveness check while draining', async () => {
    const app = await startTestApp({ DRAIN_TIMEOUT_MS: '2000' });
    const liveness = await SlowRequest.open(app.port, '/health');
    const stopped = app.stop();
    liveness.finish();
    expect(await liveness.closed).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\{"status":"ok"\}$/);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await stopped).outcome).toBe('drained');
  });

  it('stops only once when asked twice', async () => {
    const app = await startTestApp();
    const first = app.stop();
    expect(app.stop()).toBe(first);
    await vi.advanceTimersByTimeAsync(1000);
    expect((await first).outcome).toBe('drained');
    await expect(call(app.port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
