import type { NomadRetryEvent } from './config';
import { sleep, staggeredDelayMs } from './retry';

/** One answer of a blocking query: the body and its `X-Nomad-Index`. */
export interface BlockingAnswer<T> {
  readonly data: T;
  readonly index: number | undefined;
}

/**
 * How a blocking-query loop paces itself when the server does not block: the first pause is
 * 1-2 s, each next one twice as long, up to 10-20 s, so a misbehaving server sees a few queries
 * a minute instead of thousands a second.
 */
export const BLOCKING_PACE = { baseDelayMs: 1000, maxDelayMs: 10_000 } as const;

export interface WatchOptions<T> {
  /** The endpoint, for `onPause` events. */
  readonly path: string;
  /** Sends one query with this `?index=` (0: a plain read, answered at once). */
  readonly query: (index: number) => Promise<BlockingAnswer<T>>;
  readonly signal: AbortSignal;
  /** Told about each pause before it starts. @default - nothing is reported */
  readonly onPause?: ((event: NomadRetryEvent) => void) | undefined;
  /** @default Math.random */
  readonly random?: () => number;
}

/**
 * Follows a blocking-query endpoint, per Nomad's and Consul's rules for blocking queries:
 * each query waits on the last `X-Nomad-Index`; an index that goes backwards (a server restored
 * from a snapshot) starts over at 0. `onChange` sees the first answer and every answer whose body
 * differs from the one before; the loop ends with the first value other than undefined it returns.
 *
 * A query that comes back with nothing new (no index, an index that did not move forward or went
 * backwards, or a new index with the same body) sooner than the next pause would last means the
 * server did not block (or its state churns): the loop pauses, longer each time in a row (see
 * {@link BLOCKING_PACE}), instead of sending the next query at once. A query that was held at
 * least that long needs no pause: long polling works.
 */
export async function watch<T, R>(
  options: WatchOptions<T>,
  onChange: (data: T) => R | undefined | Promise<R | undefined>,
): Promise<R> {
  let index = 0;
  let last: string | undefined;
  let pauses = 0;
  for (;;) {
    const sent = index;
    const started = performance.now();
    const answer = await options.query(sent);
    const elapsedMs = performance.now() - started;
    const text = JSON.stringify(answer.data);
    const changed = text !== last;
    if (changed) {
      last = text;
      const result = await onChange(answer.data);
      if (result !== undefined) return result;
    }
    const next = answer.index;
    if (next !== undefined) index = next < sent ? 0 : next;
    const moved = next !== undefined && next > sent;
    if (moved && changed) {
      pauses = 0;
      continue;
    }
    // A plain read (index 0) is never held, so its prompt answer is no sign of a server that does
    // not block; but it does not end a run of pauses either (an index that keeps going backwards).
    if (moved && sent === 0) continue;
    const delayMs = staggeredDelayMs(pauses + 1, BLOCKING_PACE, options.random);
    if (elapsedMs >= delayMs) {
      pauses = 0;
      continue;
    }
    pauses++;
    const pauseMs = Math.ceil(delayMs - elapsedMs);
    options.onPause?.({
      method: 'GET',
      path: options.path,
      attempt: pauses,
      delayMs: pauseMs,
      reason: pauseReason(sent, next),
    });
    await sleep(pauseMs, options.signal);
  }
}

function pauseReason(sent: number, next: number | undefined): string {
  if (next === undefined) return 'the answer has no X-Nomad-Index: the server does not block';
  if (next < sent) return `X-Nomad-Index went backwards from ${sent} to ${next} (a restored server?): starting over`;
  if (next === sent) return `the server answered at once with X-Nomad-Index ${next} unchanged: it did not block`;
  return `the server answered at once with X-Nomad-Index ${next} and nothing new`;
}
