import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { exitOnStopSignals } from '../src/stop-signals';
import { startTestApp } from './support/app';
import { call } from './support/http';
import { LoadGenerator } from './support/load';

const TRIALS = 5;
const CLIENTS = 20;
/** Answers the clients still get after the signal before they stop, as a load balancer that has not noticed yet. */
const ANSWERS_AFTER_SIGNAL = 200;

// The drain window and deadline run on fake timers: the window ends when the test says so, after the load has
// stopped, however slow the machine. The server, its sockets and the clients are real, on loopback.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('SIGTERM under load', () => {
  it(`loses no request in ${TRIALS} trials: everything sent through the drain window is answered, then it exits 0`, async () => {
    const lostPerTrial: number[] = [];
    for (let trial = 1; trial <= TRIALS; trial++) {
      const app = await startTestApp({ DRAIN_WINDOW_MS: '1000', DRAIN_TIMEOUT_MS: '10000' });
      const signals = new EventEmitter();
      const exitCode = new Promise<number>((exit) => exitOnStopSignals(Promise.resolve(app), { signals, exit }));
      const load = new LoadGenerator(app.port, CLIENTS);
      load.start();

      // The signal comes as an answer arrives, with the other clients' requests on the wire or in the server's
      // buffers, at a different point of the traffic in each trial.
      await load.when(() => load.answered >= 50 * trial);
      signals.emit('SIGTERM', 'SIGTERM');
      const answeredBeforeSignal = load.answered;

      // Clients keep sending, on new connections once answers say `Connection: close`; then they stop.
      await load.when(() => load.answeredClosing >= ANSWERS_AFTER_SIGNAL || load.lost.length > 0);
      await load.stop();
      lostPerTrial.push(load.lost.length);
      if (load.lost.length > 0) continue; // counted; the assertion after the trials reports every trial
      expect(load.outcomes.every((o) => o.status === 200)).toBe(true);
      expect(load.answered).toBeGreaterThanOrEqual(answeredBeforeSignal + ANSWERS_AFTER_SIGNAL);
      // Still in the window: a health check gets an answer, and it says not ready.
      expect((await call(app.port, { path: '/ready' })).status).toBe(503);

      // The window ends; every connection has closed after its last answer, so the drain is complete.
      await vi.advanceTimersByTimeAsync(1000);
      expect(await exitCode, `trial ${trial}`).toBe(0);
      expect(app.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['draining', 'drained, exiting']));
    }
    expect(lostPerTrial).toEqual(Array.from({ length: TRIALS }, () => 0));
  });
});
