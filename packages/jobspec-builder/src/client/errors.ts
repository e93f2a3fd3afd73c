/**
 * Stable codes of {@link NomadApiError}s; tools may match on them.
 *
 * - `http-status`: Nomad answered with a status other than 200; `status` and `body` say what it said.
 * - `connection`: no HTTP answer at all (refused, reset, TLS handshake, request timeout).
 * - `timeout`: a wait (for a deployment) ran out of time; the last state seen is in `deployment`.
 * - `invalid-response`: a 200 whose body is not the JSON Nomad documents, or a body that cannot be gunzipped.
 * - `response-too-large`: the body (as received or once gunzipped) is larger than the client's `maxResponseBytes`.
 * - `invalid-config`: the client options or `NOMAD_*` variables cannot work (bad address, unreadable certificate).
 * - `invalid-argument`: a call got an argument it cannot send (empty job ID, negative index); nothing was sent.
 */
export type NomadApiErrorCode =
  | 'http-status'
  | 'connection'
  | 'timeout'
  | 'invalid-response'
  | 'response-too-large'
  | 'invalid-config'
  | 'invalid-argument';

export interface NomadApiErrorProps {
  readonly code: NomadApiErrorCode;
  readonly message: string;
  /** HTTP method of the request that failed. @default - none: not tied to one request (configuration) */
  readonly method?: string;
  /** Request path without the query string, e.g. `/v1/job/web`. @default - none */
  readonly path?: string;
  /** HTTP status Nomad answered with. @default - none: no HTTP answer */
  readonly status?: number;
  /** Nomad's response body, trimmed: its error message in plain text. @default '' */
  readonly body?: string;
  /** How many times the request was sent (more than 1 when it was retried). @default 1 */
  readonly attempts?: number;
  /** The Node.js error code of a connection failure, e.g. `ECONNREFUSED`. @default - none */
  readonly errorCode?: string;
  /** The last deployment seen before a wait timed out. @default - none */
  readonly deployment?: unknown;
  readonly cause?: unknown;
}

/**
 * The one error type of the Nomad client: every failure of a call, with a stable `code`,
 * the request (`method`, `path`), Nomad's HTTP `status` and its message `body`.
 *
 * The API token is never part of the message: it travels in a header, not in the URL.
 */
export class NomadApiError extends Error {
  override readonly name = 'NomadApiError';
  readonly code: NomadApiErrorCode;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly status: number | undefined;
  readonly body: string;
  readonly attempts: number;
  readonly errorCode: string | undefined;
  readonly deployment: unknown;

  constructor(props: NomadApiErrorProps) {
    super(props.message, props.cause === undefined ? undefined : { cause: props.cause });
    this.code = props.code;
    this.method = props.method;
    this.path = props.path;
    this.status = props.status;
    this.body = props.body ?? '';
    this.attempts = props.attempts ?? 1;
    this.errorCode = props.errorCode;
    this.deployment = props.deployment;
  }

  /** True for a 404: the job, deployment or evaluation does not exist (in this namespace and region). */
  get isNotFound(): boolean {
    return this.status === 404;
  }

  /**
   * True when a register with `jobModifyIndex` (EnforceIndex) lost the check-and-set race.
   * Nomad reports it as a 500 whose message starts with "Enforcing job modify index", so only
   * the message tells it apart from a server fault.
   */
  get isEnforceIndexConflict(): boolean {
    return this.code === 'http-status' && this.body.includes('Enforcing job modify index');
  }
}
