// biome-ignore-all lint/suspicious/noExplicitAny: CloudFormation and hcl2json output is untyped JSON, read by path here.
import { parse } from '@cdktn/hcl2json';
import { awsWebIdentity } from '@org/jobspec-builder';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AWS_IDENTITY_NAME, NomadCluster, STS_AUDIENCE } from '../../src';
import {
  cfnValues,
  newStack,
  policyStatements,
  shellcheck,
  userDataAsDeployed,
  userDataFile,
  userDataOf,
} from '../helpers';

function clusterWithWorkloadIdentity() {
  const stack = newStack();
  const cluster = new NomadCluster(stack, 'Cluster', { clusterName: 'prod', workloadIdentity: {} });
  cluster.addClientPool('general');
  const trainer = cluster.addWorkloadRole('Trainer', { job: 'trainer' });
  const exact = cluster.addWorkloadRole('Web', { namespace: 'apps', job: 'web', group: 'web', task: 'nginx' });
  const bucket = new s3.Bucket(stack, 'Data');
  bucket.grantRead(trainer);
  return { stack, cluster, trainer, exact, template: Template.fromStack(stack) };
}

const { cluster, template } = clusterWithWorkloadIdentity();
const one = (type: string) => {
  const resources = Object.entries(template.findResources(type));
  expect(resources, type).toHaveLength(1);
  return resources[0] as [string, { Properties: Record<string, unknown> }];
};
const [distributionId, distribution] = one('AWS::CloudFront::Distribution');
const [bucketId] = Object.entries(template.findResources('AWS::S3::Bucket')).find(([id]) =>
  id.startsWith('ClusterWorkloadIdentityBucket'),
) as [string, unknown];
const ISSUER_HOST = `\${${distributionId}.DomainName}`;

describe('NomadCluster workloadIdentity', () => {
  it('creates an IAM OIDC provider for the issuer https://<distribution>, audience sts.amazonaws.com, no thumbprints', () => {
    const [, provider] = one('AWS::IAM::OIDCProvider');
    expect(cfnValues(provider.Properties)).toEqual({
      Url: `https://${ISSUER_HOST}`,
      ClientIdList: ['sts.amazonaws.com'],
      Tags: [{ Key: 'NomadCluster', Value: 'prod' }],
    });
  });

  it('serves the issuer bucket through CloudFront only: HTTPS, GET and HEAD, origin access control', () => {
    const config = cfnValues(distribution.Properties.DistributionConfig) as Record<string, any>;
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD'],
      // CachingOptimized: the servers' Cache-Control max-age=300 decides how long a copy is served.
      CachePolicyId: '658327ea-f89d-4fab-a63d-7e88639e58f6',
      Compress: true,
    });
    expect(config.Enabled).toBe(true);
    expect(config.PriceClass).toBe('PriceClass_100');
    expect(config.Origins).toHaveLength(1);
    expect(config.Origins[0].S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(config.Origins[0].OriginAccessControlId).toMatch(
      /^\$\{ClusterWorkloadIdentityDistributionOrigin1S3OriginAccessControl[A-F0-9]+\.Id\}$/,
    );
    const [, control] = one('AWS::CloudFront::OriginAccessControl');
    expect(control.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
  });

  it('keeps the issuer bucket private: public access blocked, S3-managed encryption, TLS only, read by the distribution only', () => {
    template.hasResource('AWS::S3::Bucket', {
      Properties: {
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    const policies = Object.values(template.findResources('AWS::S3::BucketPolicy')).filter(
      (policy) => cfnValues(policy.Properties.Bucket) === `\${${bucketId}}`,
    );
    expect(policies).toHaveLength(1);
    const statements = cfnValues((policies[0] as any).Properties.PolicyDocument.Statement) as Record<string, any>[];
    expect(statements).toEqual([
      {
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Resource: [`\${${bucketId}.Arn}`, `\${${bucketId}.Arn}/*`],
      },
      {
        Action: 's3:GetObject',
        Condition: {
          StringEquals: {
            'AWS:SourceArn': `arn:\${AWS::Partition}:cloudfront::\${AWS::AccountId}:distribution/\${${distributionId}}`,
          },
        },
        Effect: 'Allow',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Resource: `\${${bucketId}.Arn}/*`,
      },
    ]);
  });

  it('lets the servers write exactly the two documents, and nothing else of the bucket', () => {
    const statements = policyStatements(template, 'ClusterServers').filter((statement) => statement.includes(bucketId));
    expect(statements).toEqual([
      `Allow s3:PutObject on \${${bucketId}.Arn}/.well-known/jwks.json,\${${bucketId}.Arn}/.well-known/openid-configuration`,
    ]);
    // Clients get nothing of it.
    expect(policyStatements(template, 'Clustergeneral').filter((statement) => statement.includes(bucketId))).toEqual(
      [],
    );
  });

  it('trusts exactly the workload: aud sts.amazonaws.com and its sub claim (any group and task when not given)', () => {
    const trustOf = (prefix: string) => {
      const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith(prefix));
      expect(roles).toHaveLength(1);
      return (roles[0] as [string, any])[1].Properties;
    };
    const provider = `\${${one('AWS::IAM::OIDCProvider')[0]}}`;
    const trainer = trustOf('ClusterWorkloadIdentityTrainerRole');
    expect(cfnValues(trainer.AssumeRolePolicyDocument)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRoleWithWebIdentity',
          Effect: 'Allow',
          Principal: { Federated: provider },
          Condition: {
            StringEquals: `\${${cfnJsonId('ClusterWorkloadIdentityTrainerStringEquals')}.Value}`,
            StringLike: `\${${cfnJsonId('ClusterWorkloadIdentityTrainerStringLike')}.Value}`,
          },
        },
      ],
    });
    expect(trainer.MaxSessionDuration).toBe(3600);
    expect(cfnJsonValue('ClusterWorkloadIdentityTrainerStringEquals')).toEqual({
      [`${ISSUER_HOST}:aud`]: 'sts.amazonaws.com',
    });
    expect(cfnJsonValue('ClusterWorkloadIdentityTrainerStringLike')).toEqual({
      [`${ISSUER_HOST}:sub`]: 'global:default:trainer:*:*:aws',
    });
    const web = trustOf('ClusterWorkloadIdentityWebRole');
    expect(cfnValues(web.AssumeRolePolicyDocument.Statement[0].Condition)).toEqual({
      StringEquals: `\${${cfnJsonId('ClusterWorkloadIdentityWebStringEquals')}.Value}`,
    });
    expect(cfnJsonValue('ClusterWorkloadIdentityWebStringEquals')).toEqual({
      [`${ISSUER_HOST}:aud`]: 'sts.amazonaws.com',
      [`${ISSUER_HOST}:sub`]: 'global:apps:web:web:nginx:aws',
    });
    // What the role may do is what it was granted, nothing more.
    expect(policyStatements(template, 'ClusterWorkloadIdentityTrainerRole')).toEqual([
      'Allow s3:GetBucket*,s3:GetObject*,s3:List* on ${Data666C94C7.Arn},${Data666C94C7.Arn}/*',
    ]);
  });

  it('sets the servers oidc_issuer to the distribution and client_introduction enforcement "warn"; publishes from the servers', async () => {
    const userData = userDataOf(template, 'ClusterServersLaunchTemplate');
    const hcl = userDataFile(userData, '/etc/nomad.d/nomad.hcl');
    const server = ((await parse('nomad.hcl', hcl)) as any).server[0];
    expect(server.oidc_issuer).toBe(`https://${ISSUER_HOST}`);
    expect(server.client_introduction).toEqual([{ enforcement: 'warn' }]);
    const env = userDataFile(userData, '/etc/nomad-bootstrap/bootstrap.env');
    expect(env).toContain(`NOMAD_OIDC_ISSUER='https://${ISSUER_HOST}'`);
    expect(env).toContain(`NOMAD_OIDC_BUCKET='\${${bucketId}}'`);
    // Clients neither publish nor name the issuer.
    expect(userDataOf(template, 'ClustergeneralLaunchTemplate')).not.toContain('NOMAD_OIDC');
  });

  it('passes shellcheck as the servers and clients run their user data', () => {
    for (const prefix of ['ClusterServersLaunchTemplate', 'ClustergeneralLaunchTemplate']) {
      expect(shellcheck(userDataAsDeployed(userDataOf(template, prefix)), 'user-data.sh')).toBe('');
    }
  });

  it('versions the issuer bucket (old versions expire after 7 days) and, with accessLogsBucket, logs the bucket and the distribution', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LifecycleConfiguration: {
        Rules: [{ Id: 'expire-old-versions', NoncurrentVersionExpiration: { NoncurrentDays: 7 }, Status: 'Enabled' }],
      },
    });
    expect((distribution.Properties.DistributionConfig as Record<string, unknown>).Logging).toBeUndefined();
    const stack = newStack();
    const logs = new s3.Bucket(stack, 'Logs', { objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED });
    new NomadCluster(stack, 'Cluster', { workloadIdentity: { accessLogsBucket: logs } });
    const logged = Template.fromStack(stack);
    const logsId = stack.getLogicalId(logs.node.defaultChild as s3.CfnBucket);
    logged.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'nomad-oidc-issuer/' },
    });
    logged.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: {
        Logging: { Bucket: { 'Fn::GetAtt': [logsId, 'RegionalDomainName'] }, Prefix: 'nomad-oidc-issuer-cloudfront/' },
      },
    });
  });

  it('exposes the issuer URL', () => {
    expect(cluster.workloadIdentity?.issuerUrl).toMatch(/^https:\/\/\$\{Token\[/);
  });
});

describe('NomadCluster without workloadIdentity', () => {
  const stack = newStack();
  const plain = new NomadCluster(stack, 'Cluster');
  plain.addClientPool('general');
  const plainTemplate = Template.fromStack(stack);

  it('creates no provider, distribution or issuer bucket, sets no oidc_issuer, still sets client_introduction "warn"', async () => {
    plainTemplate.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    plainTemplate.resourceCountIs('AWS::CloudFront::Distribution', 0);
    const hcl = userDataFile(userDataOf(plainTemplate, 'ClusterServersLaunchTemplate'), '/etc/nomad.d/nomad.hcl');
    const server = ((await parse('nomad.hcl', hcl)) as any).server[0];
    expect(server.oidc_issuer).toBeUndefined();
    expect(server.client_introduction).toEqual([{ enforcement: 'warn' }]);
    expect(hcl).not.toContain('oidc-issuer.nomad-constructs.invalid');
  });

  it('throws for addWorkloadRole, saying to set workloadIdentity', () => {
    expect(() => plain.addWorkloadRole('Trainer', { job: 'trainer' })).toThrowErrorMatchingInlineSnapshot(
      `[NomadError: Invalid call at Test/Cluster.addWorkloadRole: expected a cluster with workloadIdentity, received one without. Set workloadIdentity: {} on the cluster (it publishes the OIDC issuer AWS STS trusts).]`,
    );
  });
});

describe('addWorkloadRole', () => {
  it("trusts by default the identity jobspec-builder's awsWebIdentity() asks for (name and audience)", () => {
    const { identity } = awsWebIdentity({ roleArn: 'arn:aws:iam::1:role/r' });
    expect(identity.name).toBe(DEFAULT_AWS_IDENTITY_NAME);
    expect(identity.aud).toEqual([STS_AUDIENCE]);
    expect(identity.file).toBe(true);
  });

  it('rejects names that are not literal parts of the sub claim, and a task without its group', () => {
    const { cluster: other } = clusterWithWorkloadIdentity();
    expect(() => other.addWorkloadRole('Any', { job: '*' })).toThrowErrorMatchingInlineSnapshot(
      `[NomadError: Invalid prop at Test/Cluster/WorkloadIdentity/Any.job: expected 1 to 128 letters, digits or "._/-", received "*". The role trusts the workload's sub claim "<region>:<namespace>:<job>:<group>:<task>:<identity>", so its parts must be literal names without ":", "*" or "?".]`,
    );
    expect(() => other.addWorkloadRole('Colon', { job: 'a', namespace: 'x:y' })).toThrow(
      /WorkloadIdentity\/Colon\.namespace/,
    );
    expect(() => other.addWorkloadRole('TaskOnly', { job: 'a', task: 'b' })).toThrowErrorMatchingInlineSnapshot(
      `[NomadError: Invalid prop at Test/Cluster/WorkloadIdentity/TaskOnly.group: expected the group of task "b", received none. Set group too (a task name alone would match that task in any group).]`,
    );
  });
});

function cfnJsonId(prefix: string): string {
  const ids = Object.keys(template.findResources('Custom::AWSCDKCfnJson')).filter((id) => id.startsWith(prefix));
  expect(ids, prefix).toHaveLength(1);
  return ids[0] as string;
}

function cfnJsonValue(prefix: string): unknown {
  const resource = template.findResources('Custom::AWSCDKCfnJson')[cfnJsonId(prefix)] as any;
  // The value is a Fn::Join of JSON text with the issuer's host name: joined, it is the JSON CloudFormation resolves.
  return JSON.parse(cfnValues(resource.Properties.Value) as string);
}
