#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { EnvError, envCommand } from './env';

const USAGE = `Usage: nomad-constructs env --stack <name> [--cluster <name>] [--region <region>] [--addr <url>] [--ca-file <path>]

Prints the shell commands that point the nomad CLI at a cluster deployed with @org/nomad-constructs:
NOMAD_ADDR and NOMAD_TOKEN (from the stack's outputs and Secrets Manager), and NOMAD_CACERT and
NOMAD_TLS_SERVER_NAME when the address serves the cluster CA's certificate (a server inside the VPC,
or a Session Manager port forward), the CA written to --ca-file. Uses the standard AWS credential chain.

  eval "$(npx -p @org/nomad-constructs nomad-constructs env --stack NomadReference)"

Options:
  --stack     the CloudFormation stack of the cluster (required)
  --cluster   the cluster name, when the stack has several
  --region    the stack's region (default: from the AWS configuration)
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
  if (positionals[0] !== 'env' || positionals.length !== 1 || values.stack === undefined) {
    err.write(USAGE);
    return 2;
  }
  const region = values.region;
  try {
    out.write(
      await envCommand(
        { stack: values.stack, cluster: values.cluster, addr: values.addr, caFile: values['ca-file'] },
        {
          cloudFormation: new CloudFormationClient({ region }),
          secretsManager: new SecretsManagerClient({ region }),
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
