import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { NagSuppressions } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { hasProblems, synthesizeWithNag } from '../src/synth-summary';

/**
 * A stack with violations cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs are known to report,
 * to prove the checks are wired (a misconfigured pack would pass everything: cdk-nag 3.x on
 * aws-cdk-lib 2.257 does).
 */
function fixtureApp(): App {
  const app = new App();
  const stack = new Stack(app, 'Fixture');
  // S1 (no access logs), S10 (no TLS-only policy).
  new s3.Bucket(stack, 'Bucket', { blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    natGateways: 0,
    maxAzs: 1,
    subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }],
  });
  // EC23: SSH open to the world (and VPC7: no flow log).
  const group = new ec2.SecurityGroup(stack, 'Open', { vpc });
  group.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));
  // IAM5: wildcard action and resource; IAM4: an AWS managed policy.
  const role = new iam.Role(stack, 'Role', {
    assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('ReadOnlyAccess')],
  });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
  // NIST: CloudWatchLogGroupEncrypted (no KMS key), CloudWatchLogGroupRetentionPeriod (kept forever).
  new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.INFINITE });
  return app;
}

describe('cdk-nag wiring (AwsSolutions and NIST 800-53 rev 5)', () => {
  it('reports the known violations of a fixture stack as unsuppressed errors', () => {
    const summary = synthesizeWithNag(fixtureApp);
    const found = summary.findings
      .filter((finding) => finding.suppressedBecause === undefined)
      .map((finding) => `${finding.ruleId} ${finding.path}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'AwsSolutions-S1 Fixture/Bucket/Resource',
        'AwsSolutions-S10 Fixture/Bucket/Resource',
        'AwsSolutions-EC23 Fixture/Open/Resource',
        'AwsSolutions-VPC7 Fixture/Vpc/Resource',
        'AwsSolutions-IAM4 Fixture/Role/Resource',
        'AwsSolutions-IAM5 Fixture/Role/DefaultPolicy/Resource',
        'NIST.800.53.R5-CloudWatchLogGroupEncrypted Fixture/Logs/Resource',
        'NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod Fixture/Logs/Resource',
        'NIST.800.53.R5-IAMNoInlinePolicy Fixture/Role/DefaultPolicy/Resource',
        'NIST.800.53.R5-S3BucketVersioningEnabled Fixture/Bucket/Resource',
      ]),
    );
    expect(hasProblems(summary)).toBe(true);
  });

  it('counts a suppressed finding as suppressed, with its reason', () => {
    const summary = synthesizeWithNag(() => {
      const app = fixtureApp();
      const bucket = app.node.findAll().find((construct) => construct.node.path === 'Fixture/Bucket');
      if (bucket === undefined) {
        throw new Error('no bucket');
      }
      NagSuppressions.addResourceSuppressions(bucket, [
        { id: 'AwsSolutions-S1', reason: 'A fixture bucket that receives no traffic.' },
      ]);
      return app;
    });
    expect(summary.findings.find((finding) => finding.ruleId === 'AwsSolutions-S1')).toEqual({
      ruleId: 'AwsSolutions-S1',
      level: 'Error',
      path: 'Fixture/Bucket/Resource',
      findingId: '',
      suppressedBecause: 'A fixture bucket that receives no traffic.',
    });
  });
});
