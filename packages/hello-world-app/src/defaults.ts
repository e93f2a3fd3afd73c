/**
 * Values the server and its Nomad job must agree on. Both read them from here,
 * so the job's ports and timeouts cannot drift from what the server does.
 */

/** Name of the service in logs, metrics and the job. */
export const SERVICE_NAME = 'hello-world-app';

/** The port the server listens on inside its container. */
export const DEFAULT_PORT = 8080;

/**
 * How long the server keeps accepting and answering new connections after
 * SIGTERM (answers say `Connection: close`, the readiness check says 503).
 * Under Nomad the group's `shutdown_delay` has already taken the instance out
 * of the load balancer; under `docker stop` or another supervisor, this is the
 * time clients that are still sending get their answers instead of a refused
 * connection.
 */
export const DEFAULT_DRAIN_WINDOW_MS = 1_000;

/**
 * How long after SIGTERM the server closes whatever connections remain (the
 * drain window included) and exits. The job's `kill_timeout` is longer, so
 * Nomad never has to SIGKILL a draining instance.
 */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/**
 * After the drain, the longest the process waits for its log lines to be
 * written before it exits anyway: a closed standard output (`| head`) or a
 * reader that stopped reading must not keep it alive until SIGKILL. The drain
 * timeout plus this stays under the job's `kill_timeout` (drain timeout + 5 s).
 */
export const LOG_FLUSH_TIMEOUT_MS = 2_000;

/**
 * Idle keep-alive connections stay open this long. It must outlast the idle
 * timeout of the load balancer in front (Traefik closes idle backend
 * connections after 90 s, an AWS ALB after 60 s): if the server closed first,
 * the balancer could send a request on a connection the server is closing, and
 * its client would get a 502.
 */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 95_000;

/** Time a client has to send the request headers (slow-loris protection). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;

/**
 * How often node:http looks for requests over their headers or request
 * timeout (its own default, 30 s, would hold a slow-loris connection up to
 * 30 s past a 10 s headers timeout). Shorter headers timeouts are checked as
 * often as they are long.
 */
export const CONNECTIONS_CHECK_INTERVAL_MS = 1_000;

/** Time a client has to send the whole request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Largest request head (request line and headers); larger requests get 431. */
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

/** Largest request body; larger requests get 413. No route reads a body, so it only bounds what is discarded. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Process exit code for a configuration error (`EX_CONFIG` in sysexits.h). */
export const EXIT_CONFIG_ERROR = 78;
