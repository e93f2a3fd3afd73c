import { Check, Duration, type HclExpression, Job, Port, Size } from '@org/jobspec-builder';

export interface PredictionServiceJobProps {
  /** The trainer's container image (this package's Dockerfile): the service is `trainer serve`. */
  readonly image: string | HclExpression;
  /** The output location whose `latest` run is served and followed (`s3://bucket/prefix`). */
  readonly modelLocation: string | HclExpression;
  /** Job ID, also the group, task and service name. @default 'trainer-serve' */
  readonly id?: string;
  /** Instances. @default 2 */
  readonly count?: number;
  /** Fewest and most instances the Nomad Autoscaler may set. @default - `count` and 3 x `count` */
  readonly minCount?: number;
  readonly maxCount?: number;
  /** Average CPU use (percent of the allocated CPU) the autoscaler keeps instances at. @default 70 */
  readonly targetCpuPercent?: number;
  /** AWS region of the model bucket (`AWS_REGION`). @default - the SDK's own lookup */
  readonly awsRegion?: string;
  /** @default ['*'] */
  readonly datacenters?: readonly string[];
  /** @default - the `default` pool */
  readonly nodePool?: string | HclExpression;
  /** CPU in MHz per instance. @default 500 */
  readonly cpu?: number;
  /** Memory per instance; the service holds one model (kilobytes) and request bodies up to 1 MiB. @default Size.mebibytes(256) */
  readonly memory?: Size;
  /** How often (seconds) an instance looks for a new `latest` run. @default 10 */
  readonly reloadIntervalSeconds?: number;
}

/** The port the service listens on inside the container, mapped to a dynamic host port `http`. */
export const PREDICTION_SERVICE_PORT = 8080;

/** The zone attribute Nomad's AWS fingerprint sets on each client: spread over it, instances survive a zone. */
export const AVAILABILITY_ZONE = '${attr.platform.aws.placement.availability-zone}';

/** What an instance keeps answering for after SIGTERM (`/ready` 503) before it closes (`--drain-seconds`). */
const DRAIN_SECONDS = 5;

/**
 * `trainer serve` as a Nomad service: `count` instances (2 by default) spread
 * over availability zones and nodes, each following the output location's
 * `latest` run; deployments one canary at a time, promoted when healthy and
 * reverted when not; a `scaling` block for the Nomad Autoscaler (CPU target);
 * SIGTERM drains (readiness 503 first, then closes after the requests in flight).
 */
export function predictionServiceJob(props: PredictionServiceJobProps): Job {
  const id = props.id ?? 'trainer-serve';
  const count = props.count ?? 2;
  const memory = props.memory ?? Size.mebibytes(256);
  return new Job({
    id,
    type: 'service',
    datacenters: props.datacenters ?? ['*'],
    ...(props.nodePool === undefined ? {} : { nodePool: props.nodePool }),
    groups: [
      {
        name: id,
        count,
        spreads: [
          { attribute: AVAILABILITY_ZONE, weight: 100 },
          { attribute: '${node.unique.id}', weight: 50 },
        ],
        networks: [{ ports: [Port.dynamic('http', { to: PREDICTION_SERVICE_PORT })] }],
        services: [
          {
            name: id,
            port: 'http',
            provider: 'nomad',
            tags: ['prometheus'],
            checks: [
              // Readiness gates deployments (canary health) and traffic: a model is loaded and the instance not draining.
              Check.http('/ready', { name: 'ready', interval: Duration.seconds(5), timeout: Duration.seconds(2) }),
              Check.http('/health', {
                name: 'alive',
                interval: Duration.seconds(10),
                timeout: Duration.seconds(2),
                checkRestart: { limit: 3, grace: Duration.seconds(30) },
              }),
            ],
          },
        ],
        // Deregistered from the service catalog before SIGTERM, so clients stop picking it first.
        shutdownDelay: Duration.seconds(5),
        update: {
          maxParallel: 1,
          canary: 1,
          autoPromote: true,
          autoRevert: true,
          healthCheck: 'checks',
          minHealthyTime: Duration.seconds(10),
          healthyDeadline: Duration.minutes(3),
          progressDeadline: Duration.minutes(10),
        },
        scaling: {
          enabled: true,
          min: props.minCount ?? count,
          max: props.maxCount ?? 3 * count,
          // The autoscaler's policy, in the shape Nomad's API gives it (blocks as lists): rendered as
          // `check "avg_cpu" { ... strategy "target-value" { target = 70 } }`.
          policy: {
            cooldown: '1m',
            evaluation_interval: '30s',
            check: [
              {
                avg_cpu: [
                  {
                    source: 'nomad-apm',
                    query: 'avg_cpu-allocated',
                    strategy: [{ 'target-value': [{ target: props.targetCpuPercent ?? 70 }] }],
                  },
                ],
              },
            ],
          },
        },
        restart: { attempts: 2, interval: Duration.minutes(5), delay: Duration.seconds(5), mode: 'fail' },
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
            config: { image: props.image, args: ['serve'], ports: ['http'] },
            env: {
              MODEL_LOCATION: props.modelLocation,
              PORT: String(PREDICTION_SERVICE_PORT),
              DRAIN_SECONDS: String(DRAIN_SECONDS),
              RELOAD_INTERVAL_SECONDS: String(props.reloadIntervalSeconds ?? 10),
              ...(props.awsRegion ? { AWS_REGION: props.awsRegion } : {}),
            },
            killSignal: 'SIGTERM',
            // The drain, the requests still in flight, and a margin.
            killTimeout: Duration.seconds(DRAIN_SECONDS + 10),
            resources: { cpu: props.cpu ?? 500, memory, memoryMax: Size.mebibytes(2 * memory.toMebibytes()) },
            logs: { maxFiles: 5, maxFileSize: Size.mebibytes(20) },
          },
        ],
      },
    ],
  });
}
