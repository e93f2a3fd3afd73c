import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type PrometheusAlertRule,
  prometheusAlertRules,
  renderPrometheusRuleFile,
} from '../../src/observability/prometheus/alert-rules';
import { promtool } from './promql';

const rules = prometheusAlertRules();
const byName = new Map<string, PrometheusAlertRule>(rules.flatMap((group) => group.rules).map((r) => [r.alert, r]));

function rule(name: string): PrometheusAlertRule {
  const found = byName.get(name);
  if (found === undefined) throw new Error(`no rule ${name}`);
  return found;
}

/** The annotations promtool expects: the rule's, with `{{ ... }}` filled in as Prometheus would. */
function annotations(name: string, fill: Record<string, string> = {}): Record<string, string> {
  const render = (text: string) => text.replace(/\{\{ ([^}]+) \}\}/g, (whole, inner: string) => fill[inner] ?? whole);
  return { summary: render(rule(name).summary), runbook: render(rule(name).runbook) };
}

interface Case {
  readonly name: string;
  readonly series: Record<string, string>;
  readonly at: string;
  readonly alert: string;
  readonly expected: { labels: Record<string, string>; annotations: Record<string, string> }[];
}

const servers = (values: [string, string, string]) => ({
  'up{job="nomad-servers",instance="i-1"}': values[0],
  'up{job="nomad-servers",instance="i-2"}': values[1],
  'up{job="nomad-servers",instance="i-3"}': values[2],
});

const CASES: Case[] = [
  {
    name: 'a server that stops answering fires NomadServerDown after 5 minutes',
    series: servers(['1x10', '1x10', '1 0x10']),
    at: '8m',
    alert: 'NomadServerDown',
    expected: [
      {
        labels: { severity: 'critical', job: 'nomad-servers', instance: 'i-3' },
        annotations: annotations('NomadServerDown', { '$labels.instance': 'i-3' }),
      },
    ],
  },
  {
    name: 'answering servers are quiet',
    series: servers(['1x10', '1x10', '1x10']),
    at: '8m',
    alert: 'NomadServerDown',
    expected: [],
  },
  {
    name: 'a server gone from discovery fires NomadServersMissing after 10 minutes',
    series: servers(['1x20', '1x20', '1 1 stale']),
    at: '15m',
    alert: 'NomadServersMissing',
    expected: [{ labels: { severity: 'critical' }, annotations: annotations('NomadServersMissing', { $value: '2' }) }],
  },
  {
    name: 'no server scraped at all still fires NomadServersMissing',
    series: servers(['0x20', '0x20', '0x20']),
    at: '15m',
    alert: 'NomadServersMissing',
    expected: [{ labels: { severity: 'critical' }, annotations: annotations('NomadServersMissing', { $value: '0' }) }],
  },
  {
    name: 'three servers are quiet',
    series: servers(['1x20', '1x20', '1x20']),
    at: '15m',
    alert: 'NomadServersMissing',
    expected: [],
  },
  {
    name: 'servers up without the leader-only metrics fire NomadNoLeader after 2 minutes',
    series: { ...servers(['1x10', '1x10', '1x10']), 'nomad_nomad_broker_total_ready{instance="i-1"}': '0 0 stale' },
    at: '6m',
    alert: 'NomadNoLeader',
    expected: [{ labels: { severity: 'critical' }, annotations: annotations('NomadNoLeader') }],
  },
  {
    name: 'a leader reporting its broker is quiet',
    series: { ...servers(['1x10', '1x10', '1x10']), 'nomad_nomad_broker_total_ready{instance="i-1"}': '0x10' },
    at: '6m',
    alert: 'NomadNoLeader',
    expected: [],
  },
  {
    name: 'no server answering is NomadServersMissing, not NomadNoLeader',
    series: servers(['0x10', '0x10', '0x10']),
    at: '6m',
    alert: 'NomadNoLeader',
    expected: [],
  },
  {
    name: 'a failed allocation of a service fires NomadAllocationsFailing',
    series: {
      'nomad_nomad_job_summary_failed{namespace="default",job="web",task_group="web"}': '0 0 0 1 1 1',
      'nomad_nomad_job_summary_failed{namespace="default",job="trainer/dispatch-1-a",task_group="trainer"}':
        '0 0 0 1 1 1',
    },
    at: '5m',
    alert: 'NomadAllocationsFailing',
    expected: [
      {
        labels: { severity: 'warning', namespace: 'default', job: 'web' },
        annotations: annotations('NomadAllocationsFailing', { '$labels.job': 'web' }),
      },
    ],
  },
  {
    name: 'allocations without failures are quiet',
    series: { 'nomad_nomad_job_summary_failed{namespace="default",job="web",task_group="web"}': '1x10' },
    at: '5m',
    alert: 'NomadAllocationsFailing',
    expected: [],
  },
  {
    name: 'evaluations blocked for 15 minutes fire NomadEvaluationsBlocked',
    series: { 'nomad_nomad_blocked_evals_total_blocked{instance="i-1"}': '2x20' },
    at: '17m',
    alert: 'NomadEvaluationsBlocked',
    expected: [
      { labels: { severity: 'warning' }, annotations: annotations('NomadEvaluationsBlocked', { $value: '2' }) },
    ],
  },
  {
    name: 'no blocked evaluation is quiet',
    series: { 'nomad_nomad_blocked_evals_total_blocked{instance="i-1"}': '0x20' },
    at: '17m',
    alert: 'NomadEvaluationsBlocked',
    expected: [],
  },
  {
    name: '9 % of requests failing fires HelloWorldErrorRate after 5 minutes',
    series: {
      'http_requests_total{job="hello-world",route="/",status="200"}': '0+100x20',
      'http_requests_total{job="hello-world",route="/",status="500"}': '0+10x20',
    },
    at: '12m',
    alert: 'HelloWorldErrorRate',
    expected: [
      {
        labels: { severity: 'critical' },
        annotations: annotations('HelloWorldErrorRate', { '$value | humanizePercentage': '9.091%' }),
      },
    ],
  },
  {
    name: '1 % of requests failing is quiet',
    series: {
      'http_requests_total{job="hello-world",route="/",status="200"}': '0+100x20',
      'http_requests_total{job="hello-world",route="/",status="500"}': '0+1x20',
    },
    at: '12m',
    alert: 'HelloWorldErrorRate',
    expected: [],
  },
  {
    name: 'traffic without any 5xx series is quiet',
    series: { 'http_requests_total{job="hello-world",route="/",status="200"}': '0+100x20' },
    at: '12m',
    alert: 'HelloWorldErrorRate',
    expected: [],
  },
  {
    name: 'no hello-world instance answering fires HelloWorldNotScraped',
    series: { 'up{job="hello-world",instance="10.0.0.1:25000"}': '0x10' },
    at: '7m',
    alert: 'HelloWorldNotScraped',
    expected: [{ labels: { severity: 'critical' }, annotations: annotations('HelloWorldNotScraped') }],
  },
  {
    name: 'one hello-world instance answering is quiet',
    series: { 'up{job="hello-world",instance="10.0.0.1:25000"}': '1x10' },
    at: '7m',
    alert: 'HelloWorldNotScraped',
    expected: [],
  },
  {
    name: 'a failed allocation of a dispatched training run fires TrainerRunFailed',
    series: {
      'nomad_nomad_job_summary_failed{namespace="default",job="trainer/dispatch-1-a",task_group="trainer"}':
        '0 0 1 1 1',
      'nomad_nomad_job_summary_failed{namespace="default",job="trainer",task_group="trainer"}': '0 0 1 1 1',
    },
    at: '4m',
    alert: 'TrainerRunFailed',
    expected: [
      {
        labels: { severity: 'warning', namespace: 'default', job: 'trainer/dispatch-1-a' },
        annotations: annotations('TrainerRunFailed', { '$labels.job': 'trainer/dispatch-1-a' }),
      },
    ],
  },
];

describe('prometheusAlertRules', () => {
  it('renders a rule file promtool accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(join(dir, 'rules.yml'), renderPrometheusRuleFile(rules));
    expect(promtool(['check', 'rules', 'rules.yml'], dir)).toContain(`SUCCESS: ${byName.size} rules found`);
  });

  it('covers server down, no leader, allocation failures, trainer run failed and hello-world errors', () => {
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining([
        'NomadServerDown',
        'NomadServersMissing',
        'NomadNoLeader',
        'NomadAllocationsFailing',
        'TrainerRunFailed',
        'HelloWorldErrorRate',
      ]),
    );
  });

  it('gives every rule a severity, a summary and a runbook that says what to do', () => {
    for (const r of byName.values()) {
      expect(r.summary.length, r.alert).toBeGreaterThan(10);
      expect(r.runbook, r.alert).toMatch(/`[^`]+`/);
    }
  });

  it('fires each alert when it should and stays quiet when it should not (promtool test rules)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    writeFileSync(join(dir, 'rules.yml'), renderPrometheusRuleFile(rules));
    const tests = {
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: CASES.map((c) => ({
        name: c.name,
        interval: '1m',
        input_series: Object.entries(c.series).map(([series, values]) => ({ series, values })),
        alert_rule_test: [
          {
            eval_time: c.at,
            alertname: c.alert,
            exp_alerts: c.expected.map((e) => ({ exp_labels: e.labels, exp_annotations: e.annotations })),
          },
        ],
      })),
    };
    writeFileSync(join(dir, 'tests.yml'), JSON.stringify(tests, null, 2));
    expect(promtool(['test', 'rules', 'tests.yml'], dir)).toContain('SUCCESS');
  });

  it('uses the server count and error ratio it is given', () => {
    const custom = prometheusAlertRules({ serverCount: 5, helloWorldErrorRatio: 0.01, helloWorldJob: 'web' });
    const all = custom.flatMap((group) => group.rules);
    expect(all.find((r) => r.alert === 'NomadServersMissing')?.expr).toMatch(/< 5$/);
    expect(all.find((r) => r.alert === 'HelloWorldErrorRate')?.expr).toContain('job="web"');
    expect(all.find((r) => r.alert === 'HelloWorldErrorRate')?.expr).toMatch(/> 0\.01$/);
  });

  it('rejects an error ratio outside (0, 1) and a server count below 1', () => {
    expect(() => prometheusAlertRules({ helloWorldErrorRatio: 5 })).toThrow(
      /prometheusAlertRules\.helloWorldErrorRatio: expected a share between 0 and 1 \(exclusive\), e\.g\. 0\.05 for 5 %, received 5\./,
    );
    expect(() => prometheusAlertRules({ serverCount: 0 })).toThrow(/serverCount: expected a whole number of servers/);
  });
});
