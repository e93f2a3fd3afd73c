import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { createReferenceApp } from '../../src/reference-app';

const UI_CONTEXT = {
  'nomad:domainName': 'nomad.example.com',
  'nomad:hostedZoneId': 'Z0123456789',
  'nomad:hostedZoneName': 'example.com',
  'nomad:allowedCidrs': '203.0.113.0/24',
  'nomad:alarmEmail': 'ops@example.com',
};

const { stack } = createReferenceApp({ context: UI_CONTEXT, uiRegion: 'eu-west-1' });
const template = Template.fromStack(stack);
const id = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as never);

describe('observability in the reference app', () => {
  it('runs Prometheus and Grafana as NomadJobs on the observability pool, once its instance is up', () => {
    const { observability } = stack;
    expect(observability.pool.nodePool).toBe('observability');
    expect(observability.pool.hostVolumes.map((volume) => volume.name)).toEqual(['prometheus-data', 'grafana-data']);
    for (const job of [observability.prometheusJob, observability.grafanaJob]) {
      expect(job.nodePool).toBe('observability');
      const resource = template.toJSON().Resources[id(job.resource)];
      expect(resource.DependsOn).toContain(id(observability.pool.autoScalingGroup));
    }
  });

  it("gives the trainer the Pushgateway's URL from Nomad's service catalog", () => {
    const properties = template.toJSON().Resources[id(stack.jobs.trainer.resource)].Properties as { Job: string };
    const job = JSON.parse(properties.Job).Job as {
      TaskGroups: { Tasks: { Templates?: Record<string, unknown>[] }[] }[];
    };
    expect(job.TaskGroups[0]?.Tasks[0]?.Templates).toEqual([
      expect.objectContaining({
        DestPath: 'local/pushgateway.env',
        EmbeddedTmpl: expect.stringContaining('{{ range nomadService "pushgateway" }}PUSHGATEWAY_URL=http://'),
        Envvars: true,
        ChangeMode: 'noop',
      }),
    ]);
  });

  it('serves Grafana under /grafana on the UI load balancer, behind its allowed networks', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/grafana', '/grafana/*'] } }],
    });
    template.hasOutput('*', { Value: 'https://nomad.example.com/grafana/' });
  });

  it('alarms to the encrypted topic, with the e-mail subscription from -c nomad:alarmEmail, and a runbook per alarm', () => {
    const monitoring = stack.cluster.monitoring;
    expect(monitoring?.alarms.map((alarm) => alarm.alarm.node.id).sort()).toEqual(
      [
        'NoLeader',
        'ServersMissing',
        'BlockedEvaluations',
        'LoadBalancer5xx',
        'UnhealthyServers',
        'generalBelowMinimum',
        'generalBootFailures',
        'spotBelowMinimum',
        'spotBootFailures',
        'observabilityBelowMinimum',
        'observabilityBootFailures',
        'GrafanaUnhealthy',
        'CertificateExpiry',
        'IngressUnhealthy',
        'SnapshotFailed',
      ].sort(),
    );
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmDescription).toContain('. Runbook: ');
      expect(alarm.Properties.AlarmActions).toHaveLength(1);
    }
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });
});
