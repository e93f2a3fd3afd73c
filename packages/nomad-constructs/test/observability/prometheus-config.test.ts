import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prometheusAlertRules, renderPrometheusRuleFile } from '../../src/observability/prometheus/alert-rules';
import {
  type PrometheusConfigOptions,
  prometheusConfig,
  renderPrometheusConfig,
} from '../../src/observability/prometheus/prometheus-config';
import { EC2_SD_META_LABELS, NOMAD_SD_META_LABELS, prometheusConfigSchema } from './prometheus-schema';
import { promtool } from './promql';

const OPTIONS: PrometheusConfigOptions = {
  clusterName: 'prod',
  nomadRegion: 'global',
  awsRegion: 'eu-west-1',
  caFile: '/alloc/nomad-ca.pem',
  tokenFile: '/secrets/nomad_token',
  ruleFiles: ['/local/rules/*.yml'],
  scrapeServices: ['hello-world'],
};

interface ScrapeConfig {
  job_name: string;
  nomad_sd_configs?: unknown[];
  relabel_configs?: {
    source_labels?: string[];
    regex?: string;
    action?: string;
    target_label?: string;
    replacement?: string;
  }[];
  tls_config?: { server_name?: string };
  ec2_sd_configs?: { filters: { name: string; values: string[] }[] }[];
  honor_labels?: boolean;
}

function scrapeConfigs(options: PrometheusConfigOptions = OPTIONS): ScrapeConfig[] {
  return (prometheusConfig(options) as { scrape_configs: ScrapeConfig[] }).scrape_configs;
}

/** What Prometheus's `replace` and `keep`/`drop` relabeling does to a target's labels (the actions used here). */
function relabel(
  configs: ScrapeConfig['relabel_configs'],
  labels: Record<string, string>,
): Record<string, string> | undefined {
  const current = { ...labels };
  for (const config of configs ?? []) {
    const value = (config.source_labels ?? []).map((name) => current[name] ?? '').join(';');
    const match = new RegExp(`^(?:${config.regex ?? '(.*)'})$`).exec(value);
    const action = config.action ?? 'replace';
    if (action === 'keep' && match === null) return undefined;
    if (action === 'drop' && match !== null) return undefined;
    if (action === 'replace' && match !== null && config.target_label !== undefined) {
      current[config.target_label] = (config.replacement ?? '$1').replace(
        /\$(\d)/g,
        (_, group: string) => match[Number(group)] ?? '',
      );
    }
  }
  return current;
}

describe('prometheusConfig', () => {
  it("matches Prometheus's documented configuration schema, nomad_sd_configs included", () => {
    const parsed = prometheusConfigSchema.safeParse(prometheusConfig(OPTIONS));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });

  it('relabels only from meta labels Prometheus documents for Nomad and EC2 discovery', () => {
    for (const config of scrapeConfigs()) {
      for (const relabeling of config.relabel_configs ?? []) {
        for (const source of relabeling.source_labels ?? []) {
          if (!source.startsWith('__meta_')) continue;
          const documented =
            (NOMAD_SD_META_LABELS as readonly string[]).includes(source) ||
            (EC2_SD_META_LABELS as readonly string[]).includes(source) ||
            source.startsWith('__meta_ec2_tag_');
          expect(documented, `${config.job_name}: ${source}`).toBe(true);
        }
      }
    }
  });

  it('is accepted by promtool check config, with the rules, once the nomad_sd jobs are left out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prometheus-'));
    const config = prometheusConfig({
      ...OPTIONS,
      caFile: join(dir, 'ca.pem'),
      ruleFiles: [join(dir, 'rules', '*.yml')],
    }) as {
      scrape_configs: ScrapeConfig[];
    };
    writeFileSync(join(dir, 'ca.pem'), '');
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'nomad.yml'), renderPrometheusRuleFile(prometheusAlertRules()));
    const withoutNomadSd = {
      ...config,
      scrape_configs: config.scrape_configs.filter((c) => c.nomad_sd_configs === undefined),
    };
    expect(withoutNomadSd.scrape_configs.map((c) => c.job_name)).toEqual(['nomad-servers', 'nomad-clients']);
    writeFileSync(join(dir, 'prometheus.yml'), renderPrometheusConfig(withoutNomadSd));
    expect(promtool(['check', 'config', 'prometheus.yml'], dir)).toMatch(
      /SUCCESS: prometheus\.yml is valid prometheus config file syntax/,
    );
  });

  it("finds the cluster's servers and clients by their tags and checks their certificates by role", () => {
    const [servers, clients] = scrapeConfigs();
    expect(servers?.ec2_sd_configs?.[0]?.filters).toEqual([
      { name: 'tag:NomadCluster', values: ['prod'] },
      { name: 'tag:NomadRole', values: ['server'] },
      { name: 'instance-state-name', values: ['running'] },
    ]);
    expect(servers?.tls_config?.server_name).toBe('server.global.nomad');
    expect(clients?.tls_config?.server_name).toBe('client.global.nomad');
    expect(
      relabel(clients?.relabel_configs, {
        __address__: '10.0.1.5:80',
        __meta_ec2_private_ip: '10.0.1.5',
        __meta_ec2_instance_id: 'i-0abc',
        __meta_ec2_availability_zone: 'eu-west-1a',
        __meta_ec2_tag_NomadNodePool: 'general',
      }),
    ).toMatchObject({ __address__: '10.0.1.5:4646', instance: 'i-0abc', node_pool: 'general' });
  });

  it('scrapes services tagged prometheus or named in scrapeServices, as a job named after the service', () => {
    const services = scrapeConfigs().find((c) => c.job_name === 'nomad-services');
    const target = (service: string, tags: string[]) =>
      relabel(services?.relabel_configs, {
        __meta_nomad_service: service,
        __meta_nomad_tags: `,${tags.join(',')},`,
        __meta_nomad_namespace: 'default',
        __meta_nomad_node_id: 'n-1',
      });
    expect(target('trainer-metrics', ['prometheus'])).toMatchObject({ job: 'trainer-metrics', namespace: 'default' });
    expect(target('hello-world', ['traefik.enable=true'])).toMatchObject({ job: 'hello-world' });
    expect(target('other', ['prometheus-ish', 'web'])).toBeUndefined();
    expect(target('pushgateway', ['prometheus'])).toBeUndefined();
  });

  it('scrapes the Pushgateway with honor_labels, so pushed series keep their job', () => {
    const pushgateway = scrapeConfigs().find((c) => c.job_name === 'pushgateway');
    expect(pushgateway?.honor_labels).toBe(true);
    expect(relabel(pushgateway?.relabel_configs, { __meta_nomad_service: 'pushgateway' })).toBeDefined();
    expect(relabel(pushgateway?.relabel_configs, { __meta_nomad_service: 'hello-world' })).toBeUndefined();
  });

  it("discovers services with the task's workload identity, through the local agent over TLS", () => {
    const services = scrapeConfigs().find((c) => c.job_name === 'nomad-services');
    expect(services?.nomad_sd_configs).toEqual([
      {
        server: 'https://127.0.0.1:4646',
        namespace: 'default',
        refresh_interval: '30s',
        tls_config: { ca_file: '/alloc/nomad-ca.pem', server_name: 'client.global.nomad' },
        authorization: { type: 'Bearer', credentials_file: '/secrets/nomad_token' },
      },
    ]);
  });

  it('is deterministic', () => {
    expect(renderPrometheusConfig(prometheusConfig(OPTIONS))).toBe(renderPrometheusConfig(prometheusConfig(OPTIONS)));
  });

  it('rejects an empty namespace list and a tag that is not a plain word', () => {
    expect(() => prometheusConfig({ ...OPTIONS, namespaces: [] })).toThrow(
      /prometheusConfig\.namespaces: expected at least one Nomad namespace/,
    );
    expect(() => prometheusConfig({ ...OPTIONS, scrapeTag: 'a b' })).toThrow(
      /prometheusConfig\.scrapeTag: expected a tag/,
    );
  });
});
