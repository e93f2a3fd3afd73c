import { Check, Duration, type HclExpression, Job, Port, Size } from '@org/jobspec-builder';
import type { LogLevel } from '../config';
import { DEFAULT_DRAIN_TIMEOUT_MS, DEFAULT_PORT } from '../defaults';

export interface HelloWorldJobOptions {
  /**
   * The container image built from this package's Dockerfile, e.g.
   * `ghcr.io/acme/hello-world-app:1.2.0`, or an HCL expression such as a variable's `ref`.
   */
  readonly image: string | HclExpression;
  /** Job ID, also the name of its group, task and service. @default 'hello-world' */
  readonly id?: string;
  /** Number of instances. @default 3 */
  readonly count?: number;
  /** @default ['*'] (every datacenter) */
  readonly datacenters?: readonly string[];
  /**
   * The node pool the instances run in (`node_pool`), or an HCL expression such as a variable's `ref`.
   * @default - none: Nomad's `default` pool
   * @see https://developer.hashicorp.com/nomad/docs/concepts/node-pools
   */
  readonly nodePool?: string | HclExpression;
  /**
   * Spread the instances over the cluster's availability zones first (Nomad's AWS fingerprint
   * `${attr.platform.aws.placement.availability-zone}`), then over nodes. For clusters on AWS; off
   * elsewhere, where nodes have no zone attribute.
   * @default false
   */
  readonly spreadOverZones?: boolean;
  /**
   * Traefik router rule for the service, read from its tags by Traefik's Nomad provider.
   * @default 'PathPrefix(`/`)'
   * @see https://doc.traefik.io/traefik/routing/routers/#rule
   */
  readonly routerRule?: string;
  /** `LOG_LEVEL` of the server. @default 'info' */
  readonly logLevel?: LogLevel;
}

/**
 * After deregistering the service, Nomad waits this long before it signals the
 * task, so that load balancers stop sending new requests first. Traefik's
 * Nomad provider in watch mode sees the change within a second or two; the
 * rest is margin for requests already on their way.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/group#shutdown_delay
 */
export const HELLO_WORLD_SHUTDOWN_DELAY = Duration.seconds(10);

/**
 * Time between the stop signal and SIGKILL: the server's drain timeout plus
 * 5 s to flush logs and exit. Below 30 s, the default `max_kill_timeout` of
 * Nomad clients, which would otherwise cut it short.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/task#kill_timeout
 */
export const HELLO_WORLD_KILL_TIMEOUT = Duration.millis(DEFAULT_DRAIN_TIMEOUT_MS + 5_000);

/** Nomad's fingerprint of a node's availability zone on AWS. */
export const AVAILABILITY_ZONE_ATTRIBUTE = '${attr.platform.aws.placement.availability-zone}';

/**
 * Resources of one instance, sized from `npx projen bench` (README,
 * Performance): the server uses 45-65 MHz of CPU per 1,000 requests/s and
 * stays under 80 MiB resident at full load. 200 MHz reserves enough for about
 * 3,000 requests/s, more than a sample service gets, and Nomad lets it use
 * idle CPU above that; 128 MiB covers the resident peak with room for the
 * heap, and `memory_max` lets it burst where the cluster allows oversubscription.
 */
export const HELLO_WORLD_RESOURCES = { cpu: 200, memory: Size.mebibytes(128), memoryMax: Size.mebibytes(256) };

/**
 * The Nomad job of the hello-world service: `count` instances spread over
 * nodes, registered in Nomad's own service catalog with readiness and liveness
 * checks and tags for Traefik, rolled out through a canary that is promoted
 * automatically when healthy and reverted automatically when not.
 */
export function helloWorldJob(options: HelloWorldJobOptions): Job {
  const id = options.id ?? 'hello-world';
  const routerRule = options.routerRule ?? 'PathPrefix(`/`)';
  const nodeSpread = { attribute: '${node.unique.id}', weight: 100 };
  return new Job({
    id,
    type: 'service',
    datacenters: options.datacenters ?? ['*'],
    ...(options.nodePool === undefined ? {} : { nodePool: options.nodePool }),
    groups: [
      {
        name: id,
        count: options.count ?? 3,
        // Spread instances over zones (on AWS) and nodes. Not `distinct_hosts`: a hard constraint
        // leaves the canary nowhere to go on a cluster with as many nodes as instances.
        spreads: options.spreadOverZones
          ? [
              { attribute: AVAILABILITY_ZONE_ATTRIBUTE, weight: 100 },
              { ...nodeSpread, weight: 50 },
            ]
          : [nodeSpread],
        networks: [{ ports: [Port.dynamic('http', { to: DEFAULT_PORT })] }],
        services: [
          {
            name: id,
            port: 'http',
            provider: 'nomad',
            tags: [
              'traefik.enable=true',
              `traefik.http.routers.${id}.rule=${routerRule}`,
              // Traefik also checks readiness itself, so it stops routing to a draining instance at once.
              `traefik.http.services.${id}.loadbalancer.healthcheck.path=/ready`,
              `traefik.http.services.${id}.loadbalancer.healthcheck.interval=5s`,
            ],
            checks: [
              // Readiness: gates deployments (canary health) and traffic.
              Check.http('/ready', { name: 'ready', interval: Duration.seconds(5), timeout: Duration.seconds(2) }),
              // Liveness: an instance that stops answering at all is restarted after 3 failures.
              Check.http('/health', {
                name: 'alive',
                interval: Duration.seconds(10),
                timeout: Duration.seconds(2),
                checkRestart: { limit: 3, grace: Duration.seconds(10) },
              }),
            ],
          },
        ],
        shutdownDelay: HELLO_WORLD_SHUTDOWN_DELAY,
        update: {
          maxParallel: 1,
          canary: 1,
          autoPromote: true,
          autoRevert: true,
          healthCheck: 'checks',
          minHealthyTime: Duration.seconds(10),
          healthyDeadline: Duration.minutes(2),
          progressDeadline: Duration.minutes(10),
        },
        // Node drains move one instance at a time, each healthy before the next.
        migrate: {
          maxParallel: 1,
          healthCheck: 'checks',
          minHealthyTime: Duration.seconds(10),
          healthyDeadline: Duration.minutes(2),
        },
        // Two restarts in place within 5 minutes, then the allocation fails and is rescheduled.
        restart: { attempts: 2, interval: Duration.minutes(5), delay: Duration.seconds(5), mode: 'fail' },
        // Rescheduled on another node as often as needed, backing off up to 5 minutes between attempts.
        reschedule: {
          unlimited: true,
          delay: Duration.seconds(15),
          delayFunction: 'exponential',
          maxDelay: Duration.minutes(5),
        },
        tasks: [
          {
            name: id,
            driver: 'docker',
            config: { image: options.image, ports: ['http'] },
            env: {
              PORT: String(DEFAULT_PORT),
              LOG_LEVEL: options.logLevel ?? 'info',
              DRAIN_TIMEOUT_MS: String(DEFAULT_DRAIN_TIMEOUT_MS),
              // Nomad sets NOMAD_ALLOC_ID and NOMAD_TASK_NAME itself, but no variable for the node.
              NODE_NAME: '${node.unique.name}',
            },
            // The server drains on SIGTERM (the Dockerfile runs node directly, so the signal reaches it).
            killSignal: 'SIGTERM',
            killTimeout: HELLO_WORLD_KILL_TIMEOUT,
            resources: HELLO_WORLD_RESOURCES,
          },
        ],
      },
    ],
  });
}
