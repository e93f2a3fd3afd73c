/** A log line as pino writes it. */
export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

interface Waiter {
  readonly match: (line: LogLine) => boolean;
  readonly resolve: (line: LogLine) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The log lines of an app as they arrive, and a way to wait for one: tests
 * wait for the line that says the app reached a point, never for a time.
 */
export class LogLines {
  readonly lines: LogLine[] = [];
  private waiters: Waiter[] = [];
  private pending = '';
  private ended: Error | undefined;

  /** Text as it comes from a stream: JSON lines, possibly split across chunks. */
  write(text: string): void {
    this.pending += text;
    const complete = this.pending.split('\n');
    this.pending = complete.pop() ?? '';
    for (const line of complete) {
      if (line !== '') this.push(JSON.parse(line) as LogLine);
    }
  }

  push(line: LogLine): void {
    this.lines.push(line);
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) {
      if (waiter.match(line)) waiter.resolve(line);
      else this.waiters.push(waiter);
    }
  }

  /**
   * Resolves with the first line that matches, already written or still to
   * come; rejects if the lines end (the process exited) without one.
   */
  next(match: (line: LogLine) => boolean): Promise<LogLine> {
    const found = this.lines.find(match);
    if (found) return Promise.resolve(found);
    if (this.ended) return Promise.reject(this.ended);
    return new Promise((resolve, reject) => this.waiters.push({ match, resolve, reject }));
  }

  /** The first line with this message; see {@link next}. */
  message(msg: string): Promise<LogLine> {
    return this.next((line) => line.msg === msg);
  }

  /** No more lines will come: pending and later waits for a missing line reject with `reason`. */
  end(reason: Error): void {
    this.ended = reason;
    for (const waiter of this.waiters) waiter.reject(reason);
    this.waiters = [];
  }
}
