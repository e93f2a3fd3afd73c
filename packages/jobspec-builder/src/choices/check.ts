import type { CheckProps } from '../model';
import { Duration } from '../values';

export interface CheckOptions extends Omit<CheckProps, 'type' | 'path' | 'command' | 'interval' | 'timeout'> {
  /** How often to run the check. @default Duration.seconds(10) */
  readonly interval?: Duration;
  /** How long one run may take. @default Duration.seconds(2) */
  readonly timeout?: Duration;
}

/**
 * Service health checks (`check {}`), one factory per check type.
 *
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/check
 */
export class Check {
  /** GET `path` on the service port; healthy on a 2xx answer. */
  static http(path: string, options: CheckOptions = {}): CheckProps {
    return { type: 'http', path, ...withTimings(options) };
  }

  /** Healthy when a TCP connection to the service port opens. */
  static tcp(options: CheckOptions = {}): CheckProps {
    return { type: 'tcp', ...withTimings(options) };
  }

  /** The gRPC health checking protocol, optionally for one `grpcService`. */
  static grpc(options: CheckOptions = {}): CheckProps {
    return { type: 'grpc', ...withTimings(options) };
  }

  /** Runs `command` in the task (Consul provider only); healthy on exit code 0. */
  static script(command: string, args: readonly string[] = [], options: CheckOptions = {}): CheckProps {
    return { type: 'script', command, ...(args.length > 0 ? { args } : {}), ...withTimings(options) };
  }

  private constructor() {}
}

function withTimings(options: CheckOptions): CheckProps {
  return { interval: Duration.seconds(10), timeout: Duration.seconds(2), ...options };
}
