import { vi } from 'vitest';
import type { NomadRetryEvent } from '../../src/client';

/**
 * Fake clocks for the tests about time (deadlines, backoff, pacing): time moves only when the
 * test moves it, so a busy machine cannot make anything happen early or late. Sockets stay real
 * (Node's networking uses its own timers). Undo with `vi.useRealTimers()`.
 */
export function useFakeClock(): void {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
}

/** The retry events of a client (`onRetry: events.push`), one at a time, as they happen. */
export class RetryEvents {
  /** Every event so far, in order. */
  readonly all: NomadRetryEvent[] = [];
  private readonly unread: NomadRetryEvent[] = [];
  private readonly waiting: ((event: NomadRetryEvent) => void)[] = [];

  readonly push = (event: NomadRetryEvent): void => {
    this.all.push(event);
    const next = this.waiting.shift();
    if (next) next(event);
    else this.unread.push(event);
  };

  /** The next event not read yet, when it happens. */
  next(): Promise<NomadRetryEvent> {
    const event = this.unread.shift();
    return event ? Promise.resolve(event) : new Promise((resolve) => this.waiting.push(resolve));
  }
}

/** Whether a promise has settled, without waiting for it. */
export function track<T>(promise: Promise<T>): { readonly settled: () => boolean; readonly result: Promise<T> } {
  let settled = false;
  const result = promise.finally(() => {
    settled = true;
  });
  result.catch(() => undefined);
  return { settled: () => settled, result };
}
