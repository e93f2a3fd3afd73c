import { Duration, Size, type TaskProps, type TemplateProps } from '@org/jobspec-builder';
import { NomadError } from '../../errors';

/**
 * Parts the observability jobs share: a prestart task that reads a secret from Secrets Manager into
 * the allocation directory, a prestart task that hands a host volume to the container's user, and
 * configuration files written by Nomad's template runner.
 */

/** Images the observability jobs run, pinned by tag. */
export const DEFAULT_OBSERVABILITY_IMAGES = {
  prometheus: 'quay.io/prometheus/prometheus:v3.5.0',
  pushgateway: 'quay.io/prometheus/pushgateway:v1.11.1',
  grafana: 'docker.io/grafana/grafana:12.2.0',
  /** Reads secrets (the cluster CA, Grafana's admin password) with the instance role. */
  awsCli: 'public.ecr.aws/aws-cli/aws-cli:2.31.3',
  /** Changes the owner of a host volume before the main task starts. */
  busybox: 'docker.io/library/busybox:1.37.0',
} as const;

/** The images of the observability jobs (each may be replaced, e.g. by a mirror in ECR). */
export interface ObservabilityImages {
  /** @default 'quay.io/prometheus/prometheus:v3.5.0' */
  readonly prometheus?: string;
  /** @default 'quay.io/prometheus/pushgateway:v1.11.1' */
  readonly pushgateway?: string;
  /** @default 'docker.io/grafana/grafana:12.2.0' */
  readonly grafana?: string;
  /** @default 'public.ecr.aws/aws-cli/aws-cli:2.31.3' */
  readonly awsCli?: string;
  /** @default 'docker.io/library/busybox:1.37.0' */
  readonly busybox?: string;
}

/** Every image, the defaults filled in. */
export function observabilityImages(images: ObservabilityImages = {}): Required<ObservabilityImages> {
  return { ...DEFAULT_OBSERVABILITY_IMAGES, ...images };
}

/**
 * The delimiters of Nomad's template runner in the configuration files: the files themselves hold
 * `{{ ... }}` (Prometheus alert templates, Grafana legends), which must reach the programs as written.
 */
export const TEMPLATE_LEFT_DELIMITER = '[[';
export const TEMPLATE_RIGHT_DELIMITER = ']]';

/**
 * A file written verbatim by Nomad's template runner (the delimiters never occur in it, which is
 * checked), re-rendered with `changeMode` when the job changes it.
 */
export function verbatimFile(
  destination: string,
  data: string,
  options: {
    readonly changeMode?: 'noop' | 'restart' | 'signal';
    readonly changeSignal?: string;
    readonly path: string;
  },
): TemplateProps {
  for (const delimiter of [TEMPLATE_LEFT_DELIMITER, TEMPLATE_RIGHT_DELIMITER]) {
    if (data.includes(delimiter)) {
      throw new NomadError(
        'invalid-prop',
        options.path,
        `expected a file without "${delimiter}" (the delimiter of Nomad's template runner for this file), received one with it. Remove it from ${destination}.`,
      );
    }
  }
  return {
    destination,
    data,
    leftDelimiter: TEMPLATE_LEFT_DELIMITER,
    rightDelimiter: TEMPLATE_RIGHT_DELIMITER,
    changeMode: options.changeMode ?? 'restart',
    ...(options.changeSignal === undefined ? {} : { changeSignal: options.changeSignal }),
  };
}

/** Options of {@link fetchSecretTask}. */
export interface FetchSecretTaskOptions {
  readonly name: string;
  readonly image: string;
  /** The secret's ARN (a deploy-time value is fine). */
  readonly secretArn: string;
  readonly awsRegion: string;
  /** The file name in the allocation directory (`/alloc/<fileName>` in the tasks). */
  readonly fileName: string;
  /** The numeric user that owns the file and alone may read it; `undefined` leaves it readable by all (public material). */
  readonly ownerUid?: number;
}

/**
 * A prestart task that reads a secret's string with the node's instance role (host networking, so
 * the instance metadata service is one hop away) into the allocation directory, which only the
 * allocation's tasks (and root on the node) see.
 */
export function fetchSecretTask(options: FetchSecretTaskOptions): TaskProps {
  const target = `$NOMAD_ALLOC_DIR/${options.fileName}`;
  const protect =
    options.ownerUid === undefined
      ? `chmod 0644 "${target}"`
      : `chown ${options.ownerUid} "${target}" && chmod 0400 "${target}"`;
  return {
    name: options.name,
    driver: 'docker',
    lifecycle: { hook: 'prestart', sidecar: false },
    config: {
      image: options.image,
      network_mode: 'host',
      entrypoint: ['/bin/sh', '-c'],
      args: [
        `umask 077 && aws secretsmanager get-secret-value --secret-id "$SECRET_ARN" --query SecretString --output text > "${target}.tmp" && mv "${target}.tmp" "${target}" && ${protect}`,
      ],
    },
    env: { SECRET_ARN: options.secretArn, AWS_REGION: options.awsRegion },
    resources: { cpu: 100, memory: Size.mebibytes(128) },
    logs: { maxFiles: 2, maxFileSize: Size.mebibytes(5) },
  };
}

/** A prestart task that gives a host volume (mounted at `mountPath`) to the numeric user the main task runs as. */
export function prepareVolumeTask(
  name: string,
  image: string,
  volume: string,
  mountPath: string,
  uid: number,
): TaskProps {
  return {
    name,
    driver: 'docker',
    lifecycle: { hook: 'prestart', sidecar: false },
    config: { image, command: 'chown', args: ['-R', `${uid}:${uid}`, mountPath] },
    volumeMounts: [{ volume, destination: mountPath }],
    resources: { cpu: 100, memory: Size.mebibytes(32) },
    logs: { maxFiles: 2, maxFileSize: Size.mebibytes(5) },
  };
}

/** The restart policy of the long-running observability tasks: a few quick retries, then the scheduler's reschedule policy. */
export const OBSERVABILITY_RESTART = {
  attempts: 3,
  interval: Duration.minutes(10),
  delay: Duration.seconds(15),
  mode: 'fail',
} as const;
