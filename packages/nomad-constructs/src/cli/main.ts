#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type * as CloudFormation from '@aws-sdk/client-cloudformation';
import type * as SecretsManager from '@aws-sdk/client-secrets-manager';

const USAGE = `Usage: nomad-constructs env --stack <name> [--cluster <name>] [--region <region>] [--addr <url>] [--ca-file <path>]

Prints the shell commands that point the nomad CLI at a cluster deployed with @org/nomad-constructs:
NOMAD_ADDR and NOMAD_TOKEN (from the stack's outputs and Secrets Manager), and NOMAD_CACERT and
NOMAD_TLS_SERVER_NAME when the address serves the cluster CA's certificate (a server inside the VPC,
or a Session Manager port forward), the CA written to --ca-file. Uses the standard AWS credential chain.

  eval "$(npx -p @org/nomad-constructs -p @aws-sdk/client-cloudformation -p @aws-sdk/client-secrets-manager nomad-constructs env --stack Nomad)"

The two AWS SDK clients are optional peer dependencies of @org/nomad-constructs (CDK apps do not
need them): install them beside it, or name them with npx -p as above.

Options:
  --stack     the CloudFormation stack of the cluster (required)
  --cluster   the cluster name, when the stack has several
  --region    the stack's region (default: AWS_REGION, then AWS_DEFAULT_REGION, then your AWS profile's)
  --addr      another address of the API, inside the VPC (https://10.0.1.23:4646)
  --ca-file   where to write the CA certificate (default: ~/.nomad-constructs/<stack>-<cluster>-ca.pem)
  --help      this text
  --version   the version of @org/nomad-constructs
`;

/** Where the CLI writes (process.stdout and process.stderr, or a test's buffers). */
export interface Output {
  write(text: string): unknown;
}

/** Runs the CLI; returns the exit code. */
export async function main(
  argv: readonly string[],
  out: Output = process.stdout,
  err: Output = process.stderr,
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    err.write(`nomad-constructs: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  const { positionals, values } = parsed;
  if (values.help === true) {
    out.write(USAGE);
    return 0;
  }
  if (values.version === true) {
    out.write(`${packageVersion()}\n`);
    return 0;
  }
  if (positionals[0] !== 'env' || positionals.length !== 1) {
    err.write(USAGE);
    return 2;
  }
  if (values.stack === undefined) {
    err.write(
      `nomad-constructs env: --stack is missing: name the CloudFormation stack of the cluster (--stack Nomad)\n\n${USAGE}`,
    );
    return 2;
  }
  // The SDK warns on every run that its releases after January 2027 need Node 22: not ours to act on here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const sdk = await loadAwsSdk();
  if (typeof sdk === 'string') {
    err.write(`nomad-constructs env: ${sdk}\n`);
    return 1;
  }
  // The SDK reads AWS_REGION and the profile's region, not AWS_DEFAULT_REGION (which the AWS CLI reads).
  const region = values.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const cloudFormation = new sdk.cloudFormation.CloudFormationClient({ region });
  if (!(await hasRegion(cloudFormation))) {
    err.write(
      "nomad-constructs env: no AWS region: pass --region with the stack's region (--region eu-west-1), set AWS_REGION or AWS_DEFAULT_REGION, or set one in your AWS profile (aws configure set region eu-west-1)\n",
    );
    return 1;
  }
  const { EnvError, envCommand } = await import('./env.js');
  try {
    out.write(
      await envCommand(
        { stack: values.stack, cluster: values.cluster, addr: values.addr, caFile: values['ca-file'] },
        {
          cloudFormation,
          secretsManager: new sdk.secretsManager.SecretsManagerClient({ region }),
          homeDir: homedir(),
        },
      ),
    );
    return 0;
  } catch (error) {
    if (error instanceof EnvError) {
      err.write(`nomad-constructs env: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

/** The AWS SDK clients `env` needs. */
export interface EnvSdk {
  readonly cloudFormation: typeof CloudFormation;
  readonly secretsManager: typeof SecretsManager;
}

/**
 * Loads the AWS SDK clients, optional peer dependencies of this package (a CDK app synthesizing
 * clusters never needs them); when they are not installed, says how to get them.
 *
 * @param load - how to load a package (`import()`; a test's stand-in)
 * @returns the clients, or the message for the user
 */
export async function loadAwsSdk(
  load: (name: string) => Promise<unknown> = (name) => import(name),
): Promise<EnvSdk | string> {
  const names = ['@aws-sdk/client-cloudformation', '@aws-sdk/client-secrets-manager'] as const;
  try {
    const [cloudFormation, secretsManager] = await Promise.all(names.map((name) => load(name)));
    return {
      cloudFormation: cloudFormation as typeof CloudFormation,
      secretsManager: secretsManager as typeof SecretsManager,
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') {
      throw error;
    }
    return `the AWS SDK clients are not installed (they are optional peer dependencies of @org/nomad-constructs). Install them beside it (npm install --save-dev ${names.join(' ')}), or run: npx -p @org/nomad-constructs ${names.map((name) => `-p ${name}`).join(' ')} nomad-constructs env ...`;
  }
}

/** Whether the client has a region (given, or from the environment or the AWS profile). */
async function hasRegion(client: CloudFormation.CloudFormationClient): Promise<boolean> {
  try {
    return (await client.config.region()).length > 0;
  } catch {
    return false;
  }
}

/** The version of this package, from the package.json beside the compiled code. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      stack: { type: 'string' },
      cluster: { type: 'string' },
      region: { type: 'string' },
      addr: { type: 'string' },
      'ca-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
