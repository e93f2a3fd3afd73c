import { Check, Duration, Job, Port, Size } from '@org/jobspec-builder';
import { NomadError } from '../../errors';
import {
  type GrafanaDashboardFile,
  grafanaDashboardProviderFile,
  grafanaDatasourceFile,
  shippedDashboards,
} from '../grafana/grafana-provisioning';
import {
  fetchSecretTask,
  OBSERVABILITY_RESTART,
  type ObservabilityImages,
  observabilityImages,
  prepareVolumeTask,
  verbatimFile,
} from './job-parts';

/** The port Grafana listens on (host networking). */
export const GRAFANA_PORT = 3000;

/** The user the Grafana image runs as. */
const GRAFANA_UID = 472;

/** Options of {@link grafanaJob}. */
export interface GrafanaJobOptions {
  /**
   * @default 'grafana'
   */
  readonly id?: string;
  /** The node pool it runs in: its clients need the host volume `dataVolume`. */
  readonly nodePool: string;
  /**
   * @default ['*']
   */
  readonly datacenters?: readonly string[];
  /** The secret holding the admin password (a plain string). */
  readonly adminPasswordSecretArn: string;
  /** The AWS region of that secret. */
  readonly awsRegion: string;
  /**
   * The URL people reach Grafana at, ending with the path it is served under
   * (`https://nomad.example.com/grafana/`): Grafana builds its links and redirects from it.
   *
   * @default 'http://localhost:3000/grafana/' (a Session Manager port forward)
   */
  readonly rootUrl?: string;
  /**
   * The path Grafana is served under (the load balancer routes it here unchanged).
   *
   * @default '/grafana'
   */
  readonly subPath?: string;
  /**
   * The Nomad service name of Prometheus, which the data source is rendered from.
   *
   * @default 'prometheus'
   */
  readonly prometheusService?: string;
  /**
   * Prometheus's scrape interval (Grafana's minimum step).
   *
   * @default '15s'
   */
  readonly scrapeInterval?: string;
  /**
   * The dashboards provisioned (read-only) in the `Nomad` folder.
   *
   * @default - the dashboards shipped in this package
   */
  readonly dashboards?: readonly GrafanaDashboardFile[];
  /**
   * The host volume Grafana keeps its database on (users, preferences, dashboards made in the UI).
   *
   * @default 'grafana-data'
   */
  readonly dataVolume?: string;
  readonly images?: ObservabilityImages;
}

/**
 * A Nomad service job running Grafana: the Prometheus data source (its address rendered from
 * Nomad's service catalog) and the dashboards provisioned from files written by Nomad's template
 * runner, the admin password read from Secrets Manager before it starts (never in the job), its
 * database on a host volume, served under a sub-path (`/grafana`) so it can share the cluster's
 * load balancer with the Nomad UI. Anonymous access and sign-up are off.
 */
export function grafanaJob(options: GrafanaJobOptions): Job {
  const id = options.id ?? 'grafana';
  const images = observabilityImages(options.images);
  const subPath = options.subPath ?? '/grafana';
  if (!/^\/[a-z0-9][a-z0-9-]*$/.test(subPath)) {
    throw new NomadError(
      'invalid-prop',
      'grafanaJob.subPath',
      `expected a path of one lowercase segment such as "/grafana", received ${JSON.stringify(subPath)}.`,
    );
  }
  const rootUrl = options.rootUrl ?? `http://localhost:${GRAFANA_PORT}${subPath}/`;
  const prometheusService = options.prometheusService ?? 'prometheus';
  if (!/^[a-zA-Z0-9-]+$/.test(prometheusService)) {
    throw new NomadError(
      'invalid-prop',
      'grafanaJob.prometheusService',
      `expected a Nomad service name (letters, digits and "-"), received ${JSON.stringify(prometheusService)}.`,
    );
  }
  const dashboards = options.dashboards ?? shippedDashboards();
  const volume = options.dataVolume ?? 'grafana-data';
  // Grafana's data source URL, rendered by Nomad from its service catalog (default delimiters: this file holds no others).
  const prometheusUrl = `{{ range nomadService "${prometheusService}" }}http://{{ .Address }}:{{ .Port }}{{ end }}`;
  return new Job({
    id,
    type: 'service',
    datacenters: options.datacenters ?? ['*'],
    nodePool: options.nodePool,
    groups: [
      {
        name: 'grafana',
        count: 1,
        networks: [{ mode: 'host', ports: [Port.static('http', GRAFANA_PORT)] }],
        volumes: { data: { type: 'host', source: volume, readOnly: false } },
        services: [
          {
            name: 'grafana',
            port: 'http',
            provider: 'nomad',
            checks: [
              Check.http(`${subPath}/api/health`, {
                name: 'health',
                interval: Duration.seconds(10),
                timeout: Duration.seconds(3),
              }),
            ],
          },
        ],
        restart: OBSERVABILITY_RESTART,
        update: { maxParallel: 1, healthCheck: 'checks', minHealthyTime: Duration.seconds(10), autoRevert: true },
        tasks: [
          fetchSecretTask({
            name: 'fetch-admin-password',
            image: images.awsCli,
            secretArn: options.adminPasswordSecretArn,
            awsRegion: options.awsRegion,
            fileName: 'grafana-admin-password',
            ownerUid: GRAFANA_UID,
          }),
          prepareVolumeTask('prepare-data', images.busybox, 'data', '/var/lib/grafana', GRAFANA_UID),
          {
            name: 'grafana',
            driver: 'docker',
            config: { image: images.grafana, network_mode: 'host' },
            env: {
              GF_SERVER_HTTP_PORT: String(GRAFANA_PORT),
              GF_SERVER_ROOT_URL: rootUrl,
              GF_SERVER_SERVE_FROM_SUB_PATH: 'true',
              GF_PATHS_PROVISIONING: '/local/provisioning',
              GF_SECURITY_ADMIN_USER: 'admin',
              GF_SECURITY_ADMIN_PASSWORD__FILE: '/alloc/grafana-admin-password',
              GF_SECURITY_COOKIE_SECURE: String(rootUrl.startsWith('https://')),
              GF_SECURITY_DISABLE_GRAVATAR: 'true',
              GF_AUTH_ANONYMOUS_ENABLED: 'false',
              GF_USERS_ALLOW_SIGN_UP: 'false',
              GF_ANALYTICS_REPORTING_ENABLED: 'false',
              GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
              GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
              GF_NEWS_NEWS_FEED_ENABLED: 'false',
            },
            volumeMounts: [{ volume: 'data', destination: '/var/lib/grafana' }],
            templates: [
              {
                destination: 'local/provisioning/datasources/prometheus.yml',
                data: grafanaDatasourceFile(prometheusUrl, options.scrapeInterval ?? '15s'),
                // Prometheus moved: Grafana reads data sources at start.
                changeMode: 'restart',
              },
              verbatimFile(
                'local/provisioning/dashboards/nomad-constructs.yml',
                grafanaDashboardProviderFile('/local/dashboards'),
                { changeMode: 'noop', path: 'grafanaJob.dashboards' },
              ),
              // The provider reloads changed dashboard files by itself (updateIntervalSeconds).
              ...dashboards.map((dashboard) =>
                verbatimFile(`local/dashboards/${dashboard.fileName}`, dashboard.json, {
                  changeMode: 'noop',
                  path: `grafanaJob.dashboards[${dashboard.fileName}]`,
                }),
              ),
            ],
            resources: { cpu: 300, memory: Size.mebibytes(256), memoryMax: Size.mebibytes(512) },
            logs: { maxFiles: 5, maxFileSize: Size.mebibytes(10) },
          },
        ],
      },
    ],
  });
}
