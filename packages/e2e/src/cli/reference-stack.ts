import { DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import type { NomadClient } from '@org/jobspec-builder';
import { REFERENCE_STACK_NAME } from '../reference-app';
import type { AwsDeps } from './aws';
import { CliError } from './io';

/** What `nomad-constructs env` reads too: the cluster's `EnvConfig` output. */
export interface ClusterEnvConfig {
  readonly clusterName: string;
  readonly nomadRegion: string;
  readonly addr: string;
  /** `load-balancer` (a public certificate) or `cluster-ca` (a port forward to a server, checked with the cluster CA). */
  readonly addrCertificate: 'load-balancer' | 'cluster-ca';
  readonly managementTokenSecretArn: string;
  readonly caCertificateSecretArn: string;
}

/** The deployed reference stack, as its outputs describe it. */
export interface ReferenceStackOutputs {
  readonly env: ClusterEnvConfig;
  readonly dataBucketName: string;
  /** `https://<domain>/`, when the stack has the UI. */
  readonly helloWorldUrl?: string;
  /** The images the jobs run, by digest (`<repository uri>@sha256:...`). */
  readonly images: ReadonlyArray<{ readonly name: string; readonly uri: string }>;
}

/** Reads the outputs of the deployed stack; names what is missing and how to get it. */
export async function readReferenceStack(
  aws: AwsDeps,
  stackName = REFERENCE_STACK_NAME,
): Promise<ReferenceStackOutputs> {
  let outputs: Output[];
  try {
    const result = await aws.cloudFormation().send(new DescribeStacksCommand({ StackName: stackName }));
    outputs = result.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/does not exist/.test(message)) {
      throw new CliError(
        `stack ${stackName} not found in this account and region: deploy it first (nomad-e2e deploy).`,
      );
    }
    throw new CliError(`cannot read stack ${stackName}: ${message}`);
  }
  const byKey = new Map(outputs.map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
  // `NomadEnvConfig`: the cluster's stable output name (older deployments add CDK's hash suffix).
  const envOutput = outputs.find((output) => /^NomadEnvConfig([0-9A-F]{8})?$/.test(output.OutputKey ?? ''));
  if (envOutput?.OutputValue === undefined) {
    throw new CliError(`stack ${stackName} has no NomadEnvConfig output: is it the reference stack, fully deployed?`);
  }
  const dataBucketName = byKey.get('DataBucketName');
  if (dataBucketName === undefined) {
    throw new CliError(`stack ${stackName} has no DataBucketName output: is it the reference stack, fully deployed?`);
  }
  const images = [
    { name: 'hello-world-app', uri: byKey.get('HelloWorldAppImageUri') },
    { name: 'trainer', uri: byKey.get('TrainerImageUri') },
  ].filter((image): image is { name: string; uri: string } => image.uri !== undefined && image.uri !== '');
  return {
    env: JSON.parse(envOutput.OutputValue) as ClusterEnvConfig,
    dataBucketName,
    helloWorldUrl: byKey.get('HelloWorldUrl'),
    images,
  };
}

/** A Nomad client for the deployed cluster: `NOMAD_ADDR` from the outputs, the management token (and CA) from Secrets Manager. */
export async function connectNomad(aws: AwsDeps, env: ClusterEnvConfig): Promise<NomadClient> {
  const token = await readSecret(aws, env.managementTokenSecretArn, 'the management token');
  const caCertPem =
    env.addrCertificate === 'cluster-ca'
      ? await readSecret(aws, env.caCertificateSecretArn, 'the cluster CA')
      : undefined;
  return aws.nomad({ address: env.addr, token, caCertPem, region: env.nomadRegion });
}

async function readSecret(aws: AwsDeps, secretId: string, what: string): Promise<string> {
  try {
    const result = await aws.secretsManager().send(new GetSecretValueCommand({ SecretId: secretId }));
    if (result.SecretString === undefined || result.SecretString === '') {
      throw new Error('the secret is empty');
    }
    return result.SecretString;
  } catch (error) {
    throw new CliError(
      `cannot read ${what} (${secretId}): ${error instanceof Error ? error.message : String(error)}. Your credentials need secretsmanager:GetSecretValue on it and kms:Decrypt on the cluster key (cluster.grantManagementToken()).`,
    );
  }
}
