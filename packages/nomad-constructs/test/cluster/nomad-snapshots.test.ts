import { parse } from '@cdktn/hcl2json';
import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import { describe, expect, it } from 'vitest';
import { NomadCluster, NomadError, SNAPSHOT_SAVER_POLICY } from '../../src';
import { SnapshotInput } from '../../src/cluster/snapshot-contract';
import { cfnText, newStack, policyStatements } from '../helpers';

const stack = newStack();
const cluster = new NomadCluster(stack, 'Cluster', { clusterName: 'prod', snapshots: {} });
const template = Template.fromStack(stack);
const id = (construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as ec2.CfnSecurityGroup);
const snapshots = cluster.snapshots as NonNullable<typeof cluster.snapshots>;

describe('NomadSnapshots', () => {
  it('keeps snapshots in a retained, versioned, KMS-encrypted, TLS-only bucket that expires them after 30 days', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[id(snapshots.bucket)];
    expect(bucket?.DeletionPolicy).toBe('Retain');
    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            BucketKeyEnabled: true,
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [id(cluster.encryptionKey), 'Arn'] },
            },
          },
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [
          { Id: 'expire-snapshots', Prefix: 'snapshots/', ExpirationInDays: 30, Status: 'Enabled' },
          { Id: 'expire-replaced-versions', NoncurrentVersionExpiration: { NoncurrentDays: 7 }, Status: 'Enabled' },
          {
            Id: 'abort-incomplete-uploads',
            AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
            Status: 'Enabled',
          },
        ],
      },
    });
    expect(bucket?.Properties.Tags).toContainEqual({ Key: 'NomadCluster', Value: 'prod' });
  });

  it('saves a snapshot every 6 hours with the schedule input the handler parses', () => {
    const rule = template.findResources('AWS::Events::Rule')[id(snapshots.schedule)];
    expect(rule?.Properties.ScheduleExpression).toBe('rate(6 hours)');
    const input = SnapshotInput.parse(JSON.parse(cfnText(rule?.Properties.Targets[0].Input)));
    expect(input).toEqual({
      serverTagKey: 'NomadServerJoin',
      serverTagValue: 'prod',
      httpPort: 4646,
      nomadRegion: 'global',
      caSecretArn: `\${${id(cluster.secrets.caCertificate)}}`,
      tokenSecretArn: `\${${id(snapshots.tokenSecret as never)}}`,
      bucketName: `\${${id(snapshots.bucket)}}`,
      prefix: 'snapshots/',
    });
  });

  it('gives the function exactly: its token and the CA, server discovery, writing snapshots (no read, no delete)', () => {
    const key = `\${${id(cluster.encryptionKey)}.Arn}`;
    expect(policyStatements(template, id(snapshots.handler.role))).toEqual(
      [
        'Allow ec2:AssignPrivateIpAddresses,ec2:CreateNetworkInterface,ec2:DeleteNetworkInterface,ec2:DescribeInstances,ec2:DescribeNetworkInterfaces,ec2:UnassignPrivateIpAddresses on *',
        `Allow kms:Decrypt on ${key} if {"StringEquals":{"kms:ViaService":"secretsmanager.\${AWS::Region}.amazonaws.com"}}`,
        `Allow kms:GenerateDataKey on ${key} if {"StringEquals":{"kms:ViaService":"s3.\${AWS::Region}.amazonaws.com"}}`,
        `Allow logs:CreateLogStream,logs:PutLogEvents on \${${id(snapshots.handler.logGroup)}.Arn}`,
        `Allow s3:PutObject on \${${id(snapshots.bucket)}.Arn}/snapshots/*`,
        `Allow secretsmanager:GetSecretValue on \${${id(cluster.secrets.caCertificate)}},\${${id(snapshots.tokenSecret as never)}}`,
      ].sort(),
    );
  });

  it('saves with a token that may save snapshots and nothing else', async () => {
    expect(await parse('snapshot.hcl', SNAPSHOT_SAVER_POLICY.rules)).toEqual({
      operator: [{ capabilities: ['snapshot-save'] }],
    });
    const acl = template.findResources('Custom::NomadAcl')[id(cluster.acl.resource)];
    expect(JSON.stringify(acl?.Properties.Tokens)).toContain('nomad-constructs-snapshot-saver');
  });

  it('alarms on a failed snapshot', () => {
    expect(cluster.monitoring?.alarms.map((alarm) => alarm.alarm.node.id)).toContain('SnapshotFailed');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: id(snapshots.handler.function) } }],
      Threshold: 1,
      Period: 21600,
    });
  });

  it('takes interval and retention, is off unless asked for, and throws for fractional hours', () => {
    const s = newStack();
    const custom = new NomadCluster(s, 'Cluster', {
      snapshots: { interval: Duration.hours(1), retention: Duration.days(90) },
    });
    const t = Template.fromStack(s);
    const customSnapshots = custom.snapshots as NonNullable<typeof custom.snapshots>;
    expect(
      t.findResources('AWS::Events::Rule')[s.getLogicalId(customSnapshots.schedule.node.defaultChild as never)]
        ?.Properties.ScheduleExpression,
    ).toBe('rate(1 hour)');
    expect(new NomadCluster(newStack(), 'Cluster').snapshots).toBeUndefined();
    expect(() => new NomadCluster(newStack(), 'Cluster', { snapshots: { interval: Duration.minutes(90) } })).toThrow(
      NomadError,
    );
  });
});
