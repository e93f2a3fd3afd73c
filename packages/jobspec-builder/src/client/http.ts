import * as http from 'node:http';
import * as https from 'node:https';
import { gunzip } from 'node:zlib';
import type { NomadRetryEvent, ResolvedConfig } from './config';
import { NomadApiError } from './errors';
import {
  backoffDelayMs,
  isRetryableConnectionError,
  isRetryableStatus,
  type ResolvedRetryOptions,
  withRetries,
} from './retry';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface HttpRequest {
  readonly method: HttpMethod;
  /** Path under the address, starting with `/v1/`, with path segments already encoded. */
  readonly path: string;
  /** Query parameters; undefined values are left out. `namespace`/`region` here win over the client's. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  /** Sent as JSON. @default - no body */
  readonly body?: unknown;
  /** Whether repeating the request cannot change the outcome; only then is it retried. */
  readonly retryable: boolean;
  /** Extra time this request may take on top of the client's request timeout (blocking queries). @default 0 */
  readonly extraTimeoutMs?: number;
  /** Answer the body's bytes as they came (a Buffer), instead of parsing JSON. @default false */
  readonly binary?: boolean;
  /** The ACL token of this request. @default - the client's token */
  readonly token?: string | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface HttpResponse<T> {
  readonly data: T;
  /** `X-Nomad-Index`: the state index the answer reflects, for blocking queries. */
  readonly index: number | undefined;
}

const USER_AGENT = '@org/jobspec-builder NomadClient';

/**
 * Sends requests to one Nomad agent. Two connection pools: retryable calls reuse kept-alive
 * sockets; calls that must not be repeated (register, dispatch without a token) get a fresh
 * socket, because a kept-alive socket the server closed while idle fails the request with
 * ECONNRESET before the server saw it, and such a call cannot be retried.
 */
export class Transport {
  private readonly keepAliveAgent: http.Agent;
  private readonly freshAgent: http.Agent;
  private readonly secure: boolean;

  constructor(
    private readonly config: ResolvedConfig,
    private readonly retry: ResolvedRetryOptions,
    private readonly onRetry: ((event: NomadRetryEvent) => void) | undefined,
  ) {
    this.secure = config.baseUrl.protocol === 'https:';
    const Agent = this.secure ? https.Agent : http.Agent;
    this.keepAliveAgent = new Agent({ keepAlive: true });
    this.freshAgent = new Agent({ keepAlive: false });
  }

  /** The full URL a request goes to; the token is never part of it. */
  url(request: Pick<HttpRequest, 'path' | 'query'>): URL {
    const base = this.config.baseUrl;
    const url = new URL(base.href);
    url.pathname = `${base.pathname.replace(/\/+$/, '')}${request.path}`;
    const query: Record<string, string | undefined> = {
      region: this.config.region,
      namespace: this.config.namespace,
      ...request.query,
    };
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    return url;
  }

  async send<T>(request: HttpRequest): Promise<HttpResponse<T>> {
    const url = this.url(request);
    return withRetries(
      (attempt) => this.once<T>(request, url, attempt),
      (error, attempt) => {
        if (!(error instanceof NomadApiError)) return undefined;
        const reason = retryReason(error);
        if (!request.retryable || reason === undefined || attempt >= this.retry.maxAttempts) return undefined;
        const delayMs = backoffDelayMs(attempt, this.retry);
        this.onRetry?.({ method: request.method, path: request.path, attempt, delayMs, reason });
        return delayMs;
      },
      request.signal,
    );
  }

  /** Lets the process exit: closes the kept-alive sockets. */
  close(): void {
    this.keepAliveAgent.destroy();
    this.freshAgent.destroy();
  }

  private once<T>(request: HttpRequest, url: URL, attempt: number): Promise<HttpResponse<T>> {
    const body = request.body === undefined ? undefined : Buffer.from(JSON.stringify(request.body));
    const headers: http.OutgoingHttpHeaders = {
      Accept: 'application/json',
      'Accept-Encoding': 'gzip',
      'User-Agent': USER_AGENT,
      ...((request.token ?? this.config.token) ? { 'X-Nomad-Token': request.token ?? this.config.token } : {}),
      ...(body ? { 'Content-Type': 'application/json', 'Content-Length': body.length } : {}),
    };
    const tls = this.config.tls;
    const options: https.RequestOptions = {
      method: request.method,
      headers,
      agent: request.retryable ? this.keepAliveAgent : this.freshAgent,
      ...(this.secure
        ? {
            ...(tls.ca ? { ca: tls.ca } : {}),
            ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
            ...(tls.servername ? { servername: tls.servername } : {}),
            rejectUnauthorized: tls.rejectUnauthorized,
          }
        : {}),
    };
    const timeoutMs = this.config.requestTimeoutMs + (request.extraTimeoutMs ?? 0);
    const limit = this.config.maxResponseBytes;
    const describe = { method: request.method, path: request.path, attempt, url };

    // Every way the exchange can end goes through `finish` once: a socket, stream or gunzip
    // error rejects the promise and can never surface as an uncaught exception.
    return new Promise<HttpResponse<T>>((resolve, reject) => {
      let settled = false;
      const finish = (action: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        request.signal?.removeEventListener('abort', onAbort);
        action();
      };
      const fail = (error: unknown): void => finish(() => reject(error));
      const req = (this.secure ? https : http).request(url, options, (res) => {
        const status = res.statusCode ?? 0;
        const tooLarge = (stage: 'received' | 'gunzipped'): void => {
          fail(responseTooLarge(describe, status, limit, stage));
          req.destroy();
        };
        const declared = Number(res.headers['content-length']);
        if (Number.isFinite(declared) && declared > limit) {
          tooLarge('received');
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > limit) {
            tooLarge('received');
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => fail(connectionError(describe, error)));
        res.on('close', () => {
          if (!res.complete) fail(connectionError(describe, truncated()));
        });
        res.on('end', () => {
          decode(Buffer.concat(chunks), res.headers['content-encoding'], limit).then(
            (bytes) => finish(() => resolveResponse(res, bytes)),
            (error: unknown) =>
              (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE'
                ? fail(responseTooLarge(describe, status, limit, 'gunzipped'))
                : fail(invalidResponse(describe, status, `cannot gunzip the body: ${String(error)}`)),
          );
        });
      });
      const resolveResponse = (res: http.IncomingMessage, bytes: Buffer): void => {
        const status = res.statusCode ?? 0;
        const text = request.binary && status >= 200 && status <= 299 ? '' : bytes.toString('utf8');
        if (status < 200 || status > 299) {
          reject(statusError(describe, status, res.statusMessage ?? '', text.trim()));
          return;
        }
        if (request.binary) {
          resolve({ data: bytes as T, index: parseIndex(res.headers['x-nomad-index']) });
          return;
        }
        let data: unknown = null;
        if (text.trim() !== '') {
          try {
            data = JSON.parse(text);
          } catch {
            reject(invalidResponse(describe, status, `expected JSON, received ${JSON.stringify(text.slice(0, 200))}`));
            return;
          }
        }
        resolve({ data: data as T, index: parseIndex(res.headers['x-nomad-index']) });
      };
      const onAbort = (): void => {
        req.destroy();
        fail(request.signal?.reason);
      };
      // One deadline for the whole exchange: a socket timeout alone would let a server that
      // trickles bytes hold the call forever.
      const timer = setTimeout(() => {
        const error = Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'REQUEST_TIMEOUT' });
        fail(connectionError(describe, error));
        req.destroy(error);
      }, timeoutMs);
      req.on('error', (error) => fail(connectionError(describe, error)));
      if (request.signal?.aborted) {
        onAbort();
        return;
      }
      request.signal?.addEventListener('abort', onAbort, { once: true });
      req.end(body);
    });
  }
}

interface RequestDescription {
  readonly method: string;
  readonly path: string;
  readonly attempt: number;
  readonly url: URL;
}

/**
 * The body's bytes. A gzip body is inflated up to `limit` bytes only (zlib stops there with
 * ERR_BUFFER_TOO_LARGE), so a small compressed body cannot expand into gigabytes.
 */
function decode(raw: Buffer, encoding: string | undefined, limit: number): Promise<Buffer> {
  if (encoding !== 'gzip' || raw.length === 0) return Promise.resolve(raw);
  return new Promise((resolve, reject) => {
    gunzip(raw, { maxOutputLength: limit }, (error, out) => {
      if (error) reject(error);
      else resolve(out);
    });
  });
}

/** The error of an answer whose connection closed before its last byte. */
function truncated(): Error {
  return Object.assign(new Error('the connection closed before the whole answer arrived'), { code: 'ECONNRESET' });
}

function parseIndex(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

function retryReason(error: NomadApiError): string | undefined {
  if (error.code === 'http-status' && error.status !== undefined && isRetryableStatus(error.status)) {
    return `HTTP ${error.status}`;
  }
  if (error.code === 'connection' && isRetryableConnectionError(error.errorCode)) return error.errorCode;
  return undefined;
}

function statusError(request: RequestDescription, status: number, statusText: string, body: string): NomadApiError {
  const shown = body.length > 2000 ? `${body.slice(0, 2000)}...` : body;
  return new NomadApiError({
    code: 'http-status',
    message: `Nomad API error: ${request.method} ${request.path} returned ${status}${statusText ? ` ${statusText}` : ''}${
      shown ? `: ${shown}` : ''
    }${statusHint(status)}`,
    method: request.method,
    path: request.path,
    status,
    body,
    attempts: request.attempt,
  });
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) {
    return ' (check NOMAD_TOKEN: the token is missing, unknown or lacks the capability this call needs)';
  }
  return '';
}

function invalidResponse(request: RequestDescription, status: number, detail: string): NomadApiError {
  return new NomadApiError({
    code: 'invalid-response',
    message: `Nomad API error: ${request.method} ${request.path} returned ${status} but ${detail}`,
    method: request.method,
    path: request.path,
    status,
    attempts: request.attempt,
  });
}

function responseTooLarge(
  request: RequestDescription,
  status: number,
  limit: number,
  stage: 'received' | 'gunzipped',
): NomadApiError {
  const what = stage === 'received' ? 'a body larger than' : 'a gzip body that expands to more than';
  return new NomadApiError({
    code: 'response-too-large',
    message: `Nomad API error: ${request.method} ${request.path} returned ${status} with ${what} maxResponseBytes (${formatBytes(
      limit,
    )}); nothing was kept. Raise maxResponseBytes if the agent really sends answers this large`,
    method: request.method,
    path: request.path,
    status,
    attempts: request.attempt,
  });
}

/** `67108864` as `64 MiB`, `1500` as `1500 bytes`: whole binary units only, so the figure is exact. */
function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

function connectionError(request: RequestDescription, error: Error): NomadApiError {
  const errorCode = (error as NodeJS.ErrnoException).code;
  const times = request.attempt === 1 ? '' : ` after ${request.attempt} attempts`;
  return new NomadApiError({
    code: 'connection',
    message: `Nomad API error: ${request.method} ${request.path}: no answer from ${request.url.origin}${times}: ${
      error.message
    }${connectionHint(errorCode, error.message)}`,
    method: request.method,
    path: request.path,
    attempts: request.attempt,
    ...(errorCode ? { errorCode } : {}),
    cause: error,
  });
}

const CERTIFICATE_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function connectionHint(errorCode: string | undefined, message: string): string {
  if (errorCode && CERTIFICATE_ERRORS.has(errorCode)) {
    return ' (set NOMAD_CACERT to the CA that signed the server certificate, and NOMAD_TLS_SERVER_NAME to a name in it, e.g. server.global.nomad)';
  }
  if (/certificate required|handshake failure|bad certificate/i.test(message)) {
    return ' (the server asks for a client certificate: set NOMAD_CLIENT_CERT and NOMAD_CLIENT_KEY)';
  }
  if (errorCode === 'ECONNREFUSED' || errorCode === 'ENOTFOUND') {
    return ' (check that NOMAD_ADDR points at a running Nomad agent)';
  }
  return '';
}
