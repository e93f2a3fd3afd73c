import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

/** One request as the fake agent received it. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: http.IncomingHttpHeaders;
  /** The JSON body, parsed; undefined when there was none. */
  readonly body: unknown;
  /** `Date.now()` when it arrived: the fake clock's time in tests that use one. */
  readonly at: number;
  /** Set on HTTPS: the subject CN of the client certificate and the SNI name the client sent. */
  readonly clientCertCn?: string | undefined;
  readonly servername?: string | undefined;
}

export interface FakeResponse {
  /** @default 200 */
  readonly status?: number;
  /** Sent as JSON; `null` sends the JSON literal null. */
  readonly json?: unknown;
  /** Sent as text/plain, the way Nomad sends its errors. */
  readonly text?: string;
  /** `X-Nomad-Index` header. */
  readonly index?: number;
  readonly gzip?: boolean;
  /** Sent as these bytes, exactly (with `headers` to say what they are). */
  readonly raw?: Buffer;
  /** More response headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Sends `chunk` again and again without a Content-Length, `times` times or until the client hangs up. */
  readonly repeat?: { readonly chunk: Buffer; readonly times?: number };
  /** Declares the whole body's Content-Length, sends half of it, then drops the connection. */
  readonly truncate?: boolean;
  /** Drop the connection without answering: the client sees ECONNRESET. */
  readonly destroy?: boolean;
  /** Never answer (until the server closes). */
  readonly hang?: boolean;
}

export type Handler = (request: RecordedRequest) => FakeResponse | Promise<FakeResponse>;

/**
 * A stand-in for a Nomad agent on 127.0.0.1: routes by "METHOD /path", records every request,
 * and answers with what the test sets, in the shapes Nomad's API docs document.
 */
export class FakeNomad {
  static async start(options: { readonly tls?: https.ServerOptions; readonly port?: number } = {}): Promise<FakeNomad> {
    const fake = new FakeNomad(options.tls);
    await new Promise<void>((resolve, reject) => {
      fake.server.once('error', reject);
      fake.server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    return fake;
  }

  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private readonly arrivals: { readonly count: number; readonly resolve: () => void }[] = [];
  private readonly server: http.Server;

  private constructor(private readonly tls: https.ServerOptions | undefined) {
    const listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
      void this.handle(req, res);
    };
    this.server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** `http://127.0.0.1:<port>` (or https). */
  get address(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Answers `method path` with a handler, a fixed response, or a sequence of responses (the last repeats). */
  on(method: string, path: string, answer: Handler | FakeResponse | readonly FakeResponse[]): this {
    if (typeof answer === 'function') {
      this.routes.set(`${method} ${path}`, answer);
    } else if (Array.isArray(answer)) {
      const sequence = answer as readonly FakeResponse[];
      let next = 0;
      this.routes.set(`${method} ${path}`, () => sequence[Math.min(next++, sequence.length - 1)] ?? {});
    } else {
      this.routes.set(`${method} ${path}`, () => answer as FakeResponse);
    }
    return this;
  }

  /**
   * Resolves once `count` requests have arrived (at once if they already have): tests wait on
   * this instead of on time, so a busy machine only makes them slower, never wrong.
   */
  received(count: number): Promise<void> {
    if (this.requests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.arrivals.push({ count, resolve }));
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const socket = req.socket as import('node:tls').TLSSocket;
    const peer = this.tls ? socket.getPeerCertificate() : undefined;
    const recorded: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: raw === '' ? undefined : JSON.parse(raw),
      at: Date.now(),
      clientCertCn: peer && 'subject' in peer ? [peer.subject?.CN].flat()[0] : undefined,
      servername: this.tls ? (socket.servername as string | false | undefined) || undefined : undefined,
    };
    this.requests.push(recorded);
    for (const arrival of this.arrivals.filter((a) => this.requests.length >= a.count)) {
      this.arrivals.splice(this.arrivals.indexOf(arrival), 1);
      arrival.resolve();
    }
    const handler = this.routes.get(`${recorded.method} ${recorded.path}`);
    const answer: FakeResponse = handler
      ? await handler(recorded)
      : { status: 404, text: `fake Nomad: no route for ${recorded.method} ${recorded.path}` };
    if (answer.destroy) {
      req.socket.destroy();
      return;
    }
    if (answer.hang) return;
    const headers: http.OutgoingHttpHeaders = { ...answer.headers };
    if (answer.index !== undefined) headers['X-Nomad-Index'] = String(answer.index);
    if (answer.repeat) {
      res.writeHead(answer.status ?? 200, headers);
      await repeat(res, answer.repeat.chunk, answer.repeat.times ?? Number.POSITIVE_INFINITY);
      return;
    }
    let body: Buffer;
    if (answer.raw !== undefined) {
      body = answer.raw;
    } else if (answer.text !== undefined) {
      headers['Content-Type'] = 'text/plain';
      body = Buffer.from(answer.text);
    } else if (answer.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = Buffer.from(JSON.stringify(answer.json));
    } else {
      body = Buffer.alloc(0);
    }
    if (answer.gzip) {
      headers['Content-Encoding'] = 'gzip';
      body = gzipSync(body);
    }
    if (answer.truncate) {
      res.writeHead(answer.status ?? 200, { ...headers, 'Content-Length': body.length });
      res.write(body.subarray(0, body.length >> 1), () => req.socket.destroy());
      return;
    }
    res.writeHead(answer.status ?? 200, headers);
    res.end(body);
  }
}

/** Writes `chunk` `times` times, as fast as the client reads, stopping when it hangs up. */
async function repeat(res: http.ServerResponse, chunk: Buffer, times: number): Promise<void> {
  for (let sent = 0; sent < times && !res.destroyed; sent++) {
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    }
  }
  if (!res.destroyed) res.end();
}

/**
 * A value behind a blocking-query endpoint, as a Nomad server keeps it: every change raises
 * the index; a request with `?index=` at or above the current one is held until the next
 * change or until its `?wait=` runs out, then answered with the current value and index.
 */
export class BlockingResource<T> {
  /** The requests held now, each with the `?index=` it waits on. */
  private holding: { readonly index: number; readonly wake: () => void }[] = [];
  private holdListeners: { readonly index: number; readonly resolve: () => void }[] = [];

  constructor(
    public value: T,
    public index = 10,
  ) {}

  /** Changes the value, moves the index forward (or to `index`), and wakes held requests. */
  set(value: T, index = this.index + 1): void {
    this.value = value;
    this.index = index;
    const holding = this.holding;
    this.holding = [];
    for (const request of holding) request.wake();
  }

  /**
   * Resolves once a request with `?index=<index>` is held (at once if one is): the moment a
   * test can change the value and know the client is waiting for exactly that change.
   */
  held(index: number): Promise<void> {
    if (this.holding.some((request) => request.index === index)) return Promise.resolve();
    return new Promise((resolve) => this.holdListeners.push({ index, resolve }));
  }

  readonly handler: Handler = async (request) => {
    const index = Number(request.query.index ?? '0');
    if (index > 0 && index >= this.index) {
      await new Promise<void>((resolve) => {
        // The server's own `wait`: a timer, so tests with fake timers control it too.
        const timer = setTimeout(() => {
          this.holding = this.holding.filter((r) => r !== entry);
          resolve();
        }, parseWaitMs(request.query.wait));
        // A hold left when a test ends must not keep the process alive.
        timer.unref();
        const entry = {
          index,
          wake: () => {
            clearTimeout(timer);
            resolve();
          },
        };
        this.holding.push(entry);
        const listeners = this.holdListeners.filter((l) => l.index === index);
        this.holdListeners = this.holdListeners.filter((l) => l.index !== index);
        for (const listener of listeners) listener.resolve();
      });
    }
    return { json: this.value, index: this.index };
  };
}

/** Nomad's `?wait=` (a Go duration: "250ms", "5s"); 5 minutes when absent, as on a real server. */
export function parseWaitMs(wait: string | undefined): number {
  if (wait === undefined) return 300_000;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(wait);
  if (!match) throw new Error(`fake Nomad: cannot parse wait=${wait}`);
  const unit = match[2] === 'ms' ? 1 : match[2] === 's' ? 1000 : 60_000;
  return Number(match[1]) * unit;
}

/** A deployment in the documented shape of `GET /v1/deployment/:id`. */
export function deploymentFixture(
  overrides: {
    readonly id?: string;
    readonly status?: string;
    readonly description?: string;
    readonly jobModifyIndex?: number;
    readonly jobVersion?: number;
    readonly modifyIndex?: number;
    readonly groups?: Readonly<
      Record<string, { desired: number; placed: number; healthy: number; unhealthy?: number }>
    >;
  } = {},
): Record<string, unknown> {
  const groups = overrides.groups ?? { cache: { desired: 3, placed: 0, healthy: 0 } };
  return {
    ID: overrides.id ?? '85ee4a9a-339f-a921-a9ef-0550d20b2c61',
    Namespace: 'default',
    JobID: 'my-job',
    JobVersion: overrides.jobVersion ?? 1,
    JobModifyIndex: overrides.jobModifyIndex ?? 19,
    JobSpecModifyIndex: overrides.jobModifyIndex ?? 19,
    JobCreateIndex: 7,
    IsMultiregion: false,
    TaskGroups: Object.fromEntries(
      Object.entries(groups).map(([name, g]) => [
        name,
        {
          AutoRevert: true,
          AutoPromote: false,
          Promoted: false,
          PlacedCanaries: null,
          DesiredCanaries: 0,
          DesiredTotal: g.desired,
          PlacedAllocs: g.placed,
          HealthyAllocs: g.healthy,
          UnhealthyAllocs: g.unhealthy ?? 0,
          ProgressDeadline: 600000000000,
          RequireProgressBy: '2017-05-25T23:51:23.240184101Z',
        },
      ]),
    ),
    Status: overrides.status ?? 'running',
    StatusDescription: overrides.description ?? 'Deployment is running',
    CreateIndex: 21,
    ModifyIndex: overrides.modifyIndex ?? 25,
  };
}
