/**
 * `starting` until the server listens, `ready` while it serves, `draining` from
 * the stop signal on. Only `ready` answers the readiness check with success.
 */
export type LifecycleState = 'starting' | 'ready' | 'draining';

/** The instance's position in its life, read by the readiness check on every call. */
export class Lifecycle {
  private current: LifecycleState = 'starting';

  get state(): LifecycleState {
    return this.current;
  }

  get isReady(): boolean {
    return this.current === 'ready';
  }

  get isDraining(): boolean {
    return this.current === 'draining';
  }

  /** Called once the server listens. A draining instance never becomes ready again. */
  markReady(): void {
    if (this.current === 'starting') {
      this.current = 'ready';
    }
  }

  startDraining(): void {
    this.current = 'draining';
  }
}
