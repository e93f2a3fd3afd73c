import { constants as bufferConstants } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { NomadApiError } from './errors';
import type { RetryOptions } from './retry';

/**
 * One retry about to happen, for logging ("retrying in 400 ms"): a request that failed and is
 * sent again, or a blocking query (in `waitForDeployment`) that came back at once with nothing
 * new and is sent again after a pause, so that a server that does not block is not flooded.
 */
export interface NomadRetryEvent {
  readonly method: string;
  readonly path: string;
  /** The attempt that failed, 1 for the first; for a paced blocking query, how many such answers came in a row. */
  readonly attempt: number;
  /** How long the client waits before the next attempt. */
  readonly delayMs: number;
  /**
   * What went wrong: `HTTP 503` or a connection error code such as `ECONNREFUSED`; for a paced
   * blocking query, a sentence saying why the answer did not count as blocking.
   */
  readonly reason: string;
}

/**
 * Options of a {@link NomadClient}. Names follow the Nomad CLI's flags and `NOMAD_*` variables;
 * `NomadClient.fromEnv()` fills every option left undefined from the environment.
 *
 * @see https://developer.hashicorp.com/nomad/docs/commands#environment-variables
 */
export interface NomadClientProps {
  /**
   * URL of a Nomad agent's HTTP API (`NOMAD_ADDR`), `http://` or `https://`. A path is kept
   * as a prefix, for agents behind a reverse proxy.
   * @default 'http://127.0.0.1:4646'
   */
  readonly address?: string;
  /**
   * ACL token secret ID (`NOMAD_TOKEN`), sent as the `X-Nomad-Token` header.
   * @default - no token: anonymous requests
   */
  readonly token?: string;
  /**
   * Namespace of every call (`NOMAD_NAMESPACE`), sent as `?namespace=`; a call's own option wins.
   * @default - none sent: the server uses "default" (or the job's own Namespace on register)
   */
  readonly namespace?: string;
  /**
   * Region of every call (`NOMAD_REGION`), sent as `?region=`; the agent forwards the request there.
   * @default - none sent: the agent's own region
   */
  readonly region?: string;
  /**
   * Path of a PEM file with the CA certificate(s) that signed the server certificate (`NOMAD_CACERT`).
   * @default - Node.js's bundled public CAs
   */
  readonly caCert?: string;
  /** PEM content of the CA certificate(s); wins over `caCert`. @default - none */
  readonly caCertPem?: string;
  /** Path of the PEM client certificate for mutual TLS (`NOMAD_CLIENT_CERT`); needs `clientKey`. @default - no client certificate */
  readonly clientCert?: string;
  /** PEM content of the client certificate; wins over `clientCert`. @default - none */
  readonly clientCertPem?: string;
  /** Path of the PEM private key of `clientCert` (`NOMAD_CLIENT_KEY`). @default - none */
  readonly clientKey?: string;
  /** PEM content of the client key; wins over `clientKey`. @default - none */
  readonly clientKeyPem?: string;
  /**
   * Server name sent in TLS SNI and checked against the server certificate (`NOMAD_TLS_SERVER_NAME`),
   * e.g. `server.global.nomad` when connecting by IP address.
   * @default - the host of `address`
   */
  readonly tlsServerName?: string;
  /**
   * Accept any server certificate (`NOMAD_SKIP_VERIFY`). Insecure: for test clusters only.
   * @default false
   */
  readonly tlsSkipVerify?: boolean;
  /**
   * Retries of calls that are safe to repeat, on connection errors and 5xx answers.
   * @default - 4 attempts, delays up to 200 ms, 400 ms, 800 ms (full jitter), capped at 5 s
   */
  readonly retry?: RetryOptions;
  /**
   * Longest time one request may take before it is abandoned (and retried when safe).
   * Blocking queries get their `wait` on top of it.
   * @default 60000
   */
  readonly requestTimeoutMs?: number;
  /**
   * The `wait` of each blocking query while waiting for a deployment. Shorter than Nomad's
   * 5 minute default so that proxies with a 60 s idle timeout (AWS ALB) never cut it.
   * @default 30000
   */
  readonly blockingWaitMs?: number;
  /**
   * Largest response body accepted, in bytes, both as received and once gunzipped. A larger
   * answer fails the call with a NomadApiError of code `response-too-large` instead of filling
   * the memory of the process: a broken proxy or a hostile server (an endless body, a gzip
   * bomb) cannot bring it down. Nomad's largest answers (a job list, a big job) are a few MiB.
   * At most `buffer.constants.MAX_STRING_LENGTH` (about 512 MiB, the longest string Node.js can hold).
   * @default 67108864 (64 MiB)
   */
  readonly maxResponseBytes?: number;
  /** Called before each retry and each pause of a blocking query (see {@link NomadRetryEvent}). @default - nothing is reported */
  readonly onRetry?: (event: NomadRetryEvent) => void;
}

/** The variables the Nomad CLI reads, in the order it documents them. */
export const NOMAD_ENV_VARS = [
  'NOMAD_ADDR',
  'NOMAD_TOKEN',
  'NOMAD_REGION',
  'NOMAD_NAMESPACE',
  'NOMAD_CACERT',
  'NOMAD_CLIENT_CERT',
  'NOMAD_CLIENT_KEY',
  'NOMAD_TLS_SERVER_NAME',
  'NOMAD_SKIP_VERIFY',
] as const;

export const DEFAULT_ADDRESS = 'http://127.0.0.1:4646';

/** The default of {@link NomadClientProps.maxResponseBytes}: 64 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

/**
 * `props` with every undefined option taken from `NOMAD_*` variables, as the Nomad CLI does.
 * Empty variables count as unset, like in the CLI. A CA or client certificate given in `props`
 * (as a path or PEM) replaces the environment's as a whole, so a key never pairs with a
 * certificate from another source.
 */
export function propsFromEnv(
  props: NomadClientProps,
  env: Readonly<Record<string, string | undefined>>,
): NomadClientProps {
  const get = (name: (typeof NOMAD_ENV_VARS)[number]): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const hasOwnCa = props.caCert !== undefined || props.caCertPem !== undefined;
  const hasOwnClientCert =
    props.clientCert !== undefined ||
    props.clientCertPem !== undefined ||
    props.clientKey !== undefined ||
    props.clientKeyPem !== undefined;
  return {
    ...props,
    address: props.address ?? get('NOMAD_ADDR'),
    token: props.token ?? get('NOMAD_TOKEN'),
    region: props.region ?? get('NOMAD_REGION'),
    namespace: props.namespace ?? get('NOMAD_NAMESPACE'),
    caCert: hasOwnCa ? props.caCert : get('NOMAD_CACERT'),
    clientCert: hasOwnClientCert ? props.clientCert : get('NOMAD_CLIENT_CERT'),
    clientKey: hasOwnClientCert ? props.clientKey : get('NOMAD_CLIENT_KEY'),
    tlsServerName: props.tlsServerName ?? get('NOMAD_TLS_SERVER_NAME'),
    tlsSkipVerify: props.tlsSkipVerify ?? parseGoBool(get('NOMAD_SKIP_VERIFY')),
  };
}

/**
 * Go's `strconv.ParseBool`, which the Nomad CLI uses for `NOMAD_SKIP_VERIFY`; like the CLI,
 * a value it cannot parse is ignored rather than fatal.
 */
export function parseGoBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  return undefined;
}

/** TLS material, read once when the client is made so a bad path fails early. */
export interface ResolvedTls {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly servername?: string;
  readonly rejectUnauthorized: boolean;
}

export interface ResolvedConfig {
  readonly baseUrl: URL;
  readonly token: string | undefined;
  readonly namespace: string | undefined;
  readonly region: string | undefined;
  readonly tls: ResolvedTls;
  readonly requestTimeoutMs: number;
  readonly blockingWaitMs: number;
  readonly maxResponseBytes: number;
}

export function resolveConfig(props: NomadClientProps): ResolvedConfig {
  const baseUrl = parseAddress(props.address ?? DEFAULT_ADDRESS);
  return {
    baseUrl,
    token: props.token || undefined,
    namespace: props.namespace || undefined,
    region: props.region || undefined,
    tls: resolveTls(props),
    requestTimeoutMs: positiveMs('requestTimeoutMs', props.requestTimeoutMs, 60_000),
    blockingWaitMs: positiveMs('blockingWaitMs', props.blockingWaitMs, 30_000),
    maxResponseBytes: byteLimit(props.maxResponseBytes),
  };
}

function parseAddress(address: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(address);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw configError(
      `address (NOMAD_ADDR): expected an http:// or https:// URL such as ${DEFAULT_ADDRESS}, received ${JSON.stringify(address)}; include the scheme and host`,
    );
  }
  if (url.search !== '' || url.hash !== '') {
    throw configError(
      `address (NOMAD_ADDR): expected a URL without query or fragment, received ${JSON.stringify(address)}`,
    );
  }
  return url;
}

function resolveTls(props: NomadClientProps): ResolvedTls {
  const ca = pem('caCert (NOMAD_CACERT)', props.caCertPem, props.caCert);
  const cert = pem('clientCert (NOMAD_CLIENT_CERT)', props.clientCertPem, props.clientCert);
  const key = pem('clientKey (NOMAD_CLIENT_KEY)', props.clientKeyPem, props.clientKey);
  if ((cert === undefined) !== (key === undefined)) {
    throw configError(
      `clientCert and clientKey (NOMAD_CLIENT_CERT, NOMAD_CLIENT_KEY): expected both or neither, received only ${
        cert ? 'the certificate' : 'the key'
      }; set the other one too`,
    );
  }
  return {
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
    ...(props.tlsServerName ? { servername: props.tlsServerName } : {}),
    rejectUnauthorized: props.tlsSkipVerify !== true,
  };
}

function pem(label: string, content: string | undefined, path: string | undefined): Buffer | undefined {
  if (content !== undefined) return Buffer.from(content);
  if (path === undefined || path === '') return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    throw configError(
      `${label}: cannot read ${JSON.stringify(path)}: ${(error as Error).message}; give the path of a PEM file`,
      error,
    );
  }
}

function positiveMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw configError(`${name}: expected a number of milliseconds > 0, received ${value}`);
  }
  return value;
}

function byteLimit(value: number | undefined): number {
  if (value === undefined) return DEFAULT_MAX_RESPONSE_BYTES;
  // The body becomes one string: a limit above the longest string could still crash on decoding.
  const highest = bufferConstants.MAX_STRING_LENGTH;
  if (!Number.isSafeInteger(value) || value < 1 || value > highest) {
    throw configError(
      `maxResponseBytes: expected an integer from 1 to ${highest} (about 512 MiB, the longest string Node.js can hold), received ${value}`,
    );
  }
  return value;
}

function configError(message: string, cause?: unknown): NomadApiError {
  return new NomadApiError({ code: 'invalid-config', message: `Nomad client configuration: ${message}`, cause });
}
