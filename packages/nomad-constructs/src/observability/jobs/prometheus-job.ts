import { Check, Duration, type DurationLike, Job, Port, Size, type SizeLike } from '@org/jobspec-builder';
import { NomadError } from '../../errors';
import {
  fetchSecretTask,
  OBSERVABILITY_RESTART,
  type ObservabilityImages,
  observabilityImages,
  prepareVolumeTask,
  verbatimFile,
} from './job-parts';

/** The port Prometheus listens on (host networking). */
export const PROMETHEUS_PORT = 9090;
/** The port the Pushgateway listens on (host networking). */
export const PUSHGATEWAY_PORT = 9091;

/** Where the Prometheus task finds its files, inside the container. */
export const PROMETHEUS_PATHS = {
  config: '/local/prometheus.yml',
  rules: '/local/rules/nomad-constructs.rules.yml',
  ruleGlob: '/local/rules/*.yml',
  /** The cluster CA bundle, fetched from Secrets Manager by a prestart task. */
  caFile: '/alloc/nomad-ca.pem',
  /** The task's workload identity (`identity { file = true }`), a token for Nomad's service API. */
  tokenFile: '/secrets/nomad_token',
  data: '/prometheus',
} as const;

/** The user the Prometheus and Pushgateway images run as (`nobody`), which Amazon Linux also has. */
const NOBODY_UID = 65534;

/** Options of {@link prometheusJob}. */
export interface PrometheusJobOptions {
  /**
   * The job ID; the service names are `prometheus` and `pushgateway` whatever it is.
   *
   * @default 'prometheus'
   */
  readonly id?: string;
  /** The node pool it runs in: its clients need the host volume `dataVolume`. */
  readonly nodePool: string;
  /**
   * @default ['*']
   */
  readonly datacenters?: readonly string[];
  /** The Prometheus configuration file (see `prometheusConfig`). */
  readonly config: string;
  /** The rule file (see `renderPrometheusRuleFile`). */
  readonly rules: string;
  /** The secret holding the cluster CA bundle (PEM). */
  readonly caSecretArn: string;
  /** The AWS region of that secret. */
  readonly awsRegion: string;
  /**
   * How long samples are kept.
   *
   * @default Duration.days(15)
   */
  readonly retention?: Duration | DurationLike;
  /**
   * The most disk the samples may take; the oldest go first.
   *
   * @default Size.gibibytes(20)
   */
  readonly retentionSize?: Size | SizeLike;
  /**
   * The host volume Prometheus keeps its data on.
   *
   * @default 'prometheus-data'
   */
  readonly dataVolume?: string;
  /**
   * Memory of the Prometheus task (it grows with the number of series).
   *
   * @default Size.gibibytes(1)
   */
  readonly memory?: Size | SizeLike;
  readonly images?: ObservabilityImages;
}

/** Prometheus's duration syntax (`15d`, `36h`) for a whole number of hours or days. */
function prometheusDuration(value: Duration | DurationLike, path: string): string {
  const duration = Duration.from(value);
  const nanosPerHour = 3_600_000_000_000n;
  const nanos = duration.toNanosBigInt();
  const hours = Number(nanos / nanosPerHour);
  if (nanos % nanosPerHour !== 0n || hours < 1) {
    throw new NomadError(
      'invalid-prop',
      path,
      `expected a whole number of hours (at least 1), received ${duration.toString()}. Use Duration.days() or Duration.hours().`,
    );
  }
  return hours % 24 === 0 ? `${hours / 24}d` : `${hours}h`;
}

/**
 * A Nomad service job with two groups:
 *
 * - `prometheus`: Prometheus with its configuration and rules written by Nomad's template runner
 *   (a change reloads it with SIGHUP), its data on a host volume with a retention, the cluster CA
 *   fetched from Secrets Manager before it starts, and the task's workload identity as the token for
 *   Nomad's service discovery (whose implicit ACL policy reads service registrations and nothing
 *   else). Host networking: it reaches the local Nomad agent on 127.0.0.1 (which its certificate
 *   names) and scrapes the other agents and the services directly.
 * - `pushgateway`: the Prometheus Pushgateway for batch jobs (the trainer pushes its final metrics),
 *   its state kept in a sticky ephemeral disk.
 *
 * Both register Nomad services (`prometheus`, `pushgateway`) with HTTP checks.
 */
export function prometheusJob(options: PrometheusJobOptions): Job {
  const id = options.id ?? 'prometheus';
  const images = observabilityImages(options.images);
  const volume = options.dataVolume ?? 'prometheus-data';
  const retention = prometheusDuration(options.retention ?? Duration.days(15), 'prometheusJob.retention');
  const retentionSize = Size.from(options.retentionSize ?? Size.gibibytes(20));
  const retentionMiB = retentionSize.toMebibytes();
  if (!Number.isInteger(retentionMiB) || retentionMiB < 1024) {
    throw new NomadError(
      'invalid-prop',
      'prometheusJob.retentionSize',
      `expected at least 1 GiB in whole MiB, received ${retentionMiB} MiB.`,
    );
  }
  const memory = Size.from(options.memory ?? Size.gibibytes(1));
  return new Job({
    id,
    type: 'service',
    datacenters: options.datacenters ?? ['*'],
    nodePool: options.nodePool,
    groups: [
      {
        name: 'prometheus',
        count: 1,
        networks: [{ mode: 'host', ports: [Port.static('http', PROMETHEUS_PORT)] }],
        volumes: { data: { type: 'host', source: volume, readOnly: false } },
        services: [
          {
            name: 'prometheus',
            port: 'http',
            provider: 'nomad',
            checks: [
              Check.http('/-/ready', { name: 'ready', interval: Duration.seconds(10), timeout: Duration.seconds(3) }),
            ],
          },
        ],
        restart: OBSERVABILITY_RESTART,
        // One instance with its data on one node's volume: replace it in place, never two at once.
        update: { maxParallel: 1, healthCheck: 'checks', minHealthyTime: Duration.seconds(10), autoRevert: true },
        tasks: [
          fetchSecretTask({
            name: 'fetch-nomad-ca',
            image: images.awsCli,
            secretArn: options.caSecretArn,
            awsRegion: options.awsRegion,
            fileName: 'nomad-ca.pem',
          }),
          prepareVolumeTask('prepare-data', images.busybox, 'data', PROMETHEUS_PATHS.data, NOBODY_UID),
          {
            name: 'prometheus',
            driver: 'docker',
            // The workload identity file is written for this user, whom the image runs as.
            user: 'nobody',
            config: {
              image: images.prometheus,
              network_mode: 'host',
              args: [
                `--config.file=${PROMETHEUS_PATHS.config}`,
                `--storage.tsdb.path=${PROMETHEUS_PATHS.data}`,
                `--storage.tsdb.retention.time=${retention}`,
                `--storage.tsdb.retention.size=${retentionMiB}MB`,
                `--web.listen-address=:${PROMETHEUS_PORT}`,
              ],
            },
            identities: [{ file: true }],
            volumeMounts: [{ volume: 'data', destination: PROMETHEUS_PATHS.data }],
            templates: [
              verbatimFile(`local/${PROMETHEUS_PATHS.config.slice('/local/'.length)}`, options.config, {
                changeMode: 'signal',
                changeSignal: 'SIGHUP',
                path: 'prometheusJob.config',
              }),
              verbatimFile(`local/${PROMETHEUS_PATHS.rules.slice('/local/'.length)}`, options.rules, {
                changeMode: 'signal',
                changeSignal: 'SIGHUP',
                path: 'prometheusJob.rules',
              }),
            ],
            resources: { cpu: 500, memory, memoryMax: Size.mebibytes(memory.toMebibytes() * 2) },
            // Prometheus writes its head block to disk on SIGTERM.
            killTimeout: Duration.seconds(30),
            logs: { maxFiles: 5, maxFileSize: Size.mebibytes(10) },
          },
        ],
      },
      {
        name: 'pushgateway',
        count: 1,
        networks: [{ mode: 'host', ports: [Port.static('http', PUSHGATEWAY_PORT)] }],
        // Pushed metrics survive restarts and moves of the allocation.
        ephemeralDisk: { sticky: true, migrate: true, size: Size.mebibytes(300) },
        services: [
          {
            name: 'pushgateway',
            port: 'http',
            provider: 'nomad',
            checks: [
              Check.http('/-/ready', { name: 'ready', interval: Duration.seconds(10), timeout: Duration.seconds(3) }),
            ],
          },
        ],
        restart: OBSERVABILITY_RESTART,
        tasks: [
          {
            name: 'pushgateway',
            driver: 'docker',
            user: 'nobody',
            config: {
              image: images.pushgateway,
              network_mode: 'host',
              args: [
                `--web.listen-address=:${PUSHGATEWAY_PORT}`,
                '--persistence.file=/alloc/data/pushgateway.db',
                '--persistence.interval=1m',
              ],
            },
            resources: { cpu: 100, memory: Size.mebibytes(128), memoryMax: Size.mebibytes(256) },
            logs: { maxFiles: 3, maxFileSize: Size.mebibytes(5) },
          },
        ],
      },
    ],
  });
}
