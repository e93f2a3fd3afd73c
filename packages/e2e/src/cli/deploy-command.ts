import { deploymentProgress, formatDeploymentProgress } from '@org/jobspec-builder';
import { REFERENCE_STACK_NAME } from '../reference-app';
import type { AwsDeps } from './aws';
import { checkImageBuilder, runCdk } from './cdk-cli';
import { CliError, type CliIo } from './io';
import { connectNomad, readReferenceStack } from './reference-stack';

export interface DeployOptions {
  readonly context: Readonly<Record<string, string>>;
}

/**
 * `nomad-e2e deploy`: `cdk deploy` of the reference stack with its stack events (the NomadJob
 * resources wait for the jobs' deployments, so a failed rollout rolls the stack back), then the
 * deployment of each job as Nomad reports it.
 */
export async function deployCommand(options: DeployOptions, io: CliIo, aws: AwsDeps): Promise<number> {
  const { region } = await aws.checkAccess();
  await checkImageBuilder(aws);
  io.stdout(`Deploying ${REFERENCE_STACK_NAME} to ${region} (cdk deploy: images, then the stack, with its events)\n`);
  const code = await runCdk(
    aws,
    io,
    ['deploy', REFERENCE_STACK_NAME, '--require-approval', 'never', '--progress', 'events'],
    options.context,
  );
  if (code !== 0) {
    throw new CliError(
      `cdk deploy failed (exit ${code}): the stack events above name the resource that failed and why; CloudFormation has rolled the stack back.`,
    );
  }
  io.stdout('\nJob deployments:\n');
  const stack = await readReferenceStack(aws);
  try {
    const nomad = await connectNomad(aws, stack.env);
    const { data: jobs } = await nomad.query<Array<{
      ID: string;
      Type?: string;
      Status?: string;
      ParentID?: string;
    }> | null>('/v1/jobs');
    for (const job of (jobs ?? []).filter((candidate) => (candidate.ParentID ?? '') === '')) {
      const deployment = job.Type === 'service' ? await nomad.latestDeployment(job.ID) : undefined;
      if (deployment === undefined) {
        io.stdout(`  ${job.ID} (${job.Type ?? 'service'}): ${job.Status ?? 'unknown'}\n`);
        continue;
      }
      io.stdout(
        `  ${job.ID}: ${formatDeploymentProgress(deploymentProgress(deployment)).split('\n').join('\n    ')}\n`,
      );
    }
  } catch (error) {
    if (error instanceof CliError) {
      throw error;
    }
    io.stdout(
      `  (Nomad at ${stack.env.addr} did not answer: ${error instanceof Error ? error.message : String(error)}; without a UI, start the port forward of the CliEnvironment output first)\n`,
    );
  }
  io.stdout(`\nDeployed. Check it with: nomad-e2e verify\n`);
  return 0;
}
