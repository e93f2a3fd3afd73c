import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NomadClient, type NomadClientProps } from '@org/jobspec-builder';
import { CliError } from './io';

/** What the AWS-facing commands use from the outside world: real by default, fakes in tests. */
export interface AwsDeps {
  /** Resolves to the region when credentials and a region are found; throws a one-line CliError otherwise. */
  checkAccess(): Promise<{ readonly region: string }>;
  cloudFormation(): CloudFormationClient;
  secretsManager(): SecretsManagerClient;
  ecr(): ECRClient;
  s3(): S3Client;
  elbv2(): ElasticLoadBalancingV2Client;
  nomad(props: NomadClientProps): NomadClient;
  /** GET a URL (hello-world through the load balancer): status and body, or throws on a network error. */
  httpGet(url: string): Promise<{ readonly status: number; readonly body: string }>;
  /** Runs a program with its output streamed through `onOutput`; resolves to its exit code (127: not found). */
  run(command: string, args: readonly string[], onOutput: (text: string) => void, cwd?: string): Promise<number>;
  /** The machine's CPU architecture (`process.arch`). */
  readonly hostArch: string;
  /** Waits between polls (the trainer's run). */
  sleep(ms: number): Promise<void>;
}

/** The SDK clients, the Nomad client and the programs of the operator's machine. */
export function defaultAwsDeps(): AwsDeps {
  // The SDK warns on every run that its releases after January 2027 need Node 22: not the operator's concern here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  return {
    async checkAccess() {
      const client = new CloudFormationClient({});
      let region: string;
      try {
        region = await client.config.region();
      } catch {
        throw new CliError('no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or a region in your AWS profile).');
      }
      try {
        await client.config.credentials();
      } catch {
        throw new CliError(
          'no AWS credentials found: set AWS_PROFILE (after `aws sso login` or `aws configure`) or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
        );
      }
      return { region };
    },
    cloudFormation: () => new CloudFormationClient({}),
    secretsManager: () => new SecretsManagerClient({}),
    ecr: () => new ECRClient({}),
    s3: () => new S3Client({}),
    elbv2: () => new ElasticLoadBalancingV2Client({}),
    nomad: (props) => new NomadClient(props),
    httpGet,
    run(command, args, onOutput, cwd) {
      return new Promise((resolve) => {
        const child = spawn(command, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => onOutput(chunk.toString()));
        child.on('error', (error) => {
          onOutput(`${command}: ${error.message}\n`);
          resolve(127);
        });
        child.on('close', (code) => resolve(code ?? 1));
      });
    },
    hostArch: process.arch,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** A plain GET with a 30 s timeout, following no redirect (the listener redirects only HTTP). */
export function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { method: 'GET', timeout: 30_000 });
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => {
        if (chunks.reduce((sum, part) => sum + part.length, 0) < 1024 * 1024) {
          chunks.push(chunk);
        }
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error('no answer within 30 s')));
    request.on('error', reject);
    request.end();
  });
}
