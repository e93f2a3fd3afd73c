import type { RunningApp } from './app';
import { LOG_FLUSH_TIMEOUT_MS } from './defaults';
import { closeLogs } from './logger';

/** The signals that stop the service: SIGTERM from Nomad, Docker or any supervisor, SIGINT from Ctrl-C. */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

export interface StopSignalsOptions {
  /** Where the signals arrive. @default process */
  readonly signals?: { on(signal: NodeJS.Signals, listener: (signal: NodeJS.Signals) => void): unknown };
  /** Ends the process with an exit code. @default process.exit */
  readonly exit?: (code: number) => void;
  /** The longest wait for the log lines to be written before exiting anyway. @default 2000 (LOG_FLUSH_TIMEOUT_MS) */
  readonly logFlushTimeoutMs?: number;
}

/**
 * Drains and exits on the first stop signal: exit code 0 once every
 * connection has ended, 1 if the drain deadline had to close some. A second
 * signal (Ctrl-C twice) exits with 1 without waiting for the drain.
 *
 * The handlers go in before the server listens (pass the app while it
 * starts), so that a stop during start-up drains too. The exit never waits on
 * the log sink for more than `logFlushTimeoutMs`.
 */
export function exitOnStopSignals(starting: Promise<RunningApp>, options: StopSignalsOptions = {}): void {
  const signals = options.signals ?? process;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const logFlushTimeoutMs = options.logFlushTimeoutMs ?? LOG_FLUSH_TIMEOUT_MS;
  let draining = false;
  let exiting = false;

  const exitAfterLogs = async (app: RunningApp, code: number) => {
    await closeLogs(app.logger, logFlushTimeoutMs);
    if (!exiting) {
      exiting = true;
      exit(code);
    }
  };

  const onSignal = async (signal: NodeJS.Signals) => {
    let app: RunningApp;
    try {
      app = await starting;
    } catch {
      return; // the start failed, and that failure ends the process
    }
    const { logger } = app;
    if (draining) {
      logger.warn({ signal }, 'second stop signal: exiting without waiting for the drain');
      await exitAfterLogs(app, 1);
      return;
    }
    draining = true;
    const { drainWindowMs, drainTimeoutMs } = app.config;
    logger.info({ signal, drainWindowMs, drainTimeoutMs }, 'draining');
    const result = await app.stop();
    if (result.outcome === 'drained') {
      logger.info({ durationMs: Math.round(result.durationMs) }, 'drained, exiting');
    } else {
      logger.warn(
        { durationMs: Math.round(result.durationMs), connections: result.connectionsClosedAtDeadline },
        'drain deadline reached, closed the remaining connections',
      );
    }
    await exitAfterLogs(app, result.outcome === 'drained' ? 0 : 1);
  };
  for (const signal of STOP_SIGNALS) {
    signals.on(signal, (received) => void onSignal(received ?? signal));
  }
}
