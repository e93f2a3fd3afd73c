import pino from 'pino';
import type { InstanceIdentity, LogLevel } from './config';
import { SERVICE_NAME } from './defaults';

export type Logger = pino.Logger;

export interface LoggerOptions {
  readonly level: LogLevel;
  readonly instance: InstanceIdentity;
  /** Where log lines go. @default - standard output, written asynchronously */
  readonly destination?: pino.DestinationStream;
}

/** The standard-output sinks this module made, to let go of one that never finishes writing (see {@link flushLogs}). */
const standardOutputSinks = new WeakMap<Logger, ReturnType<typeof pino.destination>>();

/**
 * JSON lines on standard output, one object per event, with the level as a
 * word and an ISO time, so that Nomad's log shipping and any log store can
 * parse them without configuration.
 */
export function createLogger(options: LoggerOptions): Logger {
  const { allocId, taskName, nodeName, hostname } = options.instance;
  const standardOutput = options.destination ? undefined : standardOutputSink();
  const logger = pino(
    {
      level: options.level,
      base: {
        service: SERVICE_NAME,
        ...(allocId ? { allocId, task: taskName, node: nodeName } : { hostname }),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? standardOutput,
  );
  if (standardOutput) {
    standardOutputSinks.set(logger, standardOutput);
  }
  return logger;
}

/** Log lines buffered beyond this, while standard output does not take them, are dropped rather than kept in memory. */
const MAX_BUFFERED_LOG_BYTES = 8 * 1024 * 1024;

/**
 * Standard output for log lines: asynchronous writes batch lines under load
 * instead of one blocking write per request, and pino flushes what is
 * buffered when the process exits.
 *
 * A pipe whose reader stops reading (a stalled log collector) must neither
 * stall the server nor keep the process from exiting. Opening
 * `process.stdout` makes node put a pipe or socket on standard output in
 * non-blocking mode: a full pipe then fails writes with EAGAIN, which the sink
 * retries later, instead of blocking a libuv thread on `write()`, which
 * `process.exit()` would wait for forever. Meanwhile at most
 * `MAX_BUFFERED_LOG_BYTES` wait in memory.
 */
function standardOutputSink(): ReturnType<typeof pino.destination> {
  void process.stdout;
  return pino.destination({ dest: 1, sync: false, maxLength: MAX_BUFFERED_LOG_BYTES });
}

/**
 * Writes out the log lines still buffered and closes the log sink, waiting at
 * most `timeoutMs`; resolves whether every line was written. Meant for the
 * exit: the logger is silent from then on.
 *
 * A sink can fail to finish: standard output closed by its reader
 * (`hello-world-app | head -1`) or a reader that stopped reading. pino's own
 * exit hook would then block on it (it retries a full pipe forever). After
 * `timeoutMs` the sink is let go, its buffered lines dropped, so the process
 * can exit.
 */
export function closeLogs(logger: Logger, timeoutMs: number): Promise<boolean> {
  // A line logged after the sink closed would throw; nothing logged from here on could be written anyway.
  logger.level = 'silent';
  const sink = standardOutputSinks.get(logger);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      sink?.destroy();
      resolve(false);
    }, timeoutMs);
    const written = () => {
      clearTimeout(timer);
      resolve(true);
    };
    if (sink) {
      sink.once('close', written);
      sink.end();
    } else {
      // Another destination (tests): pino flushes it if it can, and calls back at once if it cannot.
      logger.flush(written);
    }
  });
}
