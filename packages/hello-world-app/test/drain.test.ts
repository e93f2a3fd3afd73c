import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
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

describe('drain', () => {
  it('finishes every in-flight request, refuses new connections, then resolves before the deadline', async () => {
    const app = await startTestApp({ DRAIN_TIMEOUT_MS: '5000' });
    const inFlight = await Promise.all(Array.from({ length: 20 }, () => SlowRequest.open(app.port)));
    const readiness = await SlowRequest.open(app.port, '/ready');
    // An idle keep-alive connection, as a load balancer keeps them.
    const idle = await SlowRequest.open(app.port, '/health');
    idle.finish();
    await expect.poll(() => idle.answer).toMatch(/^HTTP\/1\.1 200 OK/);

    const stopped = app.stop();
    const startedAt = Date.now();

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

    const result = await stopped;
    expect(result.outcome).toBe('drained');
    expect(result.durationMs).toBeLessThan(5000);
    expect(Date.now() - startedAt).toBeLessThan(5000);
    expect(app.server.listening).toBe(false);
  });

  it('closes a keep-alive connection whose answer was on its way when the drain began, once it is idle', async () => {
    const app = await startTestApp({ DRAIN_TIMEOUT_MS: '3000' });
    let stopped: ReturnType<typeof app.stop> | undefined;
    // Runs right after the app's own handler wrote its answer (with keep-alive, since it was not draining yet),
    // before node:http has seen the write finish: the connection is not idle when the drain closes idle ones.
    app.server.once('request', () => {
      stopped = app.stop();
    });
    const client = connect(app.port, '127.0.0.1');
    const closed = new Promise<string>((resolve) => {
      const received: Buffer[] = [];
      client.on('data', (chunk) => received.push(chunk));
      client.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    });
    client.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n');

    const answer = await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*keep-alive/i);
    const result = await stopped;
    expect(result?.outcome).toBe('drained');
    expect(result?.durationMs).toBeLessThan(1000);
  });

  it('closes what is left at the deadline and says how many connections it cut', async () => {
    const app = await startTestApp({ DRAIN_TIMEOUT_MS: '300' });
    const neverFinished = await SlowRequest.open(app.port);
    const finished = await SlowRequest.open(app.port);

    const stopped = app.stop();
    finished.finish();
    expect(await finished.closed).toMatch(/^HTTP\/1\.1 200 OK/);

    const result = await stopped;
    expect(result.outcome).toBe('deadline');
    expect(result.connectionsClosedAtDeadline).toBe(1);
    // Timers fire on whole milliseconds: allow for rounding.
    expect(result.durationMs).toBeGreaterThanOrEqual(295);
    expect(result.durationMs).toBeLessThan(1000);
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
