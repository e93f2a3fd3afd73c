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

/**
 * JSON lines on standard output, one object per event, with the level as a
 * word and an ISO time, so that Nomad's log shipping and any log store can
 * parse them without configuration.
 */
export function createLogger(options: LoggerOptions): Logger {
  const { allocId, taskName, nodeName, hostname } = options.instance;
  return pino(
    {
      level: options.level,
      base: {
        service: SERVICE_NAME,
        ...(allocId ? { allocId, task: taskName, node: nodeName } : { hostname }),
      },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    // Asynchronous writes batch lines under load instead of one blocking write per request;
    // pino flushes what is buffered when the process exits.
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
