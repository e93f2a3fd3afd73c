import { z } from 'zod';

/**
 * The part of Prometheus's configuration file schema that `prometheusConfig` writes, transcribed
 * from Prometheus's documentation (every object strict: a key the documentation does not list is
 * an error). Debian's Prometheus 2.42 build has no Nomad service discovery, so `promtool check
 * config` cannot read `nomad_sd_configs`; this schema checks them (and everything else) against
 * the documented fields and formats instead, and the test runs promtool on the rest.
 *
 * @see https://prometheus.io/docs/prometheus/latest/configuration/configuration/
 */

/** `<duration>`: `((([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?|0)`. */
const duration = z
  .string()
  .regex(/^(((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?|0)$/)
  .refine((value) => value !== '', 'empty duration');
/** `<labelname>`: `[a-zA-Z_][a-zA-Z0-9_]*`. */
const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/);
/** A regular expression (RE2; the ones used here are also valid JavaScript). */
const regex = z.string().refine((value) => {
  try {
    new RegExp(`^(?:${value})$`);
    return true;
  } catch {
    return false;
  }
}, 'not a regular expression');

/** `<tls_config>`. */
const tlsConfig = z.strictObject({
  ca: z.string().optional(),
  ca_file: z.string().min(1).optional(),
  cert_file: z.string().optional(),
  key_file: z.string().optional(),
  server_name: z.string().optional(),
  insecure_skip_verify: z.boolean().optional(),
  min_version: z.enum(['TLS10', 'TLS11', 'TLS12', 'TLS13']).optional(),
});

/** `<authorization>` of the HTTP client options. */
const authorization = z
  .strictObject({
    type: z.string().optional(),
    credentials: z.string().optional(),
    credentials_file: z.string().min(1).optional(),
  })
  .refine((value) => !(value.credentials && value.credentials_file), 'credentials and credentials_file are exclusive');

/** `<relabel_config>`. */
const relabelConfig = z.strictObject({
  source_labels: z.array(labelName).optional(),
  separator: z.string().optional(),
  target_label: z.string().optional(),
  regex: regex.optional(),
  modulus: z.number().int().optional(),
  replacement: z.string().optional(),
  action: z
    .enum([
      'replace',
      'keep',
      'drop',
      'keepequal',
      'dropequal',
      'hashmod',
      'labelmap',
      'labeldrop',
      'labelkeep',
      'lowercase',
      'uppercase',
    ])
    .optional(),
});

/** `<ec2_sd_config>` (the fields used here, and the ones next to them). */
const ec2SdConfig = z.strictObject({
  region: z.string().min(1),
  endpoint: z.string().optional(),
  access_key: z.string().optional(),
  secret_key: z.string().optional(),
  profile: z.string().optional(),
  role_arn: z.string().optional(),
  refresh_interval: duration.optional(),
  port: z.number().int().min(1).max(65535).optional(),
  filters: z.array(z.strictObject({ name: z.string().min(1), values: z.array(z.string()).min(1) })).optional(),
});

/** `<nomad_sd_config>` with the HTTP client options. */
const nomadSdConfig = z.strictObject({
  allow_stale: z.boolean().optional(),
  namespace: z.string().optional(),
  refresh_interval: duration.optional(),
  region: z.string().optional(),
  server: z.url(),
  tag_separator: z.string().optional(),
  authorization: authorization.optional(),
  follow_redirects: z.boolean().optional(),
  enable_http2: z.boolean().optional(),
  tls_config: tlsConfig.optional(),
  proxy_url: z.string().optional(),
});

/** `<static_config>`. */
const staticConfig = z.strictObject({
  targets: z.array(z.string().regex(/^[^\s/]+:\d+$/)),
  labels: z.record(labelName, z.string()).optional(),
});

/** `<scrape_config>`. */
const scrapeConfig = z.strictObject({
  job_name: z.string().min(1),
  scrape_interval: duration.optional(),
  scrape_timeout: duration.optional(),
  metrics_path: z.string().startsWith('/').optional(),
  honor_labels: z.boolean().optional(),
  honor_timestamps: z.boolean().optional(),
  scheme: z.enum(['http', 'https']).optional(),
  params: z.record(z.string(), z.array(z.string())).optional(),
  authorization: authorization.optional(),
  tls_config: tlsConfig.optional(),
  ec2_sd_configs: z.array(ec2SdConfig).optional(),
  nomad_sd_configs: z.array(nomadSdConfig).optional(),
  static_configs: z.array(staticConfig).optional(),
  relabel_configs: z.array(relabelConfig).optional(),
  metric_relabel_configs: z.array(relabelConfig).optional(),
});

/** The configuration file. */
export const prometheusConfigSchema = z.strictObject({
  global: z
    .strictObject({
      scrape_interval: duration.optional(),
      scrape_timeout: duration.optional(),
      evaluation_interval: duration.optional(),
      external_labels: z.record(labelName, z.string()).optional(),
    })
    .optional(),
  rule_files: z.array(z.string()).optional(),
  scrape_configs: z
    .array(scrapeConfig)
    .refine(
      (configs) => new Set(configs.map((config) => config.job_name)).size === configs.length,
      'job names must be unique',
    ),
});

/** The meta labels Prometheus's Nomad service discovery documents. */
export const NOMAD_SD_META_LABELS = [
  '__meta_nomad_address',
  '__meta_nomad_dc',
  '__meta_nomad_namespace',
  '__meta_nomad_node_id',
  '__meta_nomad_service',
  '__meta_nomad_service_address',
  '__meta_nomad_service_id',
  '__meta_nomad_service_port',
  '__meta_nomad_tags',
] as const;

/** The meta labels of Prometheus's EC2 service discovery used here (`__meta_ec2_tag_<tagkey>` for each tag). */
export const EC2_SD_META_LABELS = [
  '__meta_ec2_private_ip',
  '__meta_ec2_instance_id',
  '__meta_ec2_availability_zone',
] as const;
