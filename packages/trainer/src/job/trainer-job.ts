import {
  awsWebIdentity,
  Duration,
  type HclExpression,
  type Job,
  Port,
  parameterizedBatchJob,
  Size,
} from '@org/jobspec-builder';

export interface TrainerJobProps {
  /**
   * The trainer's container image (built from this package's Dockerfile), e.g.
   * `ghcr.io/acme/trainer:1.2.0`, or an HCL expression such as a variable's `ref`.
   */
  readonly image: string | HclExpression;
  /** Job ID, also the group and task name. @default 'trainer' */
  readonly id?: string;
  /**
   * Where runs are written (`s3://bucket/prefix`); a dispatch may override it with
   * `-meta output=...`.
   * @default - none: every dispatch must set `-meta output=s3://...`
   */
  readonly outputLocation?: string;
  /** Training data (`s3://bucket/key.csv`); a dispatch may override it with `-meta data=...`. @default - the built-in iris data */
  readonly dataLocation?: string;
  /** AWS region of the S3 buckets (`AWS_REGION` in the task). @default - not set: the SDK's own lookup */
  readonly awsRegion?: string;
  /**
   * The IAM role the task reads and writes S3 with, assumed with the task's Nomad workload identity
   * (`identity "aws"` for AWS STS, `AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`). Its trust policy
   * must accept the job (`@org/nomad-constructs`: `cluster.addWorkloadRole()`).
   * @default - none: the SDK's default credential chain (environment, profiles, instance role)
   */
  readonly awsRoleArn?: string;
  /** CPU in MHz. Training runs on one core; the rest is headroom for parsing and GC. @default 2000 */
  readonly cpu?: number;
  /**
   * Memory reserved for the task. The benchmark's 1,000,000 x 20 CSV peaks at
   * 500 to 580 MB resident; data scales with rows x features x 8 bytes.
   * @default Size.gibibytes(1)
   */
  readonly memory?: Size;
  /** Memory the task may use beyond `memory` when the client has it (memory oversubscription). @default - twice `memory` */
  readonly memoryMax?: Size;
  /**
   * GPUs to request (`device "nvidia/gpu"`). The trainer itself computes on the CPU:
   * request GPUs for images that use them.
   * @default 0
   */
  readonly gpus?: number;
  /** Device name of `gpus`. @default 'nvidia/gpu' */
  readonly gpuDevice?: string;
  /**
   * Node pool to run in, e.g. a pool of GPU or Spot clients, or an HCL expression such as a variable's `ref`.
   * @default - the `default` pool
   */
  readonly nodePool?: string | HclExpression;
  /** @default ['*'] */
  readonly datacenters?: readonly string[];
  /** Push final metrics to this Prometheus Pushgateway (`PUSHGATEWAY_URL`). @default - no push */
  readonly pushgatewayUrl?: string;
  /** Port of the metrics endpoint inside the container, mapped to a dynamic host port `metrics`. @default 9464 */
  readonly metricsPort?: number;
}

/** Dispatch meta keys the trainer reads as `NOMAD_META_<key>` (see the CLI's options). */
export const TRAINER_META_KEYS = [
  'data',
  'label',
  'model',
  'epochs',
  'learning_rate',
  'batch_size',
  'l2',
  'hidden_size',
  'seed',
  'test_split',
  'bad_rows',
  'hyperparameters',
  'run_id',
] as const;

/**
 * The trainer as a parameterized Nomad batch job: one run per `nomad job dispatch`,
 * hyperparameters and locations from dispatch meta, outputs written to S3 by the
 * trainer itself (Nomad's `artifact` only downloads).
 *
 * A dispatched job's id names its run, and the task always passes `--resume`: a
 * restart (same node) or a reschedule (another node) continues from the run's last
 * checkpoint on S3, and a dispatch that already finished is not trained again.
 */
export function trainerJob(props: TrainerJobProps): Job {
  const id = props.id ?? 'trainer';
  const gpus = props.gpus ?? 0;
  const metricsPort = props.metricsPort ?? 9464;
  const memory = props.memory ?? Size.gibibytes(1);
  const env: Record<string, string> = {
    METRICS_PORT: String(metricsPort),
    ...(props.outputLocation ? { OUTPUT_LOCATION: props.outputLocation } : {}),
    ...(props.dataLocation ? { TRAINING_DATA: props.dataLocation } : {}),
    ...(props.awsRegion ? { AWS_REGION: props.awsRegion } : {}),
    ...(props.pushgatewayUrl ? { PUSHGATEWAY_URL: props.pushgatewayUrl } : {}),
  };
  const webIdentity = props.awsRoleArn ? awsWebIdentity({ roleArn: props.awsRoleArn }) : undefined;
  return parameterizedBatchJob({
    id,
    // The task's config below names the image (a string or an HCL expression); this is the pattern's own field.
    image: typeof props.image === 'string' ? props.image : '',
    args: ['train', '--resume'],
    metaRequired: props.outputLocation ? undefined : ['output'],
    metaOptional: [...(props.outputLocation ? ['output'] : []), ...TRAINER_META_KEYS],
    payload: 'forbidden',
    datacenters: props.datacenters,
    job: { ...(props.nodePool ? { nodePool: props.nodePool } : {}) },
    group: {
      networks: [{ ports: [Port.dynamic('metrics', { to: metricsPort })] }],
      services: [{ name: `${id}-metrics`, port: 'metrics', provider: 'nomad', tags: ['prometheus'] }],
      // Batch work is worth finishing: try other nodes with growing delays, resuming from the checkpoint.
      reschedule: {
        attempts: 3,
        interval: Duration.hours(6),
        delay: Duration.seconds(30),
        delayFunction: 'exponential',
        maxDelay: Duration.minutes(10),
        unlimited: false,
      },
    },
    task: {
      config: { image: props.image, args: ['train', '--resume'], ports: ['metrics'] },
      env: { ...env, ...webIdentity?.env },
      ...(webIdentity ? { identities: [webIdentity.identity] } : {}),
      resources: {
        cpu: props.cpu ?? 2000,
        memory,
        memoryMax: props.memoryMax ?? Size.mebibytes(2 * memory.toMebibytes()),
        ...(gpus > 0 ? { devices: [{ name: props.gpuDevice ?? 'nvidia/gpu', count: gpus }] } : {}),
      },
      // Restarts on the same node resume too; after two, the allocation fails and is rescheduled.
      restart: { attempts: 2, interval: Duration.minutes(30), delay: Duration.seconds(15), mode: 'fail' },
      // SIGTERM stops training at the next batch after a checkpoint; this is the time that takes.
      killSignal: 'SIGTERM',
      killTimeout: Duration.seconds(30),
      logs: { maxFiles: 5, maxFileSize: Size.mebibytes(20) },
    },
  });
}
