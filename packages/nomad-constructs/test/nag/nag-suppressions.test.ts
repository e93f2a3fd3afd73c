import { join } from 'node:path';
import { Job, Size } from '@org/jobspec-builder';
import { App, Aspects, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, type INagLogger, NIST80053R5Checks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { NomadCluster, NomadImage, NomadIngress, NomadJob, NomadObservability } from '../../src';
import { addNagSuppressions } from '../../src/nag/nag-suppressions';

interface Finding {
  readonly rule: string;
  readonly finding: string;
  readonly path: string;
  readonly resource: IConstruct;
  readonly suppressed: boolean;
}

/** Synthesizes the app with cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs, as a user adds them. */
function nag(app: App): Finding[] {
  const findings: Finding[] = [];
  const logger: INagLogger = {
    onCompliance() {},
    onNotApplicable() {},
    onNonCompliance: (data) =>
      findings.push({
        rule: data.ruleId,
        finding: data.findingId,
        path: data.resource.node.path,
        resource: data.resource,
        suppressed: false,
      }),
    onSuppressed: (data) =>
      findings.push({
        rule: data.ruleId,
        finding: data.findingId,
        path: data.resource.node.path,
        resource: data.resource,
        suppressed: true,
      }),
    // A rule that could not evaluate the resource (cdk-nag 2's CdkNagValidationFailure).
    onError: (data) =>
      findings.push({
        rule: data.ruleId,
        finding: '',
        path: data.resource.node.path,
        resource: data.resource,
        suppressed: false,
      }),
    onSuppressedError: (data) =>
      findings.push({
        rule: data.ruleId,
        finding: '',
        path: data.resource.node.path,
        resource: data.resource,
        suppressed: true,
      }),
  };
  Aspects.of(app).add(new AwsSolutionsChecks({ reports: false, additionalLoggers: [logger] }));
  Aspects.of(app).add(new NIST80053R5Checks({ reports: false, additionalLoggers: [logger] }));
  app.synth();
  return findings;
}

const unsuppressed = (findings: Finding[]) =>
  findings
    .filter((finding) => !finding.suppressed)
    .map((finding) => `${finding.rule}[${finding.finding}] ${finding.path}`);

/** The README's smallest cluster (in an app with the feature flags `cdk init` sets, or without any). */
function smallestCluster(flags: Record<string, unknown> = CURRENTLY_RECOMMENDED_FLAGS): App {
  const app = new App({ context: flags });
  const stack = new Stack(app, 'Nomad');
  const cluster = new NomadCluster(stack, 'Cluster');
  cluster.addClientPool('general');
  return app;
}

/** Every construct and option that creates resources: UI, monitoring, snapshots, a NAT instance, Spot, ingress, observability, an image, a job. */
function everything(): App {
  const app = new App({ context: CURRENTLY_RECOMMENDED_FLAGS });
  const stack = new Stack(app, 'Nomad', { env: { account: '123456789012', region: 'eu-west-1' } });
  const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
    hostedZoneId: 'Z0123456789ABCDEFGHIJ',
    zoneName: 'example.com',
  });
  const cluster = new NomadCluster(stack, 'Cluster', {
    ui: { internetFacing: true, domainName: 'nomad.example.com', hostedZone: zone, allowedCidrs: ['203.0.113.0/24'] },
    monitoring: { alarmEmail: 'oncall@example.com' },
    snapshots: {},
    uiReadOnlyToken: true,
    natGatewayProvider: ec2.NatProvider.instanceV2({
      instanceType: new ec2.InstanceType('t4g.nano'),
      associatePublicIpAddress: true,
      defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
    }),
  });
  const web = cluster.addClientPool('web');
  cluster.addClientPool('batch', {
    instanceTypes: [new ec2.InstanceType('m7g.xlarge'), new ec2.InstanceType('c7g.xlarge')],
    onDemandBaseCapacity: 0,
    onDemandPercentageAboveBaseCapacity: 0,
  });
  const pool = cluster.addClientPool('observability', { hostVolumes: NomadObservability.hostVolumes() });
  new NomadObservability(stack, 'Observability', { cluster, pool });
  new NomadIngress(stack, 'Ingress', { cluster, pool: web });
  const repository = new ecr.Repository(stack, 'Repository', {
    imageScanOnPush: true,
    imageTagMutability: ecr.TagMutability.IMMUTABLE,
  });
  new NomadImage(stack, 'Image', {
    cluster,
    repository,
    directory: join(__dirname, '..', '..', 'examples', 'web'),
    architecture: ec2.InstanceArchitecture.ARM_64,
  });
  new NomadJob(stack, 'Web', {
    cluster,
    job: new Job({
      id: 'web',
      nodePool: 'web',
      groups: [
        {
          name: 'web',
          tasks: [
            {
              name: 'nginx',
              driver: 'docker',
              config: { image: 'public.ecr.aws/nginx/nginx:1.27' },
              resources: { cpu: 100, memory: Size.mebibytes(64) },
            },
          ],
        },
      ],
    }),
  });
  return app;
}

/**
 * What cdk-nag 3 checks: an acknowledgment (`Validations.of(x).acknowledge`) of `Rule` or
 * `Rule[finding]` on the resource or one of its ancestors (cdk-nag 3.0's NagPack.isAcknowledged).
 */
function acknowledgedByCdkNag3(resource: IConstruct, ruleId: string): boolean {
  for (let scope: IConstruct | undefined = resource; scope !== undefined; scope = scope.node.scope) {
    for (const entry of scope.node.metadata) {
      if (entry.type === 'aws:cdk:acknowledged-rules' && entry.data) {
        const ids = Object.keys(entry.data as Record<string, string>).map((key) => key.replace(/^annotation::/i, ''));
        if (ids.includes(ruleId)) {
          return true;
        }
      }
    }
  }
  return false;
}

describe('cdk-nag on the constructs (AwsSolutions and NIST 800-53 rev 5)', () => {
  it.each([
    ['the smallest cluster', () => smallestCluster()],
    ['the smallest cluster in an app without feature flags', () => smallestCluster({})],
    ['a cluster with every construct and option', everything],
  ])('reports no unsuppressed finding on %s', (_, build) => {
    const findings = nag(build());
    expect(unsuppressed(findings)).toEqual([]);
    // Each suppression is one reviewed finding: they exist, so the test above saw them.
    expect(findings.filter((finding) => finding.suppressed).length).toBeGreaterThan(30);
  });

  it.each([
    ['the smallest cluster', () => smallestCluster()],
    ['a cluster with every construct and option', everything],
  ])('acknowledges every finding it suppresses for cdk-nag 3 too, on %s', (_, build) => {
    const findings = nag(build()).filter((finding) => finding.suppressed);
    const missing = findings
      .map((finding) => {
        const rule = finding.rule === 'CdkNagValidationFailure' ? finding.finding : finding.rule;
        return {
          ...finding,
          id:
            finding.finding === '' || finding.rule === 'CdkNagValidationFailure' ? rule : `${rule}[${finding.finding}]`,
        };
      })
      .filter((finding) => !acknowledgedByCdkNag3(finding.resource, finding.id))
      .map((finding) => `${finding.id} ${finding.path}`);
    expect(missing).toEqual([]);
  });

  it("still reports what the user's own code adds to the constructs' resources", () => {
    const app = smallestCluster();
    const cluster = app.node.findAll().find((construct) => construct instanceof NomadCluster) as NomadCluster;
    const [pool] = cluster.pools;
    pool?.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:*'], resources: ['*'] }));
    new s3.Bucket(Stack.of(cluster), 'Bucket');
    const found = unsuppressed(nag(app));
    expect(found).toEqual(
      expect.arrayContaining([
        'AwsSolutions-IAM5[Action::s3:*] Nomad/Cluster/general/InstanceRole/DefaultPolicy/Resource',
        'AwsSolutions-S1[] Nomad/Bucket/Resource',
      ]),
    );
  });
});

describe('addNagSuppressions', () => {
  it('writes the suppressions as cdk-nag 2 metadata on the resource, in the format of NagSuppressions', () => {
    const stack = new Stack(new App(), 'Test');
    const bucket = new s3.Bucket(stack, 'Bucket');
    addNagSuppressions(bucket, [
      { id: 'AwsSolutions-S1', reason: 'The log bucket of its own logs.' },
      { id: 'AwsSolutions-EC26', reason: 'The rule cannot read this resource.', ruleCannotRun: true },
      {
        id: 'AwsSolutions-IAM5',
        reason: 'Objects need a wildcard ≥ one.',
        appliesTo: ['Resource::*', () => 'Action::s3:Get*'],
      },
    ]);
    const resource = Object.values(Template.fromStack(stack).findResources('AWS::S3::Bucket'))[0];
    expect(resource?.Metadata.cdk_nag).toEqual({
      rules_to_suppress: [
        { id: 'AwsSolutions-S1', reason: 'The log bucket of its own logs.' },
        {
          id: 'CdkNagValidationFailure',
          reason: 'The rule cannot read this resource.',
          applies_to: ['AwsSolutions-EC26'],
        },
        {
          id: 'AwsSolutions-IAM5',
          reason: Buffer.from('Objects need a wildcard ≥ one.').toString('base64'),
          is_reason_encoded: true,
          applies_to: ['Resource::*', 'Action::s3:Get*'],
        },
      ],
    });
  });

  it('puts nothing on the children of the construct unless asked', () => {
    const stack = new Stack(new App(), 'Test');
    const bucket = new s3.Bucket(stack, 'Bucket', { enforceSSL: true });
    addNagSuppressions(bucket, [{ id: 'AwsSolutions-S1', reason: 'The log bucket of its own logs.' }]);
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::S3::BucketPolicy'))[0];
    expect(policy?.Metadata).toBeUndefined();
    expect(bucket.policy?.node.defaultChild).toBeInstanceOf(CfnResource);
  });

  it('rejects a reason shorter than cdk-nag accepts', () => {
    const stack = new Stack(new App(), 'Test');
    expect(() => addNagSuppressions(stack, [{ id: 'AwsSolutions-S1', reason: 'no' }])).toThrow(
      'cdk-nag suppression AwsSolutions-S1 on Test: a reason of 10 characters or more',
    );
  });
});
