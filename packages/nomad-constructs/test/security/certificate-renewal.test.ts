import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { NomadCluster, NomadError } from '../../src';
import { CertificateRenewalInput } from '../../src/security/certificate-renewal-contract';
import { cfnText, newStack, policyStatements, userDataFile, userDataOf } from '../helpers';

const stack = newStack();
const cluster = new NomadCluster(stack, 'Cluster');
cluster.addClientPool('general');
const template = Template.fromStack(stack);
const id = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as ec2.CfnSecurityGroup);

describe('NomadCertificateRenewal', () => {
  const renewal = cluster.certificateRenewal;

  it('runs the renewal every day with the schedule input the handler parses', () => {
    const rules = template.findResources('AWS::Events::Rule', {
      Properties: { ScheduleExpression: 'rate(1 day)' },
    });
    expect(Object.keys(rules)).toEqual([id(renewal.schedule)]);
    const target = Object.values(rules)[0]?.Properties.Targets[0];
    expect(target.Arn).toEqual({ 'Fn::GetAtt': [id(renewal.handler.function), 'Arn'] });
    const input = JSON.parse(cfnText(target.Input));
    expect(CertificateRenewalInput.parse(input)).toEqual({
      caSecretArn: `\${${id(cluster.secrets.certificateAuthority)}}`,
      caCertificateSecretArn: `\${${id(cluster.secrets.caCertificate)}}`,
      serverTlsSecretArn: `\${${id(cluster.secrets.serverTls)}}`,
      clientTlsSecretArn: `\${${id(cluster.secrets.clientTls)}}`,
      nomadRegion: 'global',
      certificateValidityDays: 365,
      // 30 days by default: the overlap in which old and new certificates are both valid.
      renewBeforeDays: 30,
    });
    // The first run comes after the deploy issued the certificates.
    expect(template.toJSON().Resources[id(renewal.schedule)].DependsOn).toContain(id(cluster.secrets.keyMaterial));
  });

  it('gives the renewal function exactly: read the CA, read and write the node certificates and the CA bundle', () => {
    const handler = renewal.handler;
    const key = `\${${id(cluster.encryptionKey)}.Arn}`;
    const viaSecretsManager = '{"StringEquals":{"kms:ViaService":"secretsmanager.${AWS::Region}.amazonaws.com"}}';
    const written = [cluster.secrets.caCertificate, cluster.secrets.clientTls, cluster.secrets.serverTls];
    const ref = (secret: ec2.ISecurityGroup | { node: { defaultChild?: unknown } }) => `\${${id(secret)}}`;
    expect(policyStatements(template, id(handler.role))).toEqual(
      [
        'Allow ec2:AssignPrivateIpAddresses,ec2:CreateNetworkInterface,ec2:DeleteNetworkInterface,ec2:DescribeNetworkInterfaces,ec2:UnassignPrivateIpAddresses on *',
        `Allow kms:Decrypt,kms:Encrypt,kms:GenerateDataKey on ${key} if ${viaSecretsManager}`,
        `Allow logs:CreateLogStream,logs:PutLogEvents on \${${id(handler.logGroup)}.Arn}`,
        // Reads the CA; writes only the node certificates and the CA bundle (never the CA).
        `Allow secretsmanager:GetSecretValue on ${[...written, cluster.secrets.certificateAuthority].map(ref).sort().join(',')}`,
        `Allow secretsmanager:PutSecretValue on ${written.map(ref).sort().join(',')}`,
      ].sort(),
    );
  });

  it('alarms when a node has installed no renewed certificate two days after the renewal was due', () => {
    const alarm = cluster.monitoring?.alarms.find((entry) => entry.alarm.node.id === 'CertificateExpiry');
    expect(alarm).toBeDefined();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Nomad/Instances',
      MetricName: 'TlsCertificateDaysLeft',
      Dimensions: [{ Name: 'NomadCluster', Value: cluster.clusterName }],
      Statistic: 'Minimum',
      Period: 3600,
      Threshold: 28,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 3,
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopic') }],
      AlarmDescription: Match.stringLikeRegexp('renewal is late. Runbook: .*nomad-tls-refresh'),
    });
  });

  it('gives every node what its hourly refresh publishes the days left with (the metric the alarm reads)', () => {
    for (const prefix of ['ClusterServersLaunchTemplate', 'ClustergeneralLaunchTemplate']) {
      const env = userDataFile(userDataOf(template, prefix), '/etc/nomad-bootstrap/bootstrap.env');
      expect(env).toContain(`NOMAD_CLUSTER_NAME='${cluster.clusterName}'`);
      expect(env).toContain("NOMAD_METRICS_NAMESPACE='Nomad/Instances'");
    }
  });

  it('renews a third of the validity before expiry for short validities, and takes certificateRenewBefore', () => {
    const short = new NomadCluster(newStack(), 'Cluster', { certificateValidity: Duration.days(30) });
    expect(short.certificateRenewal.renewBefore.toDays()).toBe(10);
    const custom = new NomadCluster(newStack(), 'Cluster', { certificateRenewBefore: Duration.days(60) });
    expect(custom.certificateRenewal.renewBefore.toDays()).toBe(60);
  });

  it('throws for a renewal window that is not shorter than the validity', () => {
    const build = () =>
      new NomadCluster(newStack(), 'Cluster', {
        certificateValidity: Duration.days(30),
        certificateRenewBefore: Duration.days(30),
      });
    expect(build).toThrow(NomadError);
    expect(build).toThrow(
      'Invalid prop at Test/Cluster.certificateRenewBefore: expected whole days from 1 to less than certificateValidity (30 days), received 30 days.',
    );
  });
});
