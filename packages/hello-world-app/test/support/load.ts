import { Agent, request } from 'node:http';

/** How one request of the load ended. */
export interface Outcome {
  /** The answer's status, or undefined when the request got no answer (reset, refused, hung up). */
  readonly status?: number;
  /** The answer asked to close the connection (the server is draining). */
  readonly closing: boolean;
  /** The error code of a request that got no answer. */
  readonly error?: string;
}

/**
 * Steady traffic as a load balancer forwards it: `clients` keep-alive clients
 * each sending `GET /` back to back, until told to stop. Every request ends as
 * an answer or as a loss. Tests act on what has happened so far (`when`), never
 * on the time.
 */
export class LoadGenerator {
  readonly outcomes: Outcome[] = [];
  private readonly agent: Agent;
  private sending = false;
  private clients: Promise<void>[] = [];
  private watchers: { readonly condition: () => boolean; readonly resolve: () => void }[] = [];

  constructor(
    private readonly port: number,
    private readonly clientCount: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: clientCount });
  }

  start(): void {
    this.sending = true;
    this.clients = Array.from({ length: this.clientCount }, async () => {
      while (this.sending) this.record(await this.send());
    });
  }

  /** Resolves once `condition` holds, checked after every request that ends. */
  when(condition: () => boolean): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve) => this.watchers.push({ condition, resolve }));
  }

  /** Sends no new request; resolves once every request sent has ended. */
  async stop(): Promise<void> {
    this.sending = false;
    await Promise.all(this.clients);
    this.agent.destroy();
  }

  get answered(): number {
    return this.outcomes.filter((o) => o.status !== undefined).length;
  }

  get answeredClosing(): number {
    return this.outcomes.filter((o) => o.closing).length;
  }

  /** The requests that got no answer. */
  get lost(): Outcome[] {
    return this.outcomes.filter((o) => o.status === undefined);
  }

  private record(outcome: Outcome): void {
    this.outcomes.push(outcome);
    const waiting = this.watchers;
    this.watchers = [];
    for (const watcher of waiting) {
      if (watcher.condition()) watcher.resolve();
      else this.watchers.push(watcher);
    }
  }

  private send(): Promise<Outcome> {
    return new Promise((resolve) => {
      request({ host: '127.0.0.1', port: this.port, path: '/', agent: this.agent }, (response) => {
        response.resume();
        // An answer cut in the middle is lost too.
        response.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ closing: false, error: error.code ?? error.message }),
        );
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, closing: response.headers.connection === 'close' }),
        );
      })
        .on('error', (error: NodeJS.ErrnoException) => resolve({ closing: false, error: error.code ?? error.message }))
        .end();
    });
  }
}
