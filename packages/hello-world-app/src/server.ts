import { randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import type { Config } from './config';
import { CONNECTIONS_CHECK_INTERVAL_MS } from './defaults';
import { greeting } from './greeting';
import type { Lifecycle } from './lifecycle';
import { closeAfterLingering } from './lingering-close';
import type { Logger } from './logger';
import type { HttpMetrics } from './metrics';

export interface HelloWorldServerOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: HttpMetrics;
  readonly lifecycle: Lifecycle;
}

/** Methods every route answers (HEAD is GET without the body; node:http drops the body itself). */
const ALLOWED_METHODS = 'GET, HEAD';

/** Status recorded for a request whose client went away before the answer was sent (nginx's convention). */
const CLIENT_CLOSED_REQUEST = 499;

/** Route label of requests that matched no route, so that arbitrary paths never become metric series. */
const UNMATCHED_ROUTE = 'unmatched';

/** Requests slower than this are logged as warnings even when they succeed. */
const SLOW_REQUEST_MS = 1_000;

/** An incoming `X-Request-Id` is kept only if it looks like an id, since it is echoed and logged. */
const REQUEST_ID_PATTERN = /^[\w.:/+=-]{1,128}$/;

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json';

/** One request and what is known about it while it is answered. */
interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly requestId: string;
  readonly path: string;
  readonly route: Route | undefined;
  readonly startedAt: number;
  /** Set once the request is counted and logged, so that it never is twice. */
  recorded: boolean;
}

interface Route {
  /**
   * Health checks and scrapes arrive every few seconds from Nomad, the load
   * balancer and Prometheus: only their failures are logged at info level.
   */
  readonly isProbe: boolean;
  readonly handle: (exchange: Exchange) => void | Promise<void>;
}

/**
 * The hello-world HTTP server (not yet listening): the routes, the request
 * limits, the timeouts for a load balancer in front, metrics and logs.
 *
 * Every request is counted and timed; successful ones are logged at debug
 * level only, failed and slow ones at info level and above, each with its
 * request id. Writing a log line per request would cost about as much CPU as
 * answering it (see the benchmark in the README), and the metrics already
 * count every request.
 */
export function createHelloWorldServer(options: HelloWorldServerOptions): Server {
  const { config } = options;
  const server = createServer({
    maxHeaderSize: config.maxHeaderBytes,
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    connectionsCheckingInterval: connectionsCheckingIntervalMs(config),
  });
  server.keepAliveTimeout = config.keepAliveTimeoutMs;
  server.on('request', createRequestHandler(options));
  server.on('clientError', createClientErrorHandler(options));
  return server;
}

function createRequestHandler({
  config,
  logger,
  metrics,
  lifecycle,
}: HelloWorldServerOptions): (request: IncomingMessage, response: ServerResponse) => void {
  /** Counts, times and (when it says something) logs a request, once. */
  function record(exchange: Exchange, status: number): void {
    if (exchange.recorded) {
      return;
    }
    exchange.recorded = true;
    const durationMs = performance.now() - exchange.startedAt;
    const { request, route } = exchange;
    metrics.requestFinished(request.method ?? '', route ? exchange.path : UNMATCHED_ROUTE, status, durationMs / 1000);
    const level =
      status >= 500 && status !== 503
        ? 'error'
        : durationMs > SLOW_REQUEST_MS
          ? 'warn'
          : status < 400 || (route?.isProbe && status === 503)
            ? 'debug'
            : 'info';
    if (logger.isLevelEnabled(level)) {
      const entry = { reqId: exchange.requestId, method: request.method, url: request.url, status, durationMs };
      logger[level](entry, 'request completed');
    }
  }

  /** Writes a whole answer in one go. While draining, it also asks the client to close the connection. */
  function respond(
    exchange: Exchange,
    status: number,
    contentType: string,
    body: string | Buffer,
    extraHeaders?: OutgoingHttpHeaders,
  ): void {
    const { response } = exchange;
    if (response.headersSent || response.destroyed) {
      return;
    }
    const headers: OutgoingHttpHeaders = {
      'content-type': contentType,
      'content-length': Buffer.byteLength(body),
      'x-request-id': exchange.requestId,
      ...extraHeaders,
    };
    if (lifecycle.isDraining) {
      headers.connection = 'close';
    }
    response.writeHead(status, headers);
    response.end(body);
    record(exchange, status);
  }

  function respondWithError(exchange: Exchange, status: number, message: string, extraHeaders?: OutgoingHttpHeaders) {
    const body = JSON.stringify({ error: STATUS_CODES[status], message, requestId: exchange.requestId });
    respond(exchange, status, JSON_TYPE, body, extraHeaders);
  }

  /** For answers that take more than one turn of the event loop: a client that leaves first is recorded as 499. */
  function recordIfAbandoned(exchange: Exchange): void {
    exchange.response.once('close', () => record(exchange, CLIENT_CLOSED_REQUEST));
  }

  // Answers that never change are encoded once.
  const greetingBody = Buffer.from(greeting(config.instance));
  const healthyBody = Buffer.from('{"status":"ok"}');
  const readyBody = Buffer.from('{"status":"ready"}');

  const routes = new Map<string, Route>([
    ['/', { isProbe: false, handle: (exchange) => respond(exchange, 200, TEXT, greetingBody) }],
    // Liveness: answering at all proves the event loop runs; it stays healthy while draining.
    ['/health', { isProbe: true, handle: (exchange) => respond(exchange, 200, JSON_TYPE, healthyBody) }],
    [
      '/ready',
      {
        isProbe: true,
        handle: (exchange) =>
          lifecycle.isReady
            ? respond(exchange, 200, JSON_TYPE, readyBody)
            : respond(exchange, 503, JSON_TYPE, JSON.stringify({ status: lifecycle.state })),
      },
    ],
    [
      '/metrics',
      {
        isProbe: true,
        handle: async (exchange) => {
          recordIfAbandoned(exchange);
          const { contentType, text } = await metrics.render();
          respond(exchange, 200, contentType, text);
        },
      },
    ],
  ]);

  function route(exchange: Exchange): void {
    const method = exchange.request.method;
    if (!exchange.route) {
      respondWithError(exchange, 404, `no route for ${exchange.path}`);
    } else if (method !== 'GET' && method !== 'HEAD') {
      respondWithError(exchange, 405, `${method} is not allowed here; allowed: ${ALLOWED_METHODS}`, {
        allow: ALLOWED_METHODS,
      });
    } else {
      const answered = exchange.route.handle(exchange);
      if (answered instanceof Promise) {
        answered.catch((error: unknown) => {
          logger.error({ err: error, reqId: exchange.requestId }, 'request handler failed');
          respondWithError(exchange, 500, 'internal error');
        });
      }
    }
  }

  function rejectTooLarge(exchange: Exchange): void {
    // Answered before the rest of the body is read: the connection closes after this answer, without a reset.
    closeAfterLingering(exchange.request, exchange.response);
    respondWithError(exchange, 413, `the request body exceeds ${config.maxBodyBytes} bytes`, { connection: 'close' });
  }

  return (request, response) => {
    metrics.requestStarted();
    const path = pathOf(request.url);
    const exchange: Exchange = {
      request,
      response,
      requestId: requestIdOf(request),
      path,
      route: routes.get(path),
      startedAt: performance.now(),
      recorded: false,
    };

    const declaredLength = request.headers['content-length'];
    if (declaredLength !== undefined) {
      // node:http has already rejected a malformed Content-Length (400).
      if (Number(declaredLength) > config.maxBodyBytes) {
        rejectTooLarge(exchange);
      } else {
        route(exchange);
      }
    } else if (request.headers['transfer-encoding'] !== undefined) {
      // A chunked body announces no length: count it as it arrives.
      recordIfAbandoned(exchange);
      readBodyWithinLimit(request, config.maxBodyBytes).then((withinLimit) =>
        withinLimit ? route(exchange) : rejectTooLarge(exchange),
      );
    } else {
      route(exchange);
    }
  };
}

/**
 * Reads (and discards) a request body, stopping as soon as it exceeds `limit` bytes.
 * Resolves whether the whole body fitted; an aborted request counts as not fitting.
 */
function readBodyWithinLimit(request: IncomingMessage, limit: number): Promise<boolean> {
  return new Promise((resolve) => {
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        request.off('data', onData);
        request.pause();
        resolve(false);
      }
    };
    request.on('data', onData);
    request.once('end', () => resolve(received <= limit));
    request.once('error', () => resolve(false));
  });
}

/**
 * node:http calls this for requests its parser rejects (bad syntax, head over
 * `maxHeaderSize`, request timeout); answering replaces node's own answer, so
 * that the rejection is logged and counted.
 */
function createClientErrorHandler({ logger, metrics }: HelloWorldServerOptions) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    // A response already on the way cannot be replaced by a raw one.
    const inProgress = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    metrics.requestRejected(status);
    logger.info({ status, code: error.code }, 'rejected a request the HTTP parser could not accept');
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  };
}

/**
 * How often node:http checks the headers and request timeouts: every
 * `CONNECTIONS_CHECK_INTERVAL_MS`, or as often as the headers timeout is long
 * if that is shorter, so that a slow client is cut close to its timeout.
 */
function connectionsCheckingIntervalMs(config: Pick<Config, 'headersTimeoutMs'>): number {
  return Math.min(CONNECTIONS_CHECK_INTERVAL_MS, config.headersTimeoutMs);
}

function pathOf(url: string | undefined): string {
  if (url === undefined) {
    return '/';
  }
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Request ids of this process: a random prefix drawn at start, unique across
 * instances, then a counter. Unique like a random UUID, an order of magnitude
 * cheaper to make, and the order of requests shows in the ids.
 */
const requestIdPrefix = randomBytes(8).toString('hex');
let requestCounter = 0;

function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  if (typeof incoming === 'string' && REQUEST_ID_PATTERN.test(incoming)) {
    return incoming;
  }
  requestCounter++;
  return `${requestIdPrefix}-${requestCounter.toString(36)}`;
}
