import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { NomadCluster, NomadError, type NomadUiOptions } from '../../src';
import { newStack } from '../helpers';

const REGION = { region: 'eu-west-1' };

function uiStack(env: { region: string } | undefined, extra: Partial<NomadUiOptions> = {}) {
  const stack = newStack(env ? { env } : {});
  const certificate = acm.Certificate.fromCertificateArn(
    stack,
    'Cert',
    'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
  );
  const cluster = new NomadCluster(stack, 'Cluster', { ui: { certificate, ...extra } });
  return { stack, cluster, template: Template.fromStack(stack) };
}

function accessLogAttributes(template: Template): Record<string, unknown> {
  const [lb] = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::LoadBalancer')) as {
    Properties: { LoadBalancerAttributes: { Key: string; Value: unknown }[] };
  }[];
  return Object.fromEntries(
    (lb?.Properties.LoadBalancerAttributes ?? [])
      .filter((a) => a.Key.startsWith('access_logs'))
      .map((a) => [a.Key, a.Value]),
  );
}

describe('UI load balancer access logs', () => {
  it('go by default to a new encrypted, TLS-only, versioned bucket that outlives the stack', () => {
    const { template, cluster, stack } = uiStack(REGION);
    expect(accessLogAttributes(template)).toMatchObject({
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.prefix': '',
    });
    const bucketId = stack.getLogicalId(cluster.ui?.accessLogsBucket?.node.defaultChild as s3.CfnBucket);
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Action: 's3:PutObject' }),
        ]),
      },
    });
  });

  it('go to your bucket and prefix when given', () => {
    const stack = newStack({ env: REGION });
    const bucket = new s3.Bucket(stack, 'Logs', { enforceSSL: true });
    const certificate = acm.Certificate.fromCertificateArn(
      stack,
      'Cert',
      'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
    );
    const cluster = new NomadCluster(stack, 'Cluster', {
      ui: { certificate, accessLogs: { bucket, prefix: 'nomad-ui' } },
    });
    const template = Template.fromStack(stack);
    expect(cluster.ui?.accessLogsBucket).toBe(bucket);
    expect(accessLogAttributes(template)).toMatchObject({ 'access_logs.s3.prefix': 'nomad-ui' });
    // Yours and the artifact bucket.
    template.resourceCountIs('AWS::S3::Bucket', 2);
  });

  it('are off with accessLogs: false, with no bucket and no warning', () => {
    const { template, cluster, stack } = uiStack(REGION, { accessLogs: false });
    expect(accessLogAttributes(template)).toEqual({});
    expect(cluster.ui?.accessLogsBucket).toBeUndefined();
    // The artifact bucket only.
    template.resourceCountIs('AWS::S3::Bucket', 1);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('access logs'));
  });

  it('are off with a warning that says why in a stack without a region', () => {
    const { template, stack } = uiStack(undefined);
    expect(accessLogAttributes(template)).toEqual({});
    Annotations.fromStack(stack).hasWarning(
      '/Test/Cluster/Ui',
      Match.stringLikeRegexp('keeps no access logs: this stack has no region'),
    );
  });

  it('asked for explicitly in a stack without a region, fail early and say how to fix it', () => {
    const stack = newStack();
    const bucket = new s3.Bucket(stack, 'Logs');
    const certificate = acm.Certificate.fromCertificateArn(
      stack,
      'Cert',
      'arn:aws:acm:eu-west-1:111111111111:certificate/00000000-0000-0000-0000-000000000000',
    );
    let error: unknown;
    try {
      new NomadCluster(stack, 'Cluster', { ui: { certificate, accessLogs: { bucket } } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NomadError);
    expect((error as Error).message).toMatch(/accessLogs.*set env\.region on the stack, or pass accessLogs: false/);
  });
});
