import type { Server } from 'node:http';
import type { Lifecycle } from './lifecycle';

/** How often a draining server closes the keep-alive connections that have gone idle since the last look. */
const IDLE_SWEEP_INTERVAL_MS = 100;

export interface DrainResult {
  /** `drained`: every connection ended on its own; `deadline`: the rest were closed when the time was up. */
  readonly outcome: 'drained' | 'deadline';
  readonly durationMs: number;
  /** Connections still open at the deadline, closed with whatever they were doing. */
  readonly connectionsClosedAtDeadline: number;
}

/**
 * Stops a server the way a scheduler expects: not ready from now on, no new
 * connections, in-flight requests finished, and whatever is left at
 * `timeoutMs` closed so the process can exit before the scheduler kills it.
 *
 * Answers written from now on ask their client to close the connection (see
 * the server). A keep-alive connection whose answer was already on its way
 * would stay open until its keep-alive timeout, since node:http closes only
 * the connections idle at the moment `close()` is called: those are swept
 * as they become idle.
 */
export function drain(server: Server, lifecycle: Lifecycle, timeoutMs: number): Promise<DrainResult> {
  lifecycle.startDraining();
  const startedAt = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: DrainResult['outcome'], connectionsClosedAtDeadline: number) => {
      if (!settled) {
        settled = true;
        clearInterval(sweeper);
        clearTimeout(deadline);
        resolve({ outcome, durationMs: performance.now() - startedAt, connectionsClosedAtDeadline });
      }
    };
    const sweeper = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_INTERVAL_MS);
    const deadline = setTimeout(() => {
      server.getConnections((_error, open) => {
        server.closeAllConnections();
        settle('deadline', open);
      });
    }, timeoutMs);
    // close() stops listening and closes idle connections; its callback runs once the last connection has ended.
    server.close(() => settle('drained', 0));
  });
}
