import { hostname } from 'node:os';
import { z } from 'zod';
import {
  DEFAULT_DRAIN_TIMEOUT_MS,
  DEFAULT_DRAIN_WINDOW_MS,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_HEADER_BYTES,
  DEFAULT_PORT,
  DEFAULT_REQUEST_TIMEOUT_MS,
} from './defaults';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where this instance runs: Nomad's allocation, task and node when set, the host name otherwise. */
export interface InstanceIdentity {
  /** `NOMAD_ALLOC_ID`, set by Nomad in every task. */
  readonly allocId?: string;
  /** `NOMAD_TASK_NAME`, set by Nomad in every task. */
  readonly taskName?: string;
  /** `NODE_NAME`: Nomad has no variable for it, so the job sets it from `${node.unique.name}`. */
  readonly nodeName?: string;
  /** The container's host name (the container id under Docker). */
  readonly hostname: string;
}

/** The server's settings, read from environment variables only. */
export interface Config {
  /** `PORT`: 0 picks a free port. @default 8080 */
  readonly port: number;
  /** `HOST`: the address to listen on. @default - every interface (IPv6 and IPv4) */
  readonly host?: string;
  /** `LOG_LEVEL`. @default 'info' */
  readonly logLevel: LogLevel;
  /**
   * `DRAIN_WINDOW_MS`: time after SIGTERM during which new connections are still accepted and
   * answered (with `Connection: close`; the readiness check answers 503). Not more than `drainTimeoutMs`.
   * @default 1000, or `drainTimeoutMs` if that is shorter
   */
  readonly drainWindowMs: number;
  /**
   * `DRAIN_TIMEOUT_MS`: time after SIGTERM at which the connections still open (the drain window
   * included) are closed. @default 10000
   */
  readonly drainTimeoutMs: number;
  /** `KEEP_ALIVE_TIMEOUT_MS`: idle keep-alive connections close after this. @default 95000 */
  readonly keepAliveTimeoutMs: number;
  /** `HEADERS_TIMEOUT_MS`: time to receive the request headers. @default 10000 */
  readonly headersTimeoutMs: number;
  /** `REQUEST_TIMEOUT_MS`: time to receive the whole request. @default 30000 */
  readonly requestTimeoutMs: number;
  /** `MAX_HEADER_BYTES`: largest request head; larger gets 431. @default 16384 */
  readonly maxHeaderBytes: number;
  /** `MAX_BODY_BYTES`: largest request body; larger gets 413. @default 65536 */
  readonly maxBodyBytes: number;
  readonly instance: InstanceIdentity;
}

/** A bad environment variable; the message is one line that names every offending variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function wholeNumber(min: number, max: number) {
  return z.string().transform((raw, context) => {
    const value = Number(raw);
    if (!/^\d+$/.test(raw) || value < min || value > max) {
      context.addIssue({ code: 'custom', message: `expected a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return value;
  });
}

const optionalText = z.string().min(1, { error: 'expected a non-empty value' }).optional();

const environmentSchema = z
  .object({
    PORT: wholeNumber(0, 65_535).default(DEFAULT_PORT),
    HOST: optionalText,
    LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    DRAIN_WINDOW_MS: wholeNumber(0, 600_000).optional(),
    DRAIN_TIMEOUT_MS: wholeNumber(0, 600_000).default(DEFAULT_DRAIN_TIMEOUT_MS),
    KEEP_ALIVE_TIMEOUT_MS: wholeNumber(1, 3_600_000).default(DEFAULT_KEEP_ALIVE_TIMEOUT_MS),
    HEADERS_TIMEOUT_MS: wholeNumber(1, 600_000).default(DEFAULT_HEADERS_TIMEOUT_MS),
    REQUEST_TIMEOUT_MS: wholeNumber(1, 3_600_000).default(DEFAULT_REQUEST_TIMEOUT_MS),
    MAX_HEADER_BYTES: wholeNumber(1024, 1024 * 1024).default(DEFAULT_MAX_HEADER_BYTES),
    MAX_BODY_BYTES: wholeNumber(0, 100 * 1024 * 1024).default(DEFAULT_MAX_BODY_BYTES),
    NOMAD_ALLOC_ID: optionalText,
    NOMAD_TASK_NAME: optionalText,
    NODE_NAME: optionalText,
  })
  .superRefine((env, context) => {
    // node:http refuses a headers timeout longer than the request timeout; say so in our words.
    if (env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS) {
      context.addIssue({
        code: 'custom',
        path: ['HEADERS_TIMEOUT_MS'],
        message: `must not exceed REQUEST_TIMEOUT_MS (${env.REQUEST_TIMEOUT_MS})`,
      });
    }
    // The drain deadline counts from the signal: a window past it would be cut short.
    if (env.DRAIN_WINDOW_MS !== undefined && env.DRAIN_WINDOW_MS > env.DRAIN_TIMEOUT_MS) {
      context.addIssue({
        code: 'custom',
        path: ['DRAIN_WINDOW_MS'],
        message: `must not exceed DRAIN_TIMEOUT_MS (${env.DRAIN_TIMEOUT_MS}); lower it or raise DRAIN_TIMEOUT_MS`,
      });
    }
  });

/** The environment variables the service reads, in the order the README documents them. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(environmentSchema.shape);

/**
 * Reads and validates the configuration from environment variables.
 *
 * @throws ConfigError naming each bad variable, its value and what is allowed.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, hostName: string = hostname()): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const variable = String(issue.path[0]);
      return `${variable}: ${issue.message}, received ${JSON.stringify(env[variable])}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    ...(values.HOST !== undefined ? { host: values.HOST } : {}),
    logLevel: values.LOG_LEVEL,
    drainWindowMs: values.DRAIN_WINDOW_MS ?? Math.min(DEFAULT_DRAIN_WINDOW_MS, values.DRAIN_TIMEOUT_MS),
    drainTimeoutMs: values.DRAIN_TIMEOUT_MS,
    keepAliveTimeoutMs: values.KEEP_ALIVE_TIMEOUT_MS,
    headersTimeoutMs: values.HEADERS_TIMEOUT_MS,
    requestTimeoutMs: values.REQUEST_TIMEOUT_MS,
    maxHeaderBytes: values.MAX_HEADER_BYTES,
    maxBodyBytes: values.MAX_BODY_BYTES,
    instance: {
      ...(values.NOMAD_ALLOC_ID !== undefined ? { allocId: values.NOMAD_ALLOC_ID } : {}),
      ...(values.NOMAD_TASK_NAME !== undefined ? { taskName: values.NOMAD_TASK_NAME } : {}),
      ...(values.NODE_NAME !== undefined ? { nodeName: values.NODE_NAME } : {}),
      hostname: hostName,
    },
  };
}
