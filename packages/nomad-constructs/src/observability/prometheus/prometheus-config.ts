import { CLUSTER_TAG, ROLE_TAG } from '../../cluster/node-group';
import { NomadPorts } from '../../cluster/nomad-ports';
import { NomadError } from '../../errors';
import { NODE_POOL_DIMENSION } from '../nomad-metrics';
import { NOMAD_CLIENTS_SCRAPE_JOB, NOMAD_SERVERS_SCRAPE_JOB } from './alert-rules';

/** Options of {@link prometheusConfig}. */
export interface PrometheusConfigOptions {
  /** The cluster's name: its instances carry it in the `NomadCluster` tag, and every series gets a `cluster` label. */
  readonly clusterName: string;
  /** The Nomad region: the agents' certificates are issued for `server.<region>.nomad` and `client.<region>.nomad`. */
  readonly nomadRegion: string;
  /** The AWS region of the instances (EC2 service discovery needs it; a deploy-time value is fine). */
  readonly awsRegion: string;
  /** The CA bundle the Nomad agents' certificates are checked against, inside the Prometheus container. */
  readonly caFile: string;
  /** The file holding the token for Nomad's service API (the task's workload identity), inside the container. */
  readonly tokenFile: string;
  /** The rule files to load (globs allowed), inside the container. */
  readonly ruleFiles: readonly string[];
  /**
   * Services with this tag are scraped on `/metrics`.
   *
   * @default 'prometheus'
   */
  readonly scrapeTag?: string;
  /**
   * Services scraped on `/metrics` whatever their tags.
   *
   * @default - none
   */
  readonly scrapeServices?: readonly string[];
  /**
   * The Nomad namespaces whose services are discovered.
   *
   * @default ['default']
   */
  readonly namespaces?: readonly string[];
  /**
   * The Pushgateway's service name: scraped with `honor_labels`, so pushed series keep their `job`.
   *
   * @default 'pushgateway'
   */
  readonly pushgatewayService?: string;
  /**
   * How often every target is scraped and every rule evaluated, a Prometheus duration.
   *
   * @default '15s'
   */
  readonly scrapeInterval?: string;
}

/** Nomad's API on the node Prometheus runs on (host networking; the agents' certificates name 127.0.0.1). */
const LOCAL_NOMAD_API = `https://127.0.0.1:${NomadPorts.HTTP}`;

/** A Prometheus meta label of an EC2 tag. */
function ec2Tag(tag: string): string {
  return `__meta_ec2_tag_${tag.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}

/** A regular expression that matches one of `values` literally. */
function oneOf(values: readonly string[]): string {
  return values.map((value) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

/**
 * The Prometheus configuration of a cluster's Prometheus job:
 *
 * - the Nomad servers and clients, found by EC2 service discovery (the cluster's `NomadCluster` and
 *   `NomadRole` tags) and scraped on `/v1/metrics?format=prometheus` over TLS, checked against the
 *   cluster CA with the agents' own names (`server.<region>.nomad`, `client.<region>.nomad`);
 * - every Nomad service tagged `scrapeTag` (or named in `scrapeServices`), found by Nomad's service
 *   discovery (`nomad_sd_configs`) with the task's workload identity, whose implicit ACL policy reads
 *   service registrations and nothing else; each becomes a job named after its service;
 * - the Pushgateway, with `honor_labels` (the pushed `job` and `run_id` labels stay).
 *
 * Written as JSON (YAML is a superset), with a fixed key order: the output is deterministic.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/
 */
export function prometheusConfig(options: PrometheusConfigOptions): Record<string, unknown> {
  const scrapeTag = options.scrapeTag ?? 'prometheus';
  const pushgateway = options.pushgatewayService ?? 'pushgateway';
  const namespaces = options.namespaces ?? ['default'];
  const interval = options.scrapeInterval ?? '15s';
  if (namespaces.length === 0) {
    throw new NomadError(
      'invalid-prop',
      'prometheusConfig.namespaces',
      'expected at least one Nomad namespace whose services are scraped, received []. The default is ["default"].',
    );
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(scrapeTag)) {
    throw new NomadError(
      'invalid-prop',
      'prometheusConfig.scrapeTag',
      `expected a tag of letters, digits, ".", "-" or "_", received ${JSON.stringify(scrapeTag)}.`,
    );
  }
  const agents = (job: string, role: 'server' | 'client') => ({
    job_name: job,
    scheme: 'https',
    metrics_path: '/v1/metrics',
    params: { format: ['prometheus'] },
    tls_config: { ca_file: options.caFile, server_name: `${role}.${options.nomadRegion}.nomad` },
    ec2_sd_configs: [
      {
        region: options.awsRegion,
        port: NomadPorts.HTTP,
        filters: [
          { name: `tag:${CLUSTER_TAG}`, values: [options.clusterName] },
          { name: `tag:${ROLE_TAG}`, values: [role] },
          { name: 'instance-state-name', values: ['running'] },
        ],
      },
    ],
    relabel_configs: [
      // Private addresses: the scrape stays inside the VPC.
      { source_labels: ['__meta_ec2_private_ip'], replacement: `$1:${NomadPorts.HTTP}`, target_label: '__address__' },
      { source_labels: ['__meta_ec2_instance_id'], target_label: 'instance' },
      { source_labels: ['__meta_ec2_availability_zone'], target_label: 'availability_zone' },
      ...(role === 'client' ? [{ source_labels: [ec2Tag(NODE_POOL_DIMENSION)], target_label: 'node_pool' }] : []),
    ],
  });
  const nomadSd = (refreshInterval: string) =>
    namespaces.map((namespace) => ({
      server: LOCAL_NOMAD_API,
      namespace,
      refresh_interval: refreshInterval,
      tls_config: { ca_file: options.caFile, server_name: `client.${options.nomadRegion}.nomad` },
      authorization: { type: 'Bearer', credentials_file: options.tokenFile },
    }));
  const explicit = options.scrapeServices ?? [];
  const keepServices = [
    // Nomad joins the tags with commas, with a comma at each end.
    {
      source_labels: ['__meta_nomad_tags'],
      regex: `.*,${scrapeTag.replace(/\./g, '\\.')},.*`,
      target_label: '__tmp_scrape',
      replacement: 'true',
    },
    ...(explicit.length > 0
      ? [
          {
            source_labels: ['__meta_nomad_service'],
            regex: oneOf(explicit),
            target_label: '__tmp_scrape',
            replacement: 'true',
          },
        ]
      : []),
    { source_labels: ['__tmp_scrape'], regex: 'true', action: 'keep' },
    { source_labels: ['__meta_nomad_service'], regex: oneOf([pushgateway]), action: 'drop' },
  ];
  return {
    global: {
      scrape_interval: interval,
      scrape_timeout: '10s',
      evaluation_interval: interval,
      external_labels: { cluster: options.clusterName },
    },
    rule_files: [...options.ruleFiles],
    scrape_configs: [
      agents(NOMAD_SERVERS_SCRAPE_JOB, 'server'),
      agents(NOMAD_CLIENTS_SCRAPE_JOB, 'client'),
      {
        job_name: 'nomad-services',
        nomad_sd_configs: nomadSd('30s'),
        relabel_configs: [
          ...keepServices,
          { source_labels: ['__meta_nomad_service'], target_label: 'job' },
          { source_labels: ['__meta_nomad_namespace'], target_label: 'namespace' },
          { source_labels: ['__meta_nomad_node_id'], target_label: 'node_id' },
        ],
      },
      {
        job_name: pushgateway,
        honor_labels: true,
        nomad_sd_configs: nomadSd('30s'),
        relabel_configs: [{ source_labels: ['__meta_nomad_service'], regex: oneOf([pushgateway]), action: 'keep' }],
      },
    ],
  };
}

/** The configuration file's text. */
export function renderPrometheusConfig(config: Record<string, unknown>): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}
