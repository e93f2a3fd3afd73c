import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parameterizedBatchJob, Testing } from '@org/jobspec-builder';
import { Duration } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { shippedDashboards } from '../../src/observability/grafana/grafana-provisioning';
import { grafanaJob } from '../../src/observability/jobs/grafana-job';
import { TEMPLATE_LEFT_DELIMITER } from '../../src/observability/jobs/job-parts';
import { PROMETHEUS_PATHS, prometheusJob } from '../../src/observability/jobs/prometheus-job';
import { withPushgatewayUrl } from '../../src/observability/jobs/pushgateway-url';
import { prometheusAlertRules, renderPrometheusRuleFile } from '../../src/observability/prometheus/alert-rules';
import { prometheusConfig, renderPrometheusConfig } from '../../src/observability/prometheus/prometheus-config';

const REGION = 'eu-west-1';
const config = renderPrometheusConfig(
  prometheusConfig({
    clusterName: 'prod',
    nomadRegion: 'global',
    awsRegion: REGION,
    caFile: PROMETHEUS_PATHS.caFile,
    tokenFile: PROMETHEUS_PATHS.tokenFile,
    ruleFiles: [PROMETHEUS_PATHS.ruleGlob],
  }),
);
const rules = renderPrometheusRuleFile(prometheusAlertRules());
const prometheus = prometheusJob({
  nodePool: 'observability',
  config,
  rules,
  caSecretArn: `arn:aws:secretsmanager:${REGION}:123456789012:secret:ca-AbCdEf`,
  awsRegion: REGION,
});
const grafana = grafanaJob({
  nodePool: 'observability',
  adminPasswordSecretArn: `arn:aws:secretsmanager:${REGION}:123456789012:secret:grafana-AbCdEf`,
  awsRegion: REGION,
  rootUrl: 'https://nomad.example.com/grafana/',
});
const JOBSPEC = join(__dirname, '..', '..', '..', '..', 'node_modules', '.bin', 'jobspec');

/** `jobspec validate` (the @org/jobspec-builder CLI) on the job rendered to HCL. */
function jobspecValidate(name: string, hcl: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'observability-jobs-'));
  writeFileSync(join(dir, `${name}.nomad.hcl`), hcl);
  return execFileSync(JOBSPEC, ['validate', `${name}.nomad.hcl`], { cwd: dir, encoding: 'utf8' });
}

function task(job: typeof prometheus, group: string, name: string) {
  const task = job.props.groups?.find((g) => g.name === group)?.tasks?.find((t) => t.name === name);
  if (task === undefined) throw new Error(`no task ${group}/${name}`);
  return task;
}

describe('prometheusJob', () => {
  it('passes jobspec validate', () => {
    expect(jobspecValidate('prometheus', prometheus.toHcl())).toContain('prometheus: valid');
  });

  it('writes the configuration and the rules verbatim, reloading Prometheus with SIGHUP on a change', () => {
    const templates = task(prometheus, 'prometheus', 'prometheus').templates ?? [];
    expect(templates.map((t) => [t.destination, t.data, t.changeMode, t.changeSignal, t.leftDelimiter])).toEqual([
      ['local/prometheus.yml', config, 'signal', 'SIGHUP', '[['],
      ['local/rules/nomad-constructs.rules.yml', rules, 'signal', 'SIGHUP', '[['],
    ]);
  });

  it('keeps its data on the host volume with the retention it is given', () => {
    const custom = prometheusJob({
      nodePool: 'observability',
      config,
      rules,
      caSecretArn: 'arn',
      awsRegion: REGION,
      retention: Duration.hours(36),
      dataVolume: 'metrics',
    });
    const group = custom.props.groups?.[0];
    expect(group?.volumes).toEqual({ data: { type: 'host', source: 'metrics', readOnly: false } });
    expect(task(custom, 'prometheus', 'prometheus').config?.args).toEqual(
      expect.arrayContaining(['--storage.tsdb.retention.time=36h', '--storage.tsdb.retention.size=20480MB']),
    );
    expect(task(prometheus, 'prometheus', 'prometheus').config?.args).toContain('--storage.tsdb.retention.time=15d');
  });

  it("reads Nomad's service API with its workload identity, written for the user the image runs as", () => {
    const main = task(prometheus, 'prometheus', 'prometheus');
    expect(main.identities).toEqual([{ file: true }]);
    expect(main.user).toBe('nobody');
  });

  it('fetches the cluster CA with the instance role before Prometheus starts, passing only the secret ARN', () => {
    const fetch = task(prometheus, 'prometheus', 'fetch-nomad-ca');
    expect(fetch.lifecycle).toEqual({ hook: 'prestart', sidecar: false });
    expect(fetch.env).toEqual({
      SECRET_ARN: `arn:aws:secretsmanager:${REGION}:123456789012:secret:ca-AbCdEf`,
      AWS_REGION: REGION,
    });
    expect(String(fetch.config?.args)).toContain('aws secretsmanager get-secret-value --secret-id "$SECRET_ARN"');
  });

  it('runs a Pushgateway whose pushed metrics survive a restart', () => {
    const group = prometheus.props.groups?.find((g) => g.name === 'pushgateway');
    expect(group?.ephemeralDisk).toMatchObject({ sticky: true, migrate: true });
    expect(group?.services?.[0]?.name).toBe('pushgateway');
  });

  it('rejects a retention that is not whole hours, and a size below 1 GiB', () => {
    const base = { nodePool: 'o', config, rules, caSecretArn: 'arn', awsRegion: REGION };
    expect(() => prometheusJob({ ...base, retention: Duration.minutes(90) })).toThrow(
      /prometheusJob\.retention: expected a whole number of hours \(at least 1\)/,
    );
    expect(() => prometheusJob({ ...base, retentionSize: { toMebibytes: () => 100 } })).toThrow(
      /prometheusJob\.retentionSize: expected at least 1 GiB in whole MiB, received 100 MiB/,
    );
  });

  it('refuses a configuration holding its template delimiter', () => {
    expect(() =>
      prometheusJob({
        nodePool: 'o',
        config: `${config}# ${TEMPLATE_LEFT_DELIMITER}x`,
        rules,
        caSecretArn: 'a',
        awsRegion: REGION,
      }),
    ).toThrow(/prometheusJob\.config: expected a file without "\[\["/);
  });
});

describe('grafanaJob', () => {
  it('passes jobspec validate', () => {
    expect(jobspecValidate('grafana', grafana.toHcl())).toContain('grafana: valid');
  });

  it('provisions the Prometheus data source from its service registration, and every shipped dashboard', () => {
    const templates = task(grafana, 'grafana', 'grafana').templates ?? [];
    expect(templates[0]?.destination).toBe('local/provisioning/datasources/prometheus.yml');
    expect(templates[0]?.data).toContain(
      '"url": "{{ range nomadService \\"prometheus\\" }}http://{{ .Address }}:{{ .Port }}{{ end }}"',
    );
    const dashboards = shippedDashboards();
    expect(templates.slice(2).map((t) => [t.destination, t.data])).toEqual(
      dashboards.map((d) => [`local/dashboards/${d.fileName}`, d.json]),
    );
  });

  it('reads the admin password from Secrets Manager into a file only Grafana reads; the job holds no password', () => {
    const main = task(grafana, 'grafana', 'grafana');
    expect(main.env?.GF_SECURITY_ADMIN_PASSWORD__FILE).toBe('/alloc/grafana-admin-password');
    expect(Object.keys(main.env ?? {})).not.toContain('GF_SECURITY_ADMIN_PASSWORD');
    expect(String(task(grafana, 'grafana', 'fetch-admin-password').config?.args)).toContain(
      'chown 472 "$NOMAD_ALLOC_DIR/grafana-admin-password" && chmod 0400',
    );
  });

  it('is served under /grafana, with anonymous access and sign-up off, secure cookies behind HTTPS', () => {
    const env = task(grafana, 'grafana', 'grafana').env ?? {};
    expect(env).toMatchObject({
      GF_SERVER_ROOT_URL: 'https://nomad.example.com/grafana/',
      GF_SERVER_SERVE_FROM_SUB_PATH: 'true',
      GF_AUTH_ANONYMOUS_ENABLED: 'false',
      GF_USERS_ALLOW_SIGN_UP: 'false',
      GF_SECURITY_COOKIE_SECURE: 'true',
    });
    expect(grafana.props.groups?.[0]?.services?.[0]?.checks?.[0]?.path).toBe('/grafana/api/health');
  });

  it('rejects a Prometheus service name that is not one (it is written into a template)', () => {
    expect(() =>
      grafanaJob({
        nodePool: 'o',
        adminPasswordSecretArn: 'a',
        awsRegion: REGION,
        prometheusService: 'x" }}{{ env "A',
      }),
    ).toThrow(/grafanaJob\.prometheusService: expected a Nomad service name/);
  });

  it('rejects a sub-path that is not one lowercase segment', () => {
    expect(() =>
      grafanaJob({ nodePool: 'o', adminPasswordSecretArn: 'a', awsRegion: REGION, subPath: 'grafana/' }),
    ).toThrow(
      /grafanaJob\.subPath: expected a path of one lowercase segment such as "\/grafana", received "grafana\/"/,
    );
  });
});

describe('withPushgatewayUrl', () => {
  const trainer = parameterizedBatchJob({ id: 'trainer', image: 'trainer:1', metaOptional: ['epochs'] });

  it("gives every task the Pushgateway's URL from Nomad's service catalog, read at start only", () => {
    const job = withPushgatewayUrl(trainer);
    expect(Testing.issues(job)).toEqual([]);
    const template = job.props.groups?.[0]?.tasks?.[0]?.templates?.at(-1);
    expect(template).toEqual({
      destination: 'local/pushgateway.env',
      data: '{{ range nomadService "pushgateway" }}PUSHGATEWAY_URL=http://{{ .Address }}:{{ .Port }}\n{{ end }}',
      env: true,
      changeMode: 'noop',
    });
    expect(jobspecValidate('trainer', job.toHcl())).toContain('trainer: valid');
  });

  it('rejects a task name the job does not have', () => {
    expect(() => withPushgatewayUrl(trainer, { tasks: ['train'] })).toThrow(
      /withPushgatewayUrl\.tasks: expected names of tasks of job trainer, received \["train"\]; the job has \["trainer"\]/,
    );
  });
});
