import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetTemplateCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand } from '@aws-sdk/client-ecr';
import {
  ElasticLoadBalancingV2Client,
  ModifyLoadBalancerAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsDeps } from '../../src/cli/aws';
import { main } from '../../src/cli/main';
import { FakeNomad, healthyCluster } from './fake-nomad';
import { mockDeployedStack, mocks, recordingIo, testDeps } from './test-deps';

const elbv2 = mockClient(ElasticLoadBalancingV2Client);
const scripts = mkdtempSync(join(tmpdir(), 'fake-cdk-'));

/** A stand-in for the CDK CLI: prints its arguments and stack events, exits with `code`. */
function fakeCdk(name: string, code: number): string {
  const path = join(scripts, `${name}.js`);
  writeFileSync(
    path,
    [
      'const args = process.argv.slice(2);',
      "console.log('fake cdk ' + args.join(' '));",
      "console.log('NomadReference | 3/160 | CREATE_COMPLETE | AWS::EC2::VPC | Nomad/Vpc');",
      `if (${code} !== 0) console.error('NomadReference | CREATE_FAILED | Custom::NomadJob | HelloWorldJob Deployment failed');`,
      `process.exit(${code});`,
    ].join('\n'),
  );
  return path;
}

/** Docker as the deploy sees it: `docker buildx ls` answering with `platforms`, or missing (127). */
function withDocker(platforms: string | undefined, hostArch: string): Partial<AwsDeps> {
  const real = testDeps();
  return {
    hostArch,
    run: async (command, args, onOutput, cwd) => {
      if (command === 'docker') {
        if (platforms === undefined) {
          return 127;
        }
        onOutput(`NAME/NODE DRIVER/ENDPOINT STATUS PLATFORMS\ndefault docker running ${platforms}\n`);
        return 0;
      }
      return real.run(command, args, onOutput, cwd);
    },
  };
}

let nomad: FakeNomad;
beforeAll(async () => {
  nomad = await FakeNomad.start();
});
afterAll(() => nomad.close());
beforeEach(() => {
  nomad.state = healthyCluster();
  mockDeployedStack(nomad.address, 'https://nomad.example.com/');
  elbv2.reset();
});

describe('nomad-e2e deploy', () => {
  it('runs cdk deploy with its stack events and the context, then prints each job deployment', async () => {
    const io = recordingIo({ NOMAD_E2E_CDK: fakeCdk('ok', 0) });
    const code = await main(
      ['deploy', '--profile', 'production', '-c', 'nomad:domainName=nomad.example.com'],
      io,
      testDeps(withDocker('linux/amd64, linux/arm64', 'x64')),
    );
    expect(io.err()).toBe('');
    const out = io.out();
    expect(out).toContain('Deploying NomadReference to us-east-1');
    expect(out).toContain(
      'fake cdk deploy NomadReference --require-approval never --progress events -c nomad:domainName=nomad.example.com -c nomad:profile=production',
    );
    expect(out).toContain('CREATE_COMPLETE | AWS::EC2::VPC');
    expect(out).toMatch(/Job deployments:\n {2}hello-world: .*successful/);
    expect(out).toContain('  traefik (system): running');
    expect(out).toContain('Deployed. Check it with: nomad-e2e verify');
    expect(code).toBe(0);
  });

  it('fails early on an x86_64 machine whose Docker cannot build arm64 images, with the fix', async () => {
    const io = recordingIo({ NOMAD_E2E_CDK: fakeCdk('unused', 0) });
    const code = await main(['deploy'], io, testDeps(withDocker('linux/amd64, linux/386', 'x64')));
    expect(io.err()).toBe(
      'nomad-e2e deploy: the images are built for linux/arm64 (the Graviton instances) and this machine is x64: Docker needs buildx with QEMU emulation. Run `docker run --privileged --rm tonistiigi/binfmt --install arm64`, check that `docker buildx ls` lists linux/arm64, and deploy again.\n',
    );
    expect(io.out()).not.toContain('fake cdk');
    expect(code).toBe(1);
  });

  it('says Docker is needed when there is none', async () => {
    const io = recordingIo({ NOMAD_E2E_CDK: fakeCdk('unused2', 0) });
    const code = await main(['deploy'], io, testDeps(withDocker(undefined, 'arm64')));
    expect(io.err()).toBe(
      'nomad-e2e deploy: Docker is needed: cdk deploy builds the two sample images. Install Docker (with buildx) and start it.\n',
    );
    expect(code).toBe(1);
  });

  it('reports a failed cdk deploy in one line after its events', async () => {
    const io = recordingIo({ NOMAD_E2E_CDK: fakeCdk('fail', 1) });
    const code = await main(['deploy'], io, testDeps(withDocker('linux/arm64', 'arm64')));
    expect(io.out()).toContain('CREATE_FAILED | Custom::NomadJob | HelloWorldJob Deployment failed');
    expect(io.err()).toBe(
      'nomad-e2e deploy: cdk deploy failed (exit 1): the stack events above name the resource that failed and why; CloudFormation has rolled the stack back.\n',
    );
    expect(code).toBe(1);
  });
});

describe('nomad-e2e destroy', () => {
  beforeEach(() => {
    mocks.cloudFormation.on(ListStackResourcesCommand).resolves({
      StackResourceSummaries: [
        {
          LogicalResourceId: 'NomadUiLoadBalancer',
          PhysicalResourceId: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/nomad/1',
          ResourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: new Date(),
        },
        {
          LogicalResourceId: 'DataBucket',
          PhysicalResourceId: 'nomadreference-databucket',
          ResourceType: 'AWS::S3::Bucket',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: new Date(),
        },
        {
          LogicalResourceId: 'DataKey',
          PhysicalResourceId: 'key-1',
          ResourceType: 'AWS::KMS::Key',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: new Date(),
        },
        {
          LogicalResourceId: 'TrainerRepository',
          PhysicalResourceId: 'nomadreference-trainerrepository',
          ResourceType: 'AWS::ECR::Repository',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: new Date(),
        },
        {
          LogicalResourceId: 'Topic',
          PhysicalResourceId: 'arn:aws:sns:us-east-1:123456789012:topic',
          ResourceType: 'AWS::SNS::Topic',
          ResourceStatus: 'CREATE_COMPLETE',
          LastUpdatedTimestamp: new Date(),
        },
      ],
    });
    mocks.cloudFormation.on(GetTemplateCommand).resolves({
      TemplateBody: JSON.stringify({
        Resources: {
          NomadUiLoadBalancer: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer' },
          DataBucket: { Type: 'AWS::S3::Bucket', DeletionPolicy: 'Retain' },
          DataKey: { Type: 'AWS::KMS::Key', DeletionPolicy: 'Retain' },
          TrainerRepository: { Type: 'AWS::ECR::Repository', DeletionPolicy: 'Retain' },
          Topic: { Type: 'AWS::SNS::Topic' },
        },
      }),
    });
    // 10 GiB of objects over two pages; two images of 1 GiB.
    mocks.s3
      .on(ListObjectsV2Command)
      .resolvesOnce({ Contents: [{ Key: 'a', Size: 6 * 1024 ** 3 }], NextContinuationToken: 'next' })
      .resolvesOnce({ Contents: [{ Key: 'b', Size: 4 * 1024 ** 3 }] });
    mocks.ecr.on(DescribeImagesCommand).resolves({
      imageDetails: [{ imageSizeInBytes: 1024 ** 3 }, { imageSizeInBytes: 1024 ** 3 }],
    });
  });

  it('turns off deletion protection, runs cdk destroy, then lists what was retained and its monthly cost', async () => {
    const io = recordingIo({ NOMAD_E2E_CDK: fakeCdk('destroy-ok', 0) });
    const code = await main(['destroy'], io, testDeps());
    expect(io.err()).toBe('');
    expect(elbv2.commandCalls(ModifyLoadBalancerAttributesCommand)[0]?.args[0].input).toEqual({
      LoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/nomad/1',
      Attributes: [{ Key: 'deletion_protection.enabled', Value: 'false' }],
    });
    const out = io.out();
    expect(out).toContain('Turned off deletion protection of NomadUiLoadBalancer');
    expect(out).toContain('fake cdk destroy NomadReference --force');
    expect(out).toMatch(
      /AWS::S3::Bucket nomadreference-databucket +\$ {2}0\.23 {2}10\.00 GiB of current objects in S3 Standard/,
    );
    expect(out).toMatch(/AWS::KMS::Key key-1 +\$ {2}1\.00 {2}a customer managed key/);
    expect(out).toMatch(/AWS::ECR::Repository nomadreference-trainerrepository +\$ {2}0\.20 {2}2 images, 2\.00 GiB/);
    expect(out).toMatch(/Total +\$ {2}1\.43/);
    expect(out).not.toContain('SNS::Topic');
    expect(code).toBe(0);
  });

  it('reports a failed cdk destroy in one line', async () => {
    const io = recordingIo({ NOMAD_E2E_CDK: fakeCdk('destroy-fail', 1) });
    const code = await main(['destroy'], io, testDeps());
    expect(io.err()).toBe(
      'nomad-e2e destroy: cdk destroy failed (exit 1): the stack events above name the resource CloudFormation could not delete; fix it and run nomad-e2e destroy again.\n',
    );
    expect(code).toBe(1);
  });

  it('says there is nothing to destroy when the stack does not exist', async () => {
    mocks.cloudFormation.reset();
    mocks.cloudFormation.rejects(new Error('Stack with id NomadReference does not exist'));
    const io = recordingIo({ NOMAD_E2E_CDK: fakeCdk('unused3', 0) });
    const code = await main(['destroy'], io, testDeps());
    expect(io.err()).toBe(
      'nomad-e2e destroy: stack NomadReference not found in this account and region: nothing to destroy.\n',
    );
    expect(code).toBe(1);
  });
});
