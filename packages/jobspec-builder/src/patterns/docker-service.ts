import { Check } from '../choices/check';
import { Port } from '../choices/port';
import { Job } from '../job';
import type { GroupProps, JobProps, ServiceProps, TaskProps } from '../model';
import { Duration, type DurationLike, Size, type SizeLike } from '../values';
import { mergeOverrides } from './merge';

export interface DockerServiceOptions {
  /** Job ID, also the group, task and service name. */
  readonly id: string;
  /** Container image, e.g. `ghcr.io/acme/web:1.4.2`. */
  readonly image: string;
  /** The port the container listens on; Nomad maps a dynamic host port to it. */
  readonly containerPort: number;
  /** Number of instances. @default 2 */
  readonly count?: number;
  /** CPU in MHz. @default 200 */
  readonly cpu?: number;
  /** Memory of the task (this library's `Size` or aws-cdk-lib's). @default Size.mebibytes(256) */
  readonly memory?: Size | SizeLike;
  /** HTTP path of the health check; none when undefined. @default '/health' */
  readonly healthCheckPath?: string | null;
  /** Environment of the container. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** @default ['*'] */
  readonly datacenters?: readonly string[];
  /** Service discovery provider. @default 'nomad' (no Consul needed) */
  readonly serviceProvider?: 'nomad' | 'consul';
  /** Service tags, e.g. for a load balancer's routing rules. @default - none */
  readonly tags?: readonly string[];
  /** Time between deregistering the service and stopping the task, to drain connections. @default Duration.seconds(5) */
  readonly shutdownDelay?: Duration | DurationLike;
  /** Time the task has to exit after SIGTERM before SIGKILL. @default Duration.seconds(30) */
  readonly killTimeout?: Duration | DurationLike;
  /**
   * Overrides merged deeply into the generated job, group and task: objects key by key at every depth, lists and
   * other values replaced (see the README's "Overriding what a pattern generates").
   * @default - none
   */
  readonly job?: Partial<Omit<JobProps, 'id' | 'groups'>>;
  /** Overrides of the group, merged deeply like `job`. @default - none */
  readonly group?: Partial<Omit<GroupProps, 'name'>>;
  /** Overrides of the task, merged deeply like `job` (`config: { labels }` keeps the image and ports). @default - none */
  readonly task?: Partial<Omit<TaskProps, 'name' | 'driver'>>;
}

/**
 * The common case: a Docker service behind a health check, rolled out one
 * instance at a time with automatic revert, spread over hosts.
 */
export function dockerService(options: DockerServiceOptions): Job {
  const healthPath = options.healthCheckPath === undefined ? '/health' : options.healthCheckPath;
  const service: ServiceProps = {
    name: options.id,
    port: 'http',
    provider: options.serviceProvider ?? 'nomad',
    ...(options.tags ? { tags: options.tags } : {}),
    ...(healthPath !== null ? { checks: [Check.http(healthPath)] } : {}),
  };
  const task: TaskProps = mergeOverrides<TaskProps>(
    {
      name: options.id,
      driver: 'docker',
      config: { image: options.image, ports: ['http'] },
      ...(options.env ? { env: options.env } : {}),
      resources: { cpu: options.cpu ?? 200, memory: options.memory ?? Size.mebibytes(256) },
      killTimeout: options.killTimeout ?? Duration.seconds(30),
    },
    options.task,
  );
  const group: GroupProps = mergeOverrides<GroupProps>(
    {
      name: options.id,
      count: options.count ?? 2,
      networks: [{ ports: [Port.dynamic('http', { to: options.containerPort })] }],
      services: [service],
      shutdownDelay: options.shutdownDelay ?? Duration.seconds(5),
      tasks: [task],
    },
    options.group,
  );
  const job: JobProps = mergeOverrides<JobProps>(
    {
      id: options.id,
      type: 'service',
      datacenters: options.datacenters ?? ['*'],
      update: {
        maxParallel: 1,
        minHealthyTime: Duration.seconds(10),
        healthyDeadline: Duration.minutes(5),
        progressDeadline: Duration.minutes(10),
        autoRevert: true,
      },
    },
    options.job,
  );
  return new Job({ ...job, groups: [group] });
}
