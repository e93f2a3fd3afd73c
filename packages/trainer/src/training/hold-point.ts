import { TrainerError } from '../errors';

/** The environment variable that asks a training run to stop at a point and wait there. */
export const HOLD_AT_VARIABLE = 'TRAINER_HOLD_AT';

/**
 * A point of a training run to stop at and wait until the process is stopped:
 * after epoch `epoch` has been checkpointed (no `batch`), or after batch `batch`
 * of epoch `epoch` (1-based), before that batch checks for a stop request.
 *
 * It exists so that interruption can be rehearsed deterministically (the tests,
 * or a drill of what a Nomad stop or a lost node does to a run): the trainer says
 * where it is, and nothing moves until the signal arrives, however fast or busy
 * the machine is.
 */
export interface HoldPoint {
  readonly epoch: number;
  readonly batch?: number;
}

/** Reads `TRAINER_HOLD_AT` (`<epoch>` or `<epoch>:<batch>`); undefined when it is not set. */
export function parseHoldPoint(text: string | undefined): HoldPoint | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const match = /^\s*(\d{1,9})(?::(\d{1,9}))?\s*$/.exec(text);
  const epoch = Number(match?.[1]);
  const batch = match?.[2] === undefined ? undefined : Number(match[2]);
  if (!match || epoch < 1 || (batch !== undefined && batch < 1)) {
    throw new TrainerError(
      'invalid-option',
      `invalid ${HOLD_AT_VARIABLE}: expected <epoch> or <epoch>:<batch> (positive integers), received ${JSON.stringify(text.slice(0, 40))}`,
    );
  }
  return batch === undefined ? { epoch } : { epoch, batch };
}

/**
 * Resolves when `signal` aborts. A timer keeps the process alive meanwhile (a
 * pending promise alone does not), and is cleared when the wait ends.
 */
export function waitForAbort(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) {
    return Promise.reject(
      new TrainerError(
        'invalid-option',
        `${HOLD_AT_VARIABLE} needs a way to be released: run the trainer executable (SIGTERM or SIGINT), or pass a signal`,
      ),
    );
  }
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const keepAlive = setInterval(() => undefined, 2 ** 30);
    signal.addEventListener(
      'abort',
      () => {
        clearInterval(keepAlive);
        resolve();
      },
      { once: true },
    );
  });
}
