import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startApp } from '../src/app';
import { loadConfig } from '../src/config';
import { exitOnStopSignals } from '../src/stop-signals';
import { startTestApp } from './support/app';
import { SlowRequest } from './support/slow-request';

/** Whether a promise has settled, without waiting for it. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise, Promise.resolve(pending)])) !== pending;
}

// Timers are fake (the drain window and deadline, the wait for the logs): they move only when a test moves them.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('exitOnStopSignals', () => {
  it('drains on SIGTERM and exits 0 once every connection has ended', async () => {
    const app = await startTestApp({ DRAIN_WINDOW_MS: '1000' });
    const signals = new EventEmitter();
    const exitCode = new Promise<number>((exit) => exitOnStopSignals(Promise.resolve(app), { signals, exit }));

    signals.emit('SIGTERM', 'SIGTERM');
    expect(await app.log.message('draining')).toMatchObject({
      level: 'info',
      signal: 'SIGTERM',
      drainWindowMs: 1000,
      drainTimeoutMs: 10_000,
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await exitCode).toBe(0);
    expect(await app.log.message('drained, exiting')).toMatchObject({ level: 'info', durationMs: 1000 });
  });

  it('exits 1 on a second signal, without waiting for the drain', async () => {
    const app = await startTestApp();
    const stuck = await SlowRequest.open(app.port);
    const signals = new EventEmitter();
    const exitCode = new Promise<number>((exit) => exitOnStopSignals(Promise.resolve(app), { signals, exit }));

    signals.emit('SIGTERM', 'SIGTERM');
    await app.log.message('draining');
    signals.emit('SIGINT', 'SIGINT');
    expect(await exitCode).toBe(1);
    expect(await app.log.message('second stop signal: exiting without waiting for the drain')).toMatchObject({
      level: 'warn',
      signal: 'SIGINT',
    });
    expect(stuck.socket.closed).toBe(false); // the drain was not waited for
    app.server.closeAllConnections();
  });

  it('exits when the log sink has had its time, even if it never finishes writing', async () => {
    // A sink whose flush never calls back, like standard output piped into `head -1` or a stalled reader.
    const stuckSink = Object.assign(
      new Writable({
        write(_chunk, _encoding, done) {
          done();
        },
      }),
      { flush: () => undefined },
    );
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DRAIN_WINDOW_MS: '1000' });
    const signals = new EventEmitter();
    const exitCode = new Promise<number>((exit) =>
      exitOnStopSignals(startApp({ config, logDestination: stuckSink }), { signals, exit, logFlushTimeoutMs: 2000 }),
    );

    signals.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(1000); // the drain window: the drain is complete
    await vi.advanceTimersByTimeAsync(1999);
    expect(await isSettled(exitCode)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await exitCode).toBe(0);
  });

  it('drains a signal that arrives while the server is still starting, once it listens', async () => {
    const signals = new EventEmitter();
    const starting = startTestApp({ DRAIN_WINDOW_MS: '0' });
    const exitCode = new Promise<number>((exit) => exitOnStopSignals(starting, { signals, exit }));
    signals.emit('SIGTERM', 'SIGTERM');

    const app = await starting;
    await app.log.message('draining');
    await vi.advanceTimersByTimeAsync(0);
    expect(await exitCode).toBe(0);
    expect(app.lifecycle.state).toBe('draining');
  });
});
