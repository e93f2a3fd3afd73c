import { setTimeout as delay } from 'node:timers/promises';
import { NomadApiError } from './errors';

/** How calls that are safe to repeat are retried. Every field has a default. */
export interface RetryOptions {
  /**
   * Total attempts, the first included; 1 turns retries off.
   * @default 4
   */
  readonly maxAttempts?: number;
  /**
   * Upper bound of the first delay; each further retry doubles it.
   * @default 200
   */
  readonly baseDelayMs?: number;
  /**
   * No single delay is longer than this, however many retries came before.
   * @default 5000
   */
  readonly maxDelayMs?: number;
}

export interface ResolvedRetryOptions {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: ResolvedRetryOptions = { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5000 };

export function resolveRetryOptions(options: RetryOptions | undefined): ResolvedRetryOptions {
  const resolved = { ...DEFAULT_RETRY, ...stripUndefined(options ?? {}) };
  for (const [key, min] of [
    ['maxAttempts', 1],
    ['baseDelayMs', 0],
    ['maxDelayMs', 0],
  ] as const) {
    const value = resolved[key];
    if (!Number.isFinite(value) || value < min || (key === 'maxAttempts' && !Number.isInteger(value))) {
      throw new NomadApiError({
        code: 'invalid-config',
        message: `Nomad client configuration: retry.${key}: expected ${key === 'maxAttempts' ? 'an integer' : 'a number'} >= ${min}, received ${value}`,
      });
    }
  }
  return resolved;
}

/**
 * The delay before retry number `retry` (1 for the first retry): "full jitter" exponential
 * backoff, a uniform random value in [0, min(maxDelayMs, baseDelayMs * 2^(retry-1))].
 * Full jitter spreads the retries of many clients hitting a restarting server at once.
 */
export function backoffDelayMs(
  retry: number,
  options: ResolvedRetryOptions,
  random: () => number = Math.random,
): number {
  return Math.floor(random() * exponentialMs(retry, options));
}

/**
 * The pause number `pause` (1 for the first) of a loop that must not spin: at least the
 * exponential step, plus up to as much again at random. This is Nomad's own retry interval
 * (`base + helper.RandomStagger(base)` in its client), with the base doubling each time: unlike
 * full jitter it never comes out near 0, so a loop paced by it cannot degrade into a busy loop.
 */
export function staggeredDelayMs(
  pause: number,
  options: Pick<ResolvedRetryOptions, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const step = exponentialMs(pause, options);
  return step + Math.floor(random() * step);
}

/** min(maxDelayMs, baseDelayMs * 2^(n-1)): the step both kinds of delay grow by. */
function exponentialMs(n: number, options: Pick<ResolvedRetryOptions, 'baseDelayMs' | 'maxDelayMs'>): number {
  return Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, n - 1));
}

/**
 * Connection failures worth another try: the server was not reachable or dropped the
 * connection (agent restarting, leader election, load balancer recycling a socket).
 * TLS verification failures and bad addresses are not here: they fail the same way every time.
 */
const RETRYABLE_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
  'REQUEST_TIMEOUT',
]);

export function isRetryableConnectionError(errorCode: string | undefined): boolean {
  return errorCode !== undefined && RETRYABLE_ERROR_CODES.has(errorCode);
}

/**
 * 5xx answers are retried. Nomad's API docs say a 5xx should not be expected to succeed on
 * retry, but the transient cases that matter most come back as 5xx too: "No cluster leader"
 * and RPC forwarding failures during an election (500), proxies in front of Nomad (502-504).
 * Retries are bounded, so a permanent 500 costs a few hundred milliseconds, no more.
 */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 && status <= 599;
}

/**
 * Resolves after `ms`, or rejects at once when `signal` aborts, with the signal's reason (as the
 * requests do, so callers see one kind of cancellation). The one sleep of the client: retries
 * and the pacing of blocking queries both wait with it.
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    throw signal?.aborted ? signal.reason : error;
  }
}

/**
 * The one retry loop of the package, for the client's requests and for callers with their own
 * policy (the nomad-constructs Lambda handlers): runs `attempt` (1 for the first) until it
 * resolves. After a failure `retryAfter(error, attempt)` says how long to wait before the next
 * attempt, or undefined to give up, which rejects with that failure. The waits are
 * {@link sleep}s: an aborted `signal` ends the loop with its reason.
 */
export async function withRetries<T>(
  attempt: (attempt: number) => Promise<T>,
  retryAfter: (error: unknown, attempt: number) => number | undefined,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (signal?.aborted) throw error;
      const delayMs = retryAfter(error, n);
      if (delayMs === undefined) throw error;
      await sleep(delayMs, signal);
    }
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
