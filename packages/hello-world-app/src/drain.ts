import type { Server } from 'node:http';
import type { Lifecycle } from './lifecycle';

/** How often a server that no longer listens closes the keep-alive connections that have gone idle since the last look. */
const IDLE_SWEEP_INTERVAL_MS = 100;

export interface DrainOptions {
  /**
   * Time from the start of the drain during which the server still accepts
   * new connections and answers every request (with `Connection: close`).
   * Values past `timeoutMs` end with it.
   */
  readonly windowMs: number;
  /** Time from the start of the drain at which every connection still open is closed. */
  readonly timeoutMs: number;
}

export interface DrainResult {
  /** `drained`: every connection ended on its own; `deadline`: the rest were closed when the time was up. */
  readonly outcome: 'drained' | 'deadline';
  readonly durationMs: number;
  /** Connections still open at the deadline, closed with whatever they were doing. */
  readonly connectionsClosedAtDeadline: number;
}

/**
 * Stops a server the way a scheduler expects, without resetting a request
 * that is already on its way:
 *
 * 1. From now on the instance is not ready (`/ready` answers 503) and every
 *    answer asks its client to close the connection (see the server), but
 *    the server keeps accepting connections and answering requests for
 *    `windowMs`: clients that have not yet noticed the stop (a load balancer
 *    between two health checks, a client with a request on the wire) get
 *    answers instead of refused or reset connections. Idle keep-alive
 *    connections stay open: closing one while a request is arriving on it
 *    would reset that request. Each closes after its next answer.
 * 2. After `windowMs` it stops listening and closes the connections idle at
 *    that moment, then each remaining one as soon as its answer is written
 *    (a keep-alive connection whose answer was already on its way is swept as
 *    it goes idle, since node:http closes only the connections idle when
 *    `close()` is called).
 * 3. At `timeoutMs` whatever is still open is closed, so the process can exit
 *    before the scheduler kills it.
 */
export function drain(server: Server, lifecycle: Lifecycle, options: DrainOptions): Promise<DrainResult> {
  lifecycle.startDraining();
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    let sweeper: NodeJS.Timeout | undefined;
    const settle = (outcome: DrainResult['outcome'], connectionsClosedAtDeadline: number) => {
      if (!settled) {
        settled = true;
        clearTimeout(window);
        clearTimeout(deadline);
        clearInterval(sweeper);
        resolve({ outcome, durationMs: performance.now() - startedAt, connectionsClosedAtDeadline });
      }
    };
    const stopListening = () => {
      if (sweeper === undefined) {
        sweeper = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_INTERVAL_MS);
        // close() stops listening and closes idle connections; its callback runs once the last connection has ended.
        server.close(() => settle('drained', 0));
      }
    };
    const window = setTimeout(stopListening, Math.min(options.windowMs, options.timeoutMs));
    const deadline = setTimeout(() => {
      stopListening();
      server.getConnections((_error, open) => {
        server.closeAllConnections();
        settle('deadline', open);
      });
    }, options.timeoutMs);
  });
}
