import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Job } from '@org/jobspec-builder';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { CURRENTLY_RECOMMENDED_FLAGS } from 'aws-cdk-lib/cx-api';
import { describe, expect, it } from 'vitest';
import { ImageScanSeverity, NomadCluster, NomadError, NomadImage, NomadJob } from '../../src';
import { cfnValues, policyStatements } from '../helpers';

/** A build context: a Dockerfile that is never built here (no Docker engine), only staged. */
function buildContext(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nomad-image-'));
  writeFileSync(
    join(dir, 'Dockerfile'),
    'FROM public.ecr.aws/docker/library/node:20-slim\nCMD ["node", "--version"]\n',
  );
  return dir;
}

function setup(instanceType = 'm7i.large') {
  const app = new App({ context: CURRENTLY_RECOMMENDED_FLAGS });
  const stack = new Stack(app, 'Test');
  const cluster = new NomadCluster(stack, 'Cluster', { clusterName: 'prod' });
  const pool = cluster.addClientPool('general', { instanceTypes: [new ec2.InstanceType(instanceType)] });
  const repository = new ecr.Repository(stack, 'Repo', {
    imageScanOnPush: true,
    imageTagMutability: ecr.TagMutability.IMMUTABLE,
  });
  return { app, stack, cluster, pool, repository };
}

const id = (stack: Stack, construct: { node: { defaultChild?: unknown } }) =>
  stack.getLogicalId(construct.node.defaultChild as ec2.CfnSecurityGroup);

describe('NomadImage', () => {
  const { app, stack, cluster, pool, repository } = setup();
  const directory = buildContext();
  const image = new NomadImage(stack, 'Web', { cluster, repository, directory });
  const web = new NomadJob(stack, 'WebJob', {
    cluster,
    job: new Job({
      id: 'web',
      nodePool: 'general',
      groups: [{ name: 'web', tasks: [{ name: 'app', driver: 'docker', config: { image: image.imageUri } }] }],
    }),
  });
  const assembly = app.synth();
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }
  >;

  it("is a Docker image asset built for the pool's platform (proven by synthesis: no Docker engine here)", () => {
    const manifest = JSON.parse(readFileSync(join(assembly.directory, 'Test.assets.json'), 'utf8')) as {
      dockerImages: Record<
        string,
        {
          source: { directory: string; platform?: string };
          destinations: Record<string, { repositoryName: string; imageTag: string }>;
        }
      >;
    };
    const entries = Object.entries(manifest.dockerImages);
    expect(entries).toHaveLength(1);
    const [hash, entry] = entries[0] as [string, (typeof manifest.dockerImages)[string]];
    expect(entry.source).toEqual({ directory: `asset.${hash}`, platform: 'linux/amd64' });
    expect(readFileSync(join(assembly.directory, `asset.${hash}`, 'Dockerfile'), 'utf8')).toContain(
      'FROM public.ecr.aws',
    );
    expect(Object.values(entry.destinations)[0]).toMatchObject({
      repositoryName: 'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}',
      imageTag: hash,
    });
    expect(image.platform).toBe('linux/amd64');
  });

  it('is published by a Custom::NomadImage that copies it into the repository and gates on the scan', () => {
    const resource = resources[id(stack, image.resource)];
    expect(resource?.Type).toBe('Custom::NomadImage');
    const { ServiceToken: _, ...properties } = cfnValues(resource?.Properties) as Record<string, unknown>;
    expect(properties).toEqual({
      ServiceTimeout: '1800',
      SourceRepositoryName: 'cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}',
      Tag: image.asset.imageTag,
      TargetRepositoryName: `\${${id(stack, repository)}}`,
      Platform: 'linux/amd64',
      ScanGate: true,
      FailOnSeverity: 'CRITICAL',
      TimeoutSeconds: 1200,
    });
  });

  it('is referenced by digest: imageUri is the repository URI @ the digest the resource returns', () => {
    const uri = JSON.stringify(stack.resolve(image.imageUri));
    expect(uri).toContain(
      `{"Ref":"${id(stack, repository)}"},"@",{"Fn::GetAtt":["${id(stack, image.resource)}","ImageDigest"]}`,
    );
    expect(stack.resolve(image.imageDigest)).toEqual({ 'Fn::GetAtt': [id(stack, image.resource), 'ImageDigest'] });
  });

  it('gives the publisher exactly: reading the pushed image, writing and scanning the repository, its logs and network interfaces', () => {
    const publisher = cluster.node.findChild('ImagePublisher') as never as {
      handler: { role: never; logGroup: never };
    };
    const repo = `\${${id(stack, repository)}.Arn}`;
    const assets =
      'arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/cdk-hnb659fds-container-assets-${AWS::AccountId}-${AWS::Region}';
    expect(policyStatements(template, id(stack, publisher.handler.role))).toEqual(
      [
        'Allow ec2:AssignPrivateIpAddresses,ec2:CreateNetworkInterface,ec2:DeleteNetworkInterface,ec2:DescribeNetworkInterfaces,ec2:UnassignPrivateIpAddresses on *',
        `Allow logs:CreateLogStream,logs:PutLogEvents on \${${id(stack, publisher.handler.logGroup)}.Arn}`,
        `Allow ecr:BatchGetImage,ecr:GetDownloadUrlForLayer on ${assets}`,
        `Allow ecr:BatchCheckLayerAvailability,ecr:BatchGetImage,ecr:CompleteLayerUpload,ecr:DescribeImageScanFindings,ecr:GetDownloadUrlForLayer,ecr:InitiateLayerUpload,ecr:PutImage,ecr:StartImageScan,ecr:UploadLayerPart on ${repo}`,
      ].sort(),
    );
  });

  it('lets every client pool pull from the repository', () => {
    expect(cluster.imageRepositories).toContain(repository);
    expect(policyStatements(template, id(stack, pool.role as never))).toContain(
      `Allow ecr:BatchCheckLayerAvailability,ecr:BatchGetImage,ecr:GetDownloadUrlForLayer on \${${id(stack, repository)}.Arn}`,
    );
  });

  it('gives a job using it the image by digest, deployed after the image passed its gate', () => {
    const job = resources[id(stack, web.resource)]?.Properties as {
      Job: string;
      Substitutions: Record<string, unknown>;
    };
    const [placeholder] = Object.keys(job.Substitutions);
    expect(JSON.parse(job.Job).Job.TaskGroups[0].Tasks[0].Config.image).toBe(placeholder);
    expect(JSON.stringify(Object.values(job.Substitutions)[0])).toContain(
      `{"Ref":"${id(stack, repository)}"},"@",{"Fn::GetAtt":["${id(stack, image.resource)}","ImageDigest"]}`,
    );
    // The cluster's repository, checked at synth time: no warning.
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('.*image.*'))).toEqual([]);
  });

  it('builds for arm64 when the pools run Graviton, and lowers the scan threshold on request', () => {
    const s = setup('t4g.medium');
    const arm = new NomadImage(s.stack, 'Arm', {
      cluster: s.cluster,
      repository: s.repository,
      directory: buildContext(),
      failOnSeverity: ImageScanSeverity.HIGH,
      scanGate: true,
    });
    expect(arm.platform).toBe('linux/arm64');
    Template.fromStack(s.stack).hasResourceProperties('Custom::NomadImage', {
      Platform: 'linux/arm64',
      FailOnSeverity: 'HIGH',
    });
  });

  it('shares one publisher between the images of a cluster', () => {
    const s = setup();
    new NomadImage(s.stack, 'A', { cluster: s.cluster, repository: s.repository, directory: buildContext() });
    new NomadImage(s.stack, 'B', {
      cluster: s.cluster,
      repository: new ecr.Repository(s.stack, 'Other'),
      directory: buildContext(),
    });
    Template.fromStack(s.stack).resourceCountIs('AWS::StepFunctions::StateMachine', 1);
  });

  it('throws when the pools run different architectures and none is given', () => {
    const s = setup();
    s.cluster.addClientPool('arm', { instanceTypes: [new ec2.InstanceType('m7g.large')] });
    expect(
      () => new NomadImage(s.stack, 'Web', { cluster: s.cluster, repository: s.repository, directory: buildContext() }),
    ).toThrow(
      new NomadError(
        'invalid-prop',
        'Test/Web.architecture',
        "expected the architecture to build for, received none, and the cluster's pools run x86_64 and arm64. Add the client pools before the image, or set architecture (ec2.InstanceArchitecture.ARM_64 or X86_64).",
      ),
    );
    expect(
      new NomadImage(s.stack, 'Arm', {
        cluster: s.cluster,
        repository: s.repository,
        directory: buildContext(),
        architecture: ec2.InstanceArchitecture.ARM_64,
      }).platform,
    ).toBe('linux/arm64');
  });
});
