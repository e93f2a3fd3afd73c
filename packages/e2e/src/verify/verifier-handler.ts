// The in-VPC verifier of the integ test (bundled into lib/verifier by the `bundle` task): the checks
// of `nomad-e2e verify` that need the VPC, run against the servers' private addresses.
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ECRClient } from '@aws-sdk/client-ecr';
import { S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NomadClient } from '@org/jobspec-builder';
import { httpGet } from '../cli/aws';
import { imageScanCheck, trainerRunCheck } from './aws-checks';
import { type CheckResult, jobsCheck, leaderCheck, poolsCheck, runChecks, votersCheck } from './checks';
import { serviceCheck } from './service-check';

/** What the function's environment names (see VerifierFunction). */
interface VerifierEnvironment {
  readonly SERVER_TAG_KEY: string;
  readonly SERVER_TAG_VALUE: string;
  readonly NOMAD_REGION: string;
  readonly TOKEN_SECRET_ARN: string;
  readonly CA_SECRET_ARN: string;
  readonly DATA_BUCKET: string;
  /** JSON: [{ name, uri }] of the images the jobs run. */
  readonly IMAGES: string;
}

export interface VerifierResult {
  /** True when every check passed. */
  readonly ok: boolean;
  readonly results: readonly CheckResult[];
}

export async function handler(event: { readonly runId?: string }): Promise<VerifierResult> {
  const env = process.env as unknown as VerifierEnvironment;
  const secrets = new SecretsManagerClient({});
  const secret = async (id: string) =>
    (await secrets.send(new GetSecretValueCommand({ SecretId: id }))).SecretString ?? '';
  const reservations = await new EC2Client({}).send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: `tag:${env.SERVER_TAG_KEY}`, Values: [env.SERVER_TAG_VALUE] },
        { Name: 'instance-state-name', Values: ['running'] },
      ],
    }),
  );
  const address = reservations.Reservations?.flatMap((reservation) => reservation.Instances ?? [])[0]?.PrivateIpAddress;
  if (address === undefined) {
    return { ok: false, results: [{ name: 'servers', ok: false, detail: 'no running server found by its tag' }] };
  }
  const nomad = new NomadClient({
    address: `https://${address}:4646`,
    token: await secret(env.TOKEN_SECRET_ARN),
    caCertPem: await secret(env.CA_SECRET_ARN),
    tlsServerName: `server.${env.NOMAD_REGION}.nomad`,
  });
  const aws = {
    s3: () => new S3Client({}),
    ecr: () => new ECRClient({}),
    httpGet,
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  };
  const results = await runChecks([
    leaderCheck(nomad),
    votersCheck(nomad, 3),
    poolsCheck(nomad),
    jobsCheck(nomad),
    serviceCheck(nomad, aws, 'hello-world'),
    // One look per call: the integ test calls again until the run is complete (the same run: the
    // dispatch is idempotent by run id).
    trainerRunCheck(nomad, aws, {
      bucket: env.DATA_BUCKET,
      runId: event.runId ?? 'integ',
      maxPolls: 1,
      idempotent: true,
    }),
    imageScanCheck(aws, JSON.parse(env.IMAGES) as Array<{ name: string; uri: string }>),
  ]);
  return { ok: results.every((result) => result.ok), results };
}
