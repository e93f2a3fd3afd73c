import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeImageScanFindingsCommand, ECRClient } from '@aws-sdk/client-ecr';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { type AwsDeps, defaultAwsDeps } from '../../src/cli/aws';
import type { CliIo } from '../../src/cli/io';

export const HELLO_IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/nomadreference-helloworldapprepository@sha256:${'a'.repeat(64)}`;
export const TRAINER_IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/nomadreference-trainerrepository@sha256:${'b'.repeat(64)}`;
export const MANAGEMENT_TOKEN = '3f0b6c1e-7c1d-4a8e-9d6a-2b9f4c1d0e11';

/** The SDK clients of every test, mocked: each test file resets them. */
export const mocks = {
  cloudFormation: mockClient(CloudFormationClient),
  secretsManager: mockClient(SecretsManagerClient),
  ecr: mockClient(ECRClient),
  s3: mockClient(S3Client),
};

/** The outputs of a deployed reference stack whose Nomad API and hello-world are the given loopback fakes. */
export function mockDeployedStack(nomadAddress: string, helloWorldUrl: string | undefined): void {
  for (const mock of Object.values(mocks)) {
    mock.reset();
  }
  mocks.cloudFormation.on(DescribeStacksCommand).resolves({
    Stacks: [
      {
        StackName: 'NomadReference',
        CreationTime: new Date('2026-12-01T00:00:00Z'),
        StackStatus: 'CREATE_COMPLETE',
        Outputs: [
          {
            OutputKey: 'NomadEnvConfig',
            OutputValue: JSON.stringify({
              clusterName: 'NomadReference-Nomad',
              nomadRegion: 'global',
              addr: nomadAddress,
              addrCertificate: 'load-balancer',
              managementTokenSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:token',
              caCertificateSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ca',
            }),
          },
          { OutputKey: 'DataBucketName', OutputValue: 'nomadreference-databucket' },
          { OutputKey: 'HelloWorldAppImageUri', OutputValue: HELLO_IMAGE },
          { OutputKey: 'TrainerImageUri', OutputValue: TRAINER_IMAGE },
          ...(helloWorldUrl === undefined ? [] : [{ OutputKey: 'HelloWorldUrl', OutputValue: helloWorldUrl }]),
        ],
      },
    ],
  });
  mocks.secretsManager.on(GetSecretValueCommand).resolves({ SecretString: MANAGEMENT_TOKEN });
  mocks.ecr.on(DescribeImageScanFindingsCommand).resolves({
    imageScanStatus: { status: 'COMPLETE' },
    imageScanFindings: { findingSeverityCounts: { HIGH: 2, MEDIUM: 5 }, findings: [] },
  });
  mocks.s3.on(HeadObjectCommand).resolves({ ContentLength: 1024 });
}

/** The real dependencies (SDK clients mocked above, real HTTP to the fakes), with access granted and no waiting. */
export function testDeps(overrides: Partial<AwsDeps> = {}): AwsDeps {
  return {
    ...defaultAwsDeps(),
    checkAccess: async () => ({ region: 'us-east-1' }),
    sleep: async () => {},
    hostArch: 'arm64',
    ...overrides,
  };
}

/** An io that records what a command prints. */
export function recordingIo(env: Record<string, string> = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => {
      out += text;
    },
    stderr: (text) => {
      err += text;
    },
    env,
    out: () => out,
    err: () => err,
  };
}
