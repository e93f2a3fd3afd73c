import type * as timersPromises from 'node:timers/promises';
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

/**
 * `node:timers/promises` with a `setTimeout` that waits on the global `setTimeout`, for
 * `vi.mock('node:timers/promises', ...)` in test files that use {@link useFakeClock}.
 *
 * vitest's fake timers replace the global `setTimeout` but not the one of `node:timers/promises`
 * that modules import (vitest patches only the CommonJS copy, and only if its fake-timer library
 * loads after vitest's own setup, which it does not here). The client sleeps with the latter; with
 * this mock the fake clock drives its sleeps too, and with real timers nothing changes.
 */
export function timersOnGlobalClock(original: typeof timersPromises): typeof timersPromises {
  return {
    ...original,
    setTimeout: <T = void>(ms?: number, value?: T, options?: { signal?: AbortSignal }): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const signal = options?.signal;
        const aborted = (): Error =>
          Object.assign(new Error('The operation was aborted'), {
            name: 'AbortError',
            code: 'ABORT_ERR',
            cause: signal?.reason,
          });
        if (signal?.aborted) {
          reject(aborted());
          return;
        }
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(aborted());
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve(value as T);
        }, ms);
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  } as typeof timersPromises;
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
