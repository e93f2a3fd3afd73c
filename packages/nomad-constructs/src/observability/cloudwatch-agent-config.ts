import type * as logs from 'aws-cdk-lib/aws-logs';
import { TLS_CA_FILE } from '../boot/node-files';
import {
  CLIENT_METRICS,
  CLUSTER_DIMENSION,
  INSTANCE_NAMESPACE,
  NODE_POOL_DIMENSION,
  NOMAD_NAMESPACE,
  ROLE_LABEL,
  SERVER_METRICS,
} from './nomad-metrics';

/** Where the boot script finds the files below on the instance. */
export const PROMETHEUS_CONFIG_PATH = '/etc/nomad-bootstrap/prometheus.yaml';

/** Nomad's log file (the agent's `log_file`; rotated files get a timestamp suffix, hence the glob below). */
export const NOMAD_LOG_FILE = '/var/log/nomad/nomad.log';

export interface CloudWatchAgentConfigOptions {
  readonly role: 'server' | 'client';
  readonly clusterName: string;
  /** Clients only. */
  readonly nodePool?: string;
  readonly nomadLogGroup: logs.ILogGroup;
  /** Clients only: container stdout/stderr from Docker's json-file logs. */
  readonly dockerLogGroup?: logs.ILogGroup;
  /** Where the agent writes the embedded-metric-format events of Nomad's metrics. */
  readonly metricsLogGroup: logs.ILogGroup;
}

/**
 * The CloudWatch agent configuration of a Nomad node: Nomad's log file (and Docker's container logs
 * on clients) to CloudWatch Logs, CPU/memory/disk per Auto Scaling group, and a selection of
 * Nomad's Prometheus metrics as CloudWatch metrics.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html
 */
export function cloudWatchAgentConfig(options: CloudWatchAgentConfigOptions): Record<string, unknown> {
  const files: Record<string, string>[] = [
    {
      file_path: '/var/log/nomad/nomad*.log',
      log_group_name: options.nomadLogGroup.logGroupName,
      log_stream_name: '{instance_id}',
      timestamp_format: '%Y-%m-%dT%H:%M:%S',
    },
  ];
  if (options.dockerLogGroup !== undefined) {
    files.push({
      file_path: '/var/lib/docker/containers/*/*-json.log',
      log_group_name: options.dockerLogGroup.logGroupName,
      log_stream_name: '{instance_id}',
    });
  }
  const declaration =
    options.role === 'server'
      ? {
          source_labels: ['job', ROLE_LABEL],
          label_matcher: '^nomad;server$',
          dimensions: [[CLUSTER_DIMENSION]],
          metric_selectors: Object.values(SERVER_METRICS).map((name) => `^${name}$`),
        }
      : {
          source_labels: ['job', ROLE_LABEL],
          label_matcher: '^nomad;client$',
          dimensions: [[CLUSTER_DIMENSION, NODE_POOL_DIMENSION]],
          metric_selectors: Object.values(CLIENT_METRICS).map((name) => `^${name}$`),
        };
  return {
    agent: { metrics_collection_interval: 60, run_as_user: 'root' },
    metrics: {
      namespace: INSTANCE_NAMESPACE,
      // ${aws:...} are CloudWatch agent placeholders, filled in on the instance.
      append_dimensions: { AutoScalingGroupName: '${aws:AutoScalingGroupName}', InstanceId: '${aws:InstanceId}' },
      aggregation_dimensions: [['AutoScalingGroupName']],
      metrics_collected: {
        cpu: { measurement: ['usage_active'], totalcpu: true },
        mem: { measurement: ['used_percent'] },
        disk: { measurement: ['used_percent'], resources: ['/'], drop_device: true },
      },
    },
    logs: {
      force_flush_interval: 15,
      logs_collected: { files: { collect_list: files } },
      metrics_collected: {
        prometheus: {
          cluster_name: options.clusterName,
          log_group_name: options.metricsLogGroup.logGroupName,
          prometheus_config_path: PROMETHEUS_CONFIG_PATH,
          emf_processor: {
            metric_declaration_dedup: true,
            metric_namespace: NOMAD_NAMESPACE,
            metric_declaration: [declaration],
          },
        },
      },
    },
  };
}

export interface PrometheusScrapeConfigOptions {
  readonly role: 'server' | 'client';
  readonly clusterName: string;
  readonly nodePool?: string;
}

/**
 * The Prometheus scrape configuration the CloudWatch agent reads: the local agent's
 * `/v1/metrics?format=prometheus`, labeled with the cluster, role and node pool that become the
 * CloudWatch dimensions, over TLS with the cluster CA. Written as JSON, which is YAML, so no YAML library is needed to render it.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/#scrape_config
 */
export function prometheusScrapeConfig(options: PrometheusScrapeConfigOptions): string {
  const labels: Record<string, string> = { [CLUSTER_DIMENSION]: options.clusterName, [ROLE_LABEL]: options.role };
  if (options.nodePool !== undefined) {
    labels[NODE_POOL_DIMENSION] = options.nodePool;
  }
  const config = {
    global: { scrape_interval: '1m', scrape_timeout: '10s' },
    scrape_configs: [
      {
        job_name: 'nomad',
        metrics_path: '/v1/metrics',
        params: { format: ['prometheus'] },
        // The API serves TLS only; the metrics endpoint needs no ACL token.
        scheme: 'https',
        tls_config: { ca_file: TLS_CA_FILE },
        static_configs: [{ targets: ['127.0.0.1:4646'], labels }],
      },
    ],
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}
