import { Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { describe, expect, it } from 'vitest';
import { NomadCluster } from '../../src';
import { NomadObservability } from '../../src/observability/nomad-observability';
import { cfnValues, ingressRules, newStack, policyStatements } from '../helpers';

function observed(options: { ui?: boolean } = {}) {
  const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
  const cluster = new NomadCluster(stack, 'Cluster', {
    clusterName: 'prod',
    ui: options.ui
      ? {
          certificate: acm.Certificate.fromCertificateArn(
            stack,
            'Cert',
            'arn:aws:acm:eu-west-1:123456789012:certificate/abc',
          ),
          accessLogs: false,
        }
      : undefined,
  });
  cluster.addClientPool('general');
  const pool = cluster.addClientPool('observability', { hostVolumes: NomadObservability.hostVolumes() });
  const observability = new NomadObservability(stack, 'Observability', {
    cluster,
    pool,
    scrapeServices: ['hello-world'],
  });
  return { stack, cluster, pool, observability, template: Template.fromStack(stack) };
}

describe('NomadObservability', () => {
  const { stack, observability, template } = observed({ ui: true });

  it('deploys Prometheus and Grafana as NomadJobs on the observability pool', () => {
    expect(observability.prometheusJob.jobId).toBe('prometheus');
    expect(observability.grafanaJob.jobId).toBe('grafana');
    expect(observability.prometheusJob.nodePool).toBe('observability');
    expect(observability.grafanaJob.nodePool).toBe('observability');
    template.resourceCountIs('Custom::NomadJob', 2);
  });

  it('lets the pool scrape every agent (4646) and the clients push to the Pushgateway, and nothing else', () => {
    const rules = ingressRules(template).filter((rule) => / (4646|9091|3000)-/.test(rule));
    const pool = (prefix: string) => rules.filter((rule) => rule.includes(`from ${prefix}`));
    expect(pool('ClusterobservabilitySecurityGroup')).toEqual([
      expect.stringMatching(/^ClusterClientSecurityGroup\w+ tcp 4646-4646 from ClusterobservabilitySecurityGroup/),
      expect.stringMatching(/^ClusterServersSecurityGroup\w+ tcp 4646-4646 from ClusterobservabilitySecurityGroup/),
    ]);
    expect(rules.filter((rule) => / 9091-9091 /.test(rule))).toEqual([
      expect.stringMatching(/^ClusterobservabilitySecurityGroup\w+ tcp 9091-9091 from ClusterClientSecurityGroup/),
    ]);
    // Grafana's port is open from the load balancer only (on the pool's instances: CDK opens it on the
    // target group's Auto Scaling group, whose instances carry the pool's and the clients' groups).
    const grafana = rules.filter((rule) => / 3000-3000 /.test(rule));
    expect(grafana.length).toBeGreaterThan(0);
    expect(grafana.every((rule) => / from ClusterUiSecurityGroup\w+$/.test(rule))).toBe(true);
  });

  it("lets the pool's role read the cluster CA and Grafana's password, and describe zones for EC2 discovery", () => {
    const statements = policyStatements(template, 'ClusterobservabilityInstanceRole').join('\n');
    expect(statements).toMatch(/^Allow [^\n]*ec2:DescribeAvailabilityZones[^\n]* on \*$/m);
    expect(statements).toMatch(/^Allow secretsmanager:GetSecretValue on [^\n]*\$\{ClusterSecretsCaCertificate\w+\}/m);
    expect(statements).toMatch(
      /^Allow secretsmanager:GetSecretValue on [^\n]*\$\{ObservabilityGrafanaAdminPassword\w+\}/m,
    );
    expect(policyStatements(template, 'ClustergeneralInstanceRole').join('\n')).not.toContain('GrafanaAdminPassword');
  });

  it('keeps the generated admin password in Secrets Manager, encrypted with the cluster key, never in the job', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { PasswordLength: 32, ExcludePunctuation: true },
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ClusterKey'), 'Arn'] },
    });
    const grafana = JSON.stringify(template.toJSON()).match(/GF_SECURITY_ADMIN_PASSWORD[^_]/g);
    expect(grafana).toBeNull();
  });

  it('routes /grafana on the UI load balancer to Grafana on the pool, health-checked on /grafana/api/health', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: 10,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/grafana', '/grafana/*'] } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 3000,
      Protocol: 'HTTP',
      HealthCheckPath: '/grafana/api/health',
    });
    const groups = template.findResources('AWS::AutoScaling::AutoScalingGroup');
    const pool = Object.entries(groups).find(([id]) => id.startsWith('ClusterobservabilityAutoScalingGroup'));
    expect(JSON.stringify(cfnValues(pool?.[1].Properties.TargetGroupARNs))).toMatch(/ObservabilityGrafanaTargets/);
    expect(observability.grafanaUrl).toMatch(/^https:\/\/.+\/grafana\/$/);
  });

  it('registers the jobs from S3 (they exceed the inline limit), with the deploy-time values filled in by CloudFormation', () => {
    const jobs = Object.values(template.findResources('Custom::NomadJob')).map((resource) => resource.Properties);
    const substitutions = jobs.map((properties) =>
      Object.values(cfnValues(properties.Substitutions) as Record<string, string>),
    );
    for (const properties of jobs) {
      expect(properties.Job).toBeUndefined();
      expect(properties.JobLocation).toBeDefined();
    }
    expect(substitutions.flat()).toEqual(
      expect.arrayContaining([
        '${AWS::Region}',
        expect.stringMatching(/^\$\{ClusterSecretsCaCertificate\w+\}$/),
        expect.stringMatching(/^\$\{ObservabilityGrafanaAdminPassword\w+\}$/),
      ]),
    );
    expect(stack.resolve(observability.grafanaUrl)).toEqual({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [expect.stringMatching(/^ClusterUiLoadBalancer/), 'DNSName'] }, '/grafana/'],
      ],
    });
  });

  it("alarms through the cluster's monitoring when Grafana fails its health check", () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'UnHealthyHostCount',
      Namespace: 'AWS/ApplicationELB',
      AlarmDescription: Match.stringLikeRegexp(
        "failed Grafana's health check .* Runbook: Run `nomad job status grafana`",
      ),
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^ClusterMonitoringAlarmTopic') }],
    });
  });

  it('without a UI, is reached through a port forward to localhost:3000', () => {
    const { observability: local, template: t } = observed();
    expect(local.grafanaUrl).toBe('http://localhost:3000/grafana/');
    expect(local.grafanaTargetGroup).toBeUndefined();
    t.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 0);
    expect(() => local.metricUnhealthyGrafana()).toThrow(/expected a cluster with a UI load balancer/);
  });

  it('rejects a pool without the data host volumes, naming the fix', () => {
    const stack2 = newStack();
    const cluster = new NomadCluster(stack2, 'Cluster', { clusterName: 'prod' });
    const pool = cluster.addClientPool('general');
    expect(() => new NomadObservability(stack2, 'Observability', { cluster, pool })).toThrow(
      /Observability\.pool: expected a pool with the writable host volumes "prometheus-data" and "grafana-data", received the pool "general" without them\. Create it with cluster\.addClientPool\('general', \{ hostVolumes: NomadObservability\.hostVolumes\(\) \}\)\./,
    );
  });
});
