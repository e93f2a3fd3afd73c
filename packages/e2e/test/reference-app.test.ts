import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { suppressReferenceFindings } from '../src/nag-suppressions';
import { createReferenceApp, E2E_PACKAGE_DIR, REFERENCE_STACK_NAME } from '../src/reference-app';
import { synthesizeWithNag } from '../src/synth-summary';

const UI_CONTEXT = {
  'nomad:domainName': 'nomad.example.com',
  'nomad:hostedZoneId': 'Z0123456789',
  'nomad:hostedZoneName': 'example.com',
  'nomad:allowedCidrs': '203.0.113.0/24, 198.51.100.0/24',
};

// Both variants synthesized once, with cdk-nag applied, and shared by the assertions below.
let defaultStack: ReturnType<typeof createReferenceApp>['stack'] | undefined;
const summary = synthesizeWithNag(() => {
  const created = createReferenceApp();
  suppressReferenceFindings(created.stack.cluster);
  defaultStack = created.stack;
  return created.app;
});
const template = Template.fromJSON(
  JSON.parse(readFileSync(join(summary.outdir, `${REFERENCE_STACK_NAME}.template.json`), 'utf8')),
);
let uiStack: ReturnType<typeof createReferenceApp>['stack'] | undefined;
const uiSummary = synthesizeWithNag(() => {
  const created = createReferenceApp({ context: UI_CONTEXT, uiRegion: 'eu-west-1' });
  suppressReferenceFindings(created.stack.cluster);
  uiStack = created.stack;
  return created.app;
});
const uiTemplate = Template.fromJSON(
  JSON.parse(readFileSync(join(uiSummary.outdir, `${REFERENCE_STACK_NAME}.template.json`), 'utf8')),
);

const autoScalingGroups = (t: Template) => Object.values(t.findResources('AWS::AutoScaling::AutoScalingGroup'));

describe('cdk.json', () => {
  const cdkJson = JSON.parse(readFileSync(join(E2E_PACKAGE_DIR, 'cdk.json'), 'utf8'));

  it('runs bin/reference-app.ts with every currently recommended feature flag, and telemetry off', () => {
    expect(cdkJson.app).toBe('npx tsx bin/reference-app.ts');
    const { 'cli-telemetry': telemetry, ...flags } = cdkJson.context;
    expect(telemetry).toBe(false);
    expect(flags).toEqual(CURRENTLY_RECOMMENDED_FLAGS);
  });
});

describe('the reference stack', () => {
  it('is environment-agnostic without a UI (no credentials needed to synthesize)', () => {
    expect(defaultStack?.environment).toBe('aws://unknown-account/unknown-region');
    expect(uiStack?.region).toBe('eu-west-1');
  });

  it('runs 3 servers, an On-Demand pool and a Spot pool', () => {
    const groups = autoScalingGroups(template);
    expect(groups).toHaveLength(3);
    const byRole = (role: string) =>
      groups.filter((group) =>
        group.Properties.Tags.some(
          (tag: { Key: string; Value: string }) => tag.Key === 'NomadRole' && tag.Value === role,
        ),
      );
    expect(byRole('server').map((group) => group.Properties.MinSize)).toEqual(['3']);
    const distributions = byRole('client').map(
      (group) => group.Properties.MixedInstancesPolicy.InstancesDistribution.OnDemandPercentageAboveBaseCapacity,
    );
    expect(distributions.sort()).toEqual([0, 100]);
  });

  it('has scanned, immutable, expiring ECR repositories for the two sample images', () => {
    const repositories = Object.values(template.findResources('AWS::ECR::Repository'));
    expect(repositories).toHaveLength(2);
    for (const repository of repositories) {
      expect(repository.Properties).toMatchObject({
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
      });
      const policy = JSON.parse(repository.Properties.LifecyclePolicy.LifecyclePolicyText);
      expect(policy.rules.map((rule: { selection: unknown }) => rule.selection)).toEqual([
        { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 7, countUnit: 'days' },
        { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 },
      ]);
      expect(repository.DeletionPolicy).toBe('Retain');
    }
  });

  it('has a versioned, encrypted, TLS-only data bucket with lifecycle rules and access logs', () => {
    const id = defaultStack?.getLogicalId(defaultStack.dataBucket.node.defaultChild as never) ?? '';
    const bucket = template.findResources('AWS::S3::Bucket')[id];
    expect(bucket?.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { LogFilePrefix: 'data-bucket/' },
    });
    expect(bucket?.Properties.LifecycleConfiguration.Rules.map((rule: { Id: string }) => rule.Id)).toEqual([
      'abort-incomplete-uploads',
      'expire-old-versions',
      'models-to-infrequent-access',
    ]);
    expect(bucket?.DeletionPolicy).toBe('Retain');
    const policy = Object.values(template.findResources('AWS::S3::BucketPolicy')).find(
      (candidate) => candidate.Properties.Bucket.Ref === id,
    );
    expect(policy?.Properties.PolicyDocument.Statement).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]),
    );
  });

  it('lets the clients pull from both repositories and use the data bucket', () => {
    const pools = defaultStack?.cluster.pools ?? [];
    expect(pools.map((pool) => pool.nodePool)).toEqual(['general', 'spot']);
    const policies = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policies).toContain('ecr:BatchGetImage');
    expect(policies).toContain('s3:PutObject');
  });

  it('has an internet-facing HTTPS UI on the domain from context, logging to the access logs bucket', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    uiTemplate.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'access_logs.s3.enabled', Value: 'true' }]),
    });
    uiTemplate.hasResourceProperties('AWS::CertificateManager::Certificate', { DomainName: 'nomad.example.com' });
    const ingress = JSON.stringify([
      ...Object.values(uiTemplate.findResources('AWS::EC2::SecurityGroup')).map(
        (group) => group.Properties.SecurityGroupIngress,
      ),
      ...Object.values(uiTemplate.findResources('AWS::EC2::SecurityGroupIngress')),
    ]);
    expect(ingress).toContain('203.0.113.0/24');
    expect(ingress).toContain('198.51.100.0/24');
    expect(ingress).not.toContain('0.0.0.0/0');
  });

  it('throws a clear error for an incomplete UI context', () => {
    expect(() => createReferenceApp({ context: { 'nomad:domainName': 'nomad.example.com' } })).toThrow(
      'nomad:domainName is set: also set nomad:hostedZoneId, nomad:hostedZoneName and nomad:allowedCidrs (comma-separated CIDRs).',
    );
  });
});

describe('cdk-nag AwsSolutions on the reference app', () => {
  it.each([
    ['without a UI', () => summary],
    ['with the UI', () => uiSummary],
  ])('finds no unsuppressed error or warning %s', (_, result) => {
    expect(result().findings.filter((finding) => finding.suppressedBecause === undefined)).toEqual([]);
    expect(result().stacks.flatMap((stack) => [...stack.errors, ...stack.warnings])).toEqual([]);
  });

  it('suppresses only on resources (never a whole stack), each with a reason', () => {
    for (const finding of summary.findings) {
      expect(finding.path).toMatch(
        /^NomadReference\/Nomad\/(Servers|general|spot)\/(InstanceRole\/DefaultPolicy|AutoScalingGroup\/ASG)\/?/,
      );
      expect(finding.suppressedBecause?.length ?? 0).toBeGreaterThan(40);
    }
    const rules = summary.findings.map(
      (finding) => `${finding.ruleId}${finding.failedRule ? `(${finding.failedRule})` : ''} ${finding.findingId}`,
    );
    const dataBucket = defaultStack?.getLogicalId(defaultStack.dataBucket.node.defaultChild as never);
    expect(rules.sort()).toEqual(
      [
        ...['Servers', 'general', 'spot'].map(() => 'AwsSolutions-AS3 '),
        ...['Servers', 'general', 'spot'].map(() => 'AwsSolutions-IAM5 Resource::*'),
        ...['general', 'spot'].map(() => `AwsSolutions-IAM5 Resource::<${dataBucket}.Arn>/*`),
        ...['general', 'spot'].map(() => 'CdkNagValidationFailure(AwsSolutions-EC26) '),
      ].sort(),
    );
    const stackMetadata = JSON.stringify(template.toJSON().Metadata ?? {});
    expect(stackMetadata).not.toContain('cdk_nag');
  });
});
