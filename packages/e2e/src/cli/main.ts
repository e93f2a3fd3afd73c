import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROFILE_NAMES } from '../profile';
import { type AwsDeps, defaultAwsDeps } from './aws';
import { costCommand } from './cost-command';
import { deployCommand } from './deploy-command';
import { destroyCommand } from './destroy-command';
import { CliError, type CliIo, processIo } from './io';
import { verifyCommand } from './verify-command';

export const USAGE = `Usage: nomad-e2e <command> [options]

The reference deployment of Nomad on AWS (stack NomadReference), end to end.

Commands:
  cost      The monthly list price of the synthesized app, by resource (us-east-1, dated table)
  deploy    cdk deploy the reference app with its stack events, then show the jobs' deployments
  verify    Check the deployed cluster: leader, voters, pools, jobs, hello-world through the load
            balancer, a trainer run writing to the data bucket, the images' ECR scans
  destroy   Turn off deletion protection, cdk destroy, then list what was retained and its cost

Options:
  --profile <name>      default | production (the app's -c nomad:profile)
  -c, --context <k=v>   Context of the app, as cdk takes it (repeatable), e.g. -c nomad:domainName=nomad.example.com
  --json                cost: the result as JSON (with a "total" field)
  --template <file>     cost: price this synthesized template instead of the reference app
  --spot-discount <n>   cost: the Spot discount to assume, from 0 to below 1 (default 0.65)
  -h, --help            This text
  --version             The version of @org/e2e

deploy, verify and destroy need AWS credentials and a region (AWS_PROFILE or AWS_ACCESS_KEY_ID...,
AWS_REGION); deploy also needs Docker (buildx with QEMU on x86_64, the images are arm64).
`;

/** Runs `nomad-e2e <argv>`; resolves to the exit code. Every failure is one line on stderr. */
export async function main(argv: string[], io: CliIo = processIo(), aws: AwsDeps = defaultAwsDeps()): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.stderr(`nomad-e2e: ${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const { command, values } = parsed;
  if (values.version === true) {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    io.stdout(`${manifest.version}\n`);
    return 0;
  }
  if (values.help === true || command === undefined || command === 'help') {
    io.stdout(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  let context: Record<string, string>;
  try {
    context = parseContext(values.context ?? []);
  } catch (error) {
    io.stderr(`nomad-e2e: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  if (values.profile !== undefined) {
    if (!(PROFILE_NAMES as readonly string[]).includes(values.profile)) {
      io.stderr(
        `nomad-e2e: --profile: expected ${PROFILE_NAMES.join(' or ')}, received ${JSON.stringify(values.profile)}.\n`,
      );
      return 2;
    }
    context['nomad:profile'] = values.profile;
  }
  try {
    switch (command) {
      case 'cost': {
        const spotDiscount = values['spot-discount'] === undefined ? undefined : Number(values['spot-discount']);
        return costCommand(
          { profile: values.profile, json: values.json, template: values.template, spotDiscount, context },
          io,
        );
      }
      case 'deploy':
        return await deployCommand({ context }, io, aws);
      case 'verify':
        return await verifyCommand({}, io, aws);
      case 'destroy':
        return await destroyCommand({ context }, io, aws);
      default:
        io.stderr(`nomad-e2e: unknown command ${JSON.stringify(command)}: expected cost, deploy, verify or destroy.\n`);
        return 2;
    }
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`nomad-e2e ${command}: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      profile: { type: 'string' },
      context: { type: 'string', short: 'c', multiple: true },
      json: { type: 'boolean' },
      template: { type: 'string' },
      'spot-discount': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
  if (positionals.length > 1) {
    throw new Error(`expected one command, received ${positionals.join(' ')}.`);
  }
  return { command: positionals[0], values };
}

function parseContext(pairs: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (const pair of pairs) {
    const index = pair.indexOf('=');
    if (index <= 0) {
      throw new Error(`-c: expected key=value, received ${JSON.stringify(pair)}.`);
    }
    context[pair.slice(0, index)] = pair.slice(index + 1);
  }
  return context;
}
