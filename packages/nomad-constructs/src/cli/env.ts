import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { isPlaceholder } from '../security/secret-formats';

/** What a cluster's `EnvConfig` stack output holds (written by `NomadCluster`). */
export interface ClusterEnvConfig {
  readonly clusterName: string;
  readonly nomadRegion: string;
  readonly addr: string;
  /** `cluster-ca` when the address serves the servers' own certificate, `load-balancer` for the ALB's ACM certificate. */
  readonly addrCertificate: 'cluster-ca' | 'load-balancer';
  readonly managementTokenSecretArn: string;
  readonly caCertificateSecretArn: string;
}

export interface EnvOptions {
  /** The CloudFormation stack of the cluster. */
  readonly stack: string;
  /** The cluster name, when the stack holds several clusters. */
  readonly cluster?: string;
  /** Another address than the stack's (a server inside the VPC): then NOMAD_CACERT is set too. */
  readonly addr?: string;
  /** Where to write the CA certificate. @default ~/.nomad-constructs/<stack>-<cluster>-ca.pem */
  readonly caFile?: string;
}

export interface EnvClients {
  readonly cloudFormation: CloudFormationClient;
  readonly secretsManager: SecretsManagerClient;
  /** The home directory, for the default CA file. */
  readonly homeDir: string;
}

/** A problem the user can fix: printed without a stack trace. */
export class EnvError extends Error {
  public override readonly name = 'EnvError';
}

/**
 * `nomad-constructs env`: the shell commands that point the nomad CLI at a cluster, from its
 * stack's outputs and Secrets Manager (standard AWS credential chain): `NOMAD_ADDR`,
 * `NOMAD_TOKEN`, and, for an address that serves the cluster CA's certificate (inside the VPC, or
 * a Session Manager port forward to a server), `NOMAD_CACERT` and `NOMAD_TLS_SERVER_NAME`. The
 * load balancer serves its ACM certificate, which the system trust store already accepts.
 *
 * @returns the `export` lines, for `eval "$(nomad-constructs env --stack ...)"`
 */
export async function envCommand(options: EnvOptions, clients: EnvClients): Promise<string> {
  const config = await clusterConfig(options, clients.cloudFormation);
  const addr = options.addr ?? config.addr;
  const exports: [string, string][] = [
    ['NOMAD_ADDR', addr],
    ['NOMAD_TOKEN', await managementToken(config, clients.secretsManager)],
  ];
  const servesClusterCa =
    options.addr === undefined ? config.addrCertificate === 'cluster-ca' : options.addr !== config.addr;
  if (servesClusterCa) {
    const caFile =
      options.caFile ?? join(clients.homeDir, '.nomad-constructs', `${options.stack}-${config.clusterName}-ca.pem`);
    const ca = await secret(
      clients.secretsManager,
      config.caCertificateSecretArn,
      'the cluster CA certificate',
      'grantCaRead',
    );
    mkdirSync(dirname(caFile), { recursive: true, mode: 0o700 });
    writeFileSync(caFile, ca);
    chmodSync(caFile, 0o644);
    // The servers' certificates name server.<region>.nomad (and 127.0.0.1), not their private IPs.
    exports.push(['NOMAD_CACERT', caFile], ['NOMAD_TLS_SERVER_NAME', `server.${config.nomadRegion}.nomad`]);
  }
  return `${exports.map(([name, value]) => `export ${name}=${shellQuote(value)}`).join('\n')}\n`;
}

async function clusterConfig(options: EnvOptions, client: CloudFormationClient): Promise<ClusterEnvConfig> {
  let outputs: { OutputKey?: string; OutputValue?: string }[];
  try {
    const result = await client.send(new DescribeStacksCommand({ StackName: options.stack }));
    outputs = result.Stacks?.[0]?.Outputs ?? [];
  } catch (error) {
    throw new EnvError(`cannot describe the stack ${options.stack}: ${describe(error)}`);
  }
  // `<construct path>EnvConfig` (`ClusterEnvConfig`); stacks deployed with earlier versions add CDK's hash.
  const configs = outputs
    .filter((output) => /EnvConfig([0-9A-F]{8})?$/.test(output.OutputKey ?? ''))
    .map((output) => JSON.parse(output.OutputValue ?? '{}') as ClusterEnvConfig);
  if (configs.length === 0) {
    throw new EnvError(
      `the stack ${options.stack} has no Nomad cluster (no EnvConfig output of @org/nomad-constructs)`,
    );
  }
  const names = configs.map((config) => config.clusterName).sort();
  if (options.cluster !== undefined) {
    const chosen = configs.find((config) => config.clusterName === options.cluster);
    if (chosen === undefined) {
      throw new EnvError(`the stack ${options.stack} has no cluster ${options.cluster}; it has ${names.join(', ')}`);
    }
    return chosen;
  }
  if (configs.length > 1) {
    throw new EnvError(
      `the stack ${options.stack} has several clusters (${names.join(', ')}): choose one with --cluster`,
    );
  }
  return configs[0] as ClusterEnvConfig;
}

async function managementToken(config: ClusterEnvConfig, client: SecretsManagerClient): Promise<string> {
  const token = await secret(client, config.managementTokenSecretArn, 'the management token', 'grantManagementToken');
  if (isPlaceholder(token)) {
    throw new EnvError(
      `the management token of ${config.clusterName} has not been generated yet: the cluster's ACL bootstrap has not run (is the stack deployed?)`,
    );
  }
  return token.trim();
}

async function secret(client: SecretsManagerClient, arn: string, what: string, grant: string): Promise<string> {
  try {
    const result = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (result.SecretString === undefined) {
      throw new EnvError(`${arn} holds no string`);
    }
    return result.SecretString;
  } catch (error) {
    if (error instanceof EnvError) {
      throw error;
    }
    const hint =
      (error as { name?: string }).name === 'AccessDeniedException' ? ` (ask for cluster.${grant}() on your role)` : '';
    throw new EnvError(`cannot read ${what} from ${arn}: ${describe(error)}${hint}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Single-quoted for a POSIX shell: nothing inside is expanded. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
