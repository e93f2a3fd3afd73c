import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { describe, expect, it } from 'vitest';
import { type NomadClientPool, NomadCluster } from '../../src';
import {
  CLIENT_METRICS,
  INSTANCE_METRICS,
  INSTANCE_NAMESPACE,
  NOMAD_NAMESPACE,
  SERVER_METRICS,
} from '../../src/observability/nomad-metrics';
import { NomadMonitoring, type NomadMonitoringOptions } from '../../src/observability/nomad-monitoring';
import { TLS_DAYS_LEFT_METRIC } from '../../src/security/nomad-certificate-renewal';
import { cfnText, cfnValues, newStack } from '../helpers';

/** A cluster with its monitoring (on by default), a pool with a minimum of 2 and a Spot pool with none. */
function monitored(options: NomadMonitoringOptions & { ui?: boolean } = {}) {
  const { ui, ...monitoring } = options;
  const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
  const certificate = ui
    ? acm.Certificate.fromCertificateArn(stack, 'Cert', 'arn:aws:acm:eu-west-1:123456789012:certificate/abc')
    : undefined;
  const cluster = new NomadCluster(stack, 'Cluster', {
    clusterName: 'prod',
    monitoring,
    ui: certificate === undefined ? undefined : { certificate, accessLogs: false },
  });
  cluster.addClientPool('general', { minCapacity: 2, maxCapacity: 4 });
  cluster.addClientPool('spot', { onDemandPercentageAboveBaseCapacity: 0, minCapacity: 0, maxCapacity: 3 });
  if (cluster.monitoring === undefined) throw new Error('monitoring is on by default');
  // Adding a pool again changes nothing.
  cluster.monitoring.addClientPool(cluster.pools[0] as NomadClientPool);
  return { stack, cluster, monitoring: cluster.monitoring, template: Template.fromStack(stack) };
}

/** A CloudFormation value as text: references as `${Id}`, other intrinsics as `${Fn}` (enough for the dashboard body). */
function text(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'Fn::Join' in value) {
    const [separator, parts] = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
    return parts.map(text).join(separator);
  }
  if (typeof value === 'object' && value !== null && ('Ref' in value || 'Fn::GetAtt' in value)) {
    return cfnText(value);
  }
  if (typeof value === 'object' && value !== null) {
    return `\${${Object.keys(value)[0]}}`;
  }
  return String(value);
}

/** The metric an alarm watches (directly, or the one metric of its math), as `namespace/name statistic`. */
function alarmMetrics(template: Template): string[] {
  return Object.values(template.findResources('AWS::CloudWatch::Alarm')).flatMap((alarm) => {
    const p = alarm.Properties;
    if (p.MetricName !== undefined) return [`${p.Namespace}/${p.MetricName} ${p.Statistic}`];
    return (p.Metrics as { MetricStat?: { Metric: { Namespace: string; MetricName: string }; Stat: string } }[])
      .filter((m) => m.MetricStat !== undefined)
      .map((m) => `${m.MetricStat?.Metric.Namespace}/${m.MetricStat?.Metric.MetricName} ${m.MetricStat?.Stat}`);
  });
}

/** Every metric a dashboard widget reads: `namespace/name` with its dimensions, from the dashboard body. */
function dashboardMetrics(template: Template): { namespace: string; name: string; dimensions: string[] }[] {
  const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  const body = JSON.parse(text(dashboard?.Properties.DashboardBody)) as {
    widgets: { type: string; properties: { metrics?: unknown[][] } }[];
  };
  return body.widgets.flatMap((widget) =>
    (widget.properties.metrics ?? [])
      .filter((metric) => typeof metric[0] === 'string')
      .map((metric) => {
        const parts = metric.filter((part): part is string => typeof part === 'string');
        const [namespace = '', name = '', ...dimensions] = parts[0] === '.' ? [] : parts;
        return { namespace, name, dimensions };
      }),
  );
}

const KNOWN: Record<string, readonly string[]> = {
  [NOMAD_NAMESPACE]: [...Object.values(SERVER_METRICS), ...Object.values(CLIENT_METRICS)],
  // The CloudWatch agent's metrics, and the days left of each node's certificate (its hourly refresh).
  [INSTANCE_NAMESPACE]: [...Object.values(INSTANCE_METRICS), TLS_DAYS_LEFT_METRIC],
  'AWS/AutoScaling': ['GroupInServiceInstances', 'GroupDesiredCapacity'],
  'AWS/ApplicationELB': [
    'HTTPCode_Target_5XX_Count',
    'HTTPCode_ELB_5XX_Count',
    'UnHealthyHostCount',
    'TargetResponseTime',
  ],
  'AWS/Events': ['MatchedEvents'],
};

describe('NomadMonitoring', () => {
  const { monitoring, template } = monitored({ ui: true, alarmEmail: 'ops@example.com' });

  it('has a dashboard whose every widget reads a metric the stack publishes', () => {
    const metrics = dashboardMetrics(template);
    expect(metrics.length).toBeGreaterThan(20);
    for (const metric of metrics) {
      expect(KNOWN[metric.namespace], `${metric.namespace}/${metric.name}`).toContain(metric.name);
    }
    const resources = Object.keys(template.toJSON().Resources);
    for (const metric of metrics) {
      const [dimension, value] = metric.dimensions;
      if (dimension === 'NomadCluster') expect(value).toBe('prod');
      const reference = /^\$\{(\w+?)(\.[\w.]+)?\}$/.exec(value ?? '');
      if (reference) expect(resources, `${metric.name} ${dimension}`).toContain(reference[1]);
    }
  });

  it('shows raft, servers, pools, allocations, evaluations, Spot, the load balancer and boot failures', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.parse(text(dashboard?.Properties.DashboardBody)) as {
      widgets: { properties: { title?: string } }[];
    };
    expect(body.widgets.map((widget) => widget.properties.title).filter(Boolean)).toEqual([
      'Raft: leader and servers',
      'Servers: CPU, memory and disk in use',
      'Evaluations: blocked and pending',
      'Allocations failed and clients with a heartbeat',
      'Client pools: desired and in service',
      'Allocations running by pool',
      'Instances without a Nomad agent reporting (failed or still booting)',
      'Client pools: CPU and memory in use',
      'Spot interruption warnings (account and region)',
      'UI load balancer: 5xx and unhealthy servers',
      'UI load balancer: response time (blocking queries wait up to 5 minutes)',
    ]);
  });

  it('gives every alarm the topic as alarm and OK action, and a runbook in its description', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBe(monitoring.alarms.length);
    const topic = `\${${Object.keys(template.findResources('AWS::SNS::Topic'))[0]}}`;
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions.map(cfnText)).toEqual([topic]);
      expect(alarm.Properties.OKActions.map(cfnText)).toEqual([topic]);
      expect(alarm.Properties.AlarmDescription).toMatch(/^.{20,}\. Runbook: .*`[^`]+`/);
    }
  });

  it('alarms on no leader, a missing server, a pool below its minimum, blocked evaluations, 5xx, unhealthy targets and failed boots', () => {
    expect(monitoring.alarms.map((alarm) => alarm.alarm.node.id)).toEqual([
      'NoLeader',
      'ServersMissing',
      'BlockedEvaluations',
      'LoadBalancer5xx',
      'UnhealthyServers',
      'CertificateExpiry',
      'generalBelowMinimum',
      'generalBootFailures',
      'spotBootFailures',
    ]);
  });

  it('creates the alarms that count missing data as breaching once their instances have signalled', () => {
    const resources = template.toJSON().Resources as Record<string, { Type: string; DependsOn?: string[] }>;
    const groupOf = (prefix: string) => Object.keys(resources).find((id) => id.startsWith(prefix)) as string;
    const dependsOn = (prefix: string) => resources[groupOf(prefix)]?.DependsOn ?? [];
    expect(dependsOn('ClusterMonitoringNoLeader')).toContain(groupOf('ClusterServersAutoScalingGroup'));
    expect(dependsOn('ClusterMonitoringServersMissing')).toContain(groupOf('ClusterServersAutoScalingGroup'));
    expect(dependsOn('ClusterMonitoringgeneralBelowMinimum')).toContain(groupOf('ClustergeneralAutoScalingGroup'));
  });

  it('treats a missing leader metric as no leader, for 5 minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        Match.objectLike({
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({ Namespace: NOMAD_NAMESPACE, MetricName: SERVER_METRICS.readyEvaluations }),
            Stat: 'SampleCount',
          }),
        }),
      ],
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 5,
      TreatMissingData: 'breaching',
    });
  });

  it('watches only metrics the stack publishes in its alarms', () => {
    for (const metric of alarmMetrics(template)) {
      const [namespace = '', rest = ''] = metric.split(/\/(?=[^/]*$)/);
      expect(KNOWN[namespace], metric).toContain(rest.split(' ')[0]);
    }
  });

  it('alarms when a pool has fewer instances in service than its minimum (2), and not for a pool whose minimum is 0', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: [
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'GroupInServiceInstances' }) }),
        }),
      ],
      Threshold: 2,
      ComparisonOperator: 'LessThanThreshold',
      AlarmDescription: Match.stringLikeRegexp('^The client pool general has had fewer than its minimum of 2'),
    });
  });

  it('creates a KMS-encrypted, TLS-only topic with the e-mail subscription, and lets CloudWatch use the key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'CloudWatchAlarmsToTheAlarmTopic',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
  });

  it('counts Spot interruption warnings with an EventBridge rule', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] },
    });
  });

  it('notifies a topic it is given, and creates none', () => {
    const stack = newStack();
    const topic = new sns.Topic(stack, 'Ops');
    const cluster = new NomadCluster(stack, 'Cluster', {
      clusterName: 'prod',
      monitoring: { alarmTopic: topic, dashboard: false },
    });
    const watch = cluster.monitoring as NomadMonitoring;
    expect(watch.alarmTopic).toBe(topic);
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::SNS::Topic', 1);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(
      Object.values(t.findResources('AWS::CloudWatch::Alarm')).every(
        (alarm) =>
          cfnValues(alarm.Properties.AlarmActions)?.toString() ===
          `\${${stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic)}}`,
      ),
    ).toBe(true);
  });

  it('is off with monitoring: false, and can be created on its own then', () => {
    const stack = newStack();
    const cluster = new NomadCluster(stack, 'Cluster', { clusterName: 'prod', monitoring: false });
    expect(cluster.monitoring).toBeUndefined();
    cluster.addClientPool('general', { minCapacity: 1 });
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    t.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    t.resourceCountIs('AWS::SNS::Topic', 0);

    const other = newStack();
    const unwatched = new NomadCluster(other, 'Cluster', { clusterName: 'prod', monitoring: false });
    const pool = unwatched.addClientPool('general', { minCapacity: 1 });
    const watch = new NomadMonitoring(other, 'Monitoring', { cluster: unwatched, dashboardName: 'ops' });
    expect(watch.alarms.map((alarm) => alarm.alarm.node.id)).toContain(`${pool.node.id}BelowMinimum`);
    Template.fromStack(other).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'ops' });
  });

  it('rejects an e-mail with a topic of yours, an address that is not one, and periods that are not whole minutes', () => {
    const stack = newStack();
    const cluster = new NomadCluster(stack, 'Cluster', { clusterName: 'prod', monitoring: false });
    const topic = new sns.Topic(stack, 'Ops');
    expect(
      () => new NomadMonitoring(stack, 'A', { cluster, alarmTopic: topic, alarmEmail: 'ops@example.com' }),
    ).toThrow(
      /A\.alarmEmail: expected alarmEmail only when the monitoring creates its topic, received it with alarmTopic/,
    );
    expect(() => new NomadMonitoring(stack, 'B', { cluster, alarmEmail: 'ops' })).toThrow(
      /B\.alarmEmail: expected an e-mail address such as ops@example\.com, received "ops"/,
    );
    expect(() => new NomadMonitoring(stack, 'C', { cluster, bootFailurePeriod: Duration.seconds(90) })).toThrow(
      /C\.bootFailurePeriod: expected whole minutes from 5 to 1440, received 1 minute 30 seconds/,
    );
  });
});
