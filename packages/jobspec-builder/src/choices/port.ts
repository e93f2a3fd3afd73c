import type { PortProps } from '../model';

export interface DynamicPortOptions {
  /** The port inside the task's network namespace (bridge mode). @default - same as the host port */
  readonly to?: number;
  /** The client host network to allocate from. @default - the default host network */
  readonly hostNetwork?: string;
}

export interface StaticPortOptions extends DynamicPortOptions {
  /** Allow other allocations to use the same static port. @default false */
  readonly ignoreCollision?: boolean;
}

/**
 * Ports of a group network (`port "label" {}`).
 *
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/network#port-parameters
 */
export class Port {
  /** A port Nomad picks from the client's dynamic range (20000-32000 by default). */
  static dynamic(label: string, options: DynamicPortOptions = {}): PortProps {
    return { label, ...options };
  }

  /** A fixed host port: only one allocation per node can hold it. */
  static static(label: string, port: number, options: StaticPortOptions = {}): PortProps {
    return { label, static: port, ...options };
  }

  private constructor() {}
}
