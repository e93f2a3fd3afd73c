// Public API of the observability constructs: CloudWatch monitoring, Prometheus and Grafana on the cluster.
export { EXPORTED_METRICS, type MetricExporter } from './exported-metrics';
export {
  DASHBOARD_FOLDER,
  type GrafanaDashboardFile,
  grafanaDashboardProviderFile,
  grafanaDatasourceFile,
  PROMETHEUS_DATASOURCE_UID,
  shippedDashboards,
} from './grafana/grafana-provisioning';
export { GRAFANA_PORT, type GrafanaJobOptions, grafanaJob } from './jobs/grafana-job';
export { DEFAULT_OBSERVABILITY_IMAGES, type ObservabilityImages } from './jobs/job-parts';
export {
  PROMETHEUS_PATHS,
  PROMETHEUS_PORT,
  type PrometheusJobOptions,
  PUSHGATEWAY_PORT,
  prometheusJob,
} from './jobs/prometheus-job';
export { type PushgatewayUrlOptions, withPushgatewayUrl } from './jobs/pushgateway-url';
export {
  type NomadAlarm,
  type NomadAlarmOptions,
  NomadMonitoring,
  type NomadMonitoringOptions,
  type NomadMonitoringProps,
} from './nomad-monitoring';
export { NomadObservability, type NomadObservabilityProps } from './nomad-observability';
export {
  documentedPrometheusNames,
  NOMAD_DOCUMENTED_METRICS,
  NOMAD_METRICS_REFERENCE,
  type NomadMetric,
  type NomadMetricType,
  prometheusName,
} from './nomad-telemetry';
export {
  NOMAD_CLIENTS_SCRAPE_JOB,
  NOMAD_SERVERS_SCRAPE_JOB,
  type PrometheusAlertRule,
  type PrometheusAlertRulesOptions,
  type PrometheusRuleGroup,
  prometheusAlertRules,
  renderPrometheusRuleFile,
} from './prometheus/alert-rules';
export { type PrometheusConfigOptions, prometheusConfig, renderPrometheusConfig } from './prometheus/prometheus-config';
