import type { BatchProgress } from '../training/train-loop';
import { ProgressBar, type TerminalStream } from './progress-bar';

export type LogFields = Record<string, unknown>;

/**
 * Where the trainer reports what it does. On a terminal: readable lines and a
 * progress bar; otherwise (a container, a pipe, Nomad's log collection): one JSON
 * object per line, `{"time", "level", "msg", ...fields}`.
 */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  progress(progress: BatchProgress): void;
}

export interface LoggerOptions {
  /** @default process.stderr: stdout carries command results (reports, run summaries) */
  readonly stream?: TerminalStream & { readonly isTTY?: boolean };
  /** @default - JSON unless the stream is a TTY */
  readonly json?: boolean;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const json = options.json ?? !stream.isTTY;
  return json ? new JsonLogger(stream) : new TerminalLogger(stream);
}

class JsonLogger implements Logger {
  constructor(private readonly stream: TerminalStream) {}

  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  progress(): void {
    // Per-batch progress would flood log storage; epochs are logged instead.
  }

  private write(level: string, message: string, fields: LogFields = {}): void {
    this.stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields })}\n`);
  }
}

class TerminalLogger implements Logger {
  private readonly bar: ProgressBar;

  constructor(private readonly stream: TerminalStream) {
    this.bar = new ProgressBar(stream);
  }

  info(message: string, fields?: LogFields): void {
    this.write('', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.write('warning: ', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.write('error: ', message, fields);
  }

  progress(progress: BatchProgress): void {
    this.bar.update(progress);
  }

  private write(prefix: string, message: string, fields: LogFields = {}): void {
    this.bar.clear();
    const details = Object.entries(fields)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
      .join(' ');
    this.stream.write(`${prefix}${message}${details ? ` ${details}` : ''}\n`);
  }
}

/** A logger that drops everything (library use and quiet tests). */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  progress: () => undefined,
};
