import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { describe, expect, it } from 'vitest';
import { dashboards } from '../../dashboards';
import { NomadCluster, NomadObservability } from '../../src';
import { prometheusAlertRules } from '../../src/observability/prometheus/alert-rules';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const section = (heading: string) => readme.split(`## ${heading}`)[1]?.split('\n## ')[0] ?? '';
const monitoring = section('Monitoring: CloudWatch dashboard and alarms');
const observability = section('Prometheus and Grafana on the cluster: `NomadObservability`');

/** A README table's rows, keyed by the first cell without its backticks. */
function rows(text: string): Map<string, string> {
  return new Map(
    text
      .split('\n')
      .filter((line) => line.startsWith('| ') && !line.startsWith('|---'))
      .map((line) => {
        const [first = '', ...rest] = line.slice(2, -2).split(' | ');
        return [first.replaceAll('`', ''), rest.join(' | ')] as const;
      }),
  );
}

describe('README: observability', () => {
  it("lists every dashboard's panels", () => {
    const table = rows(observability);
    for (const dashboard of dashboards()) {
      const row = [...table.entries()].find(([name]) => name.startsWith(dashboard.title ?? ''))?.[1] ?? '';
      for (const panel of dashboard.panels ?? []) {
        expect(row, `${dashboard.title}: ${panel.title}`).toContain(panel.title);
      }
    }
  });

  it("gives every Prometheus alert rule's runbook, word for word", () => {
    const table = rows(observability);
    for (const rule of prometheusAlertRules().flatMap((group) => group.rules)) {
      expect(table.get(rule.alert), rule.alert).toBe(`${rule.for} | ${rule.severity} | ${rule.runbook}`);
    }
  });

  it("gives every CloudWatch alarm's runbook, word for word (<pool> for the pool)", () => {
    const stack = new Stack(new App(), 'Readme', { env: { account: '123456789012', region: 'eu-west-1' } });
    const certificate = acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:1:certificate/a');
    const cluster = new NomadCluster(stack, 'Cluster', { ui: { certificate, accessLogs: false } });
    const pool = cluster.addClientPool('tools', { hostVolumes: NomadObservability.hostVolumes() });
    new NomadObservability(stack, 'Observability', { cluster, pool });
    const table = rows(monitoring);
    const alarms = cluster.monitoring?.alarms ?? [];
    expect(alarms.length).toBe(9);
    for (const alarm of alarms) {
      const name = alarm.alarm.node.id.replace(/^tools/, '<pool>');
      expect(table.get(name)?.split(' | ').at(-1), name).toBe(alarm.runbook.replaceAll('"tools"', '"<pool>"'));
    }
  });
});
