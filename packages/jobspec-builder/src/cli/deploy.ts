import { deploymentProgress, formatDeploymentProgress } from '../client/deployment-progress';
import { NomadClient } from '../client/nomad-client';
import { formatPlanDiff, planChangesAllocations } from '../client/plan-format';
import type { Job } from '../job';
import type { CliIo } from './cli';

/**
 * `jobspec plan`: the scheduler's dry run with the diff against the running job.
 * Exit codes follow `nomad job plan`: 0 when no allocation would change, 1 when some would.
 */
export async function planCommand(job: Job, io: CliIo): Promise<number> {
  job.assertValid();
  const client = NomadClient.fromEnv({}, io.env);
  try {
    const plan = await client.plan(job);
    io.stdout(`${formatPlanDiff(plan)}\n`);
    io.stdout(
      `\nJob Modify Index: ${plan.JobModifyIndex}\nNomad registers this version only if the job is unchanged until then: jobspec run checks the index itself.\n`,
    );
    return planChangesAllocations(plan) ? 1 : 0;
  } finally {
    client.close();
  }
}

export interface RunOptions {
  /** Return once the job is registered instead of following its deployment. */
  readonly detach: boolean;
}

/**
 * `jobspec run`: plans, registers with check-and-set against the planned version
 * (a concurrent change fails instead of being overwritten), then follows the
 * deployment until it succeeds or fails. Exit code 0 on success, 1 otherwise.
 */
export async function runCommand(job: Job, options: RunOptions, io: CliIo): Promise<number> {
  job.assertValid();
  const client = NomadClient.fromEnv({}, io.env);
  const id = String(job.props.id);
  try {
    const plan = await client.plan(job);
    const registered = await client.register(job, { jobModifyIndex: plan.JobModifyIndex });
    if (registered.Warnings) io.stderr(`Job Warnings:\n${registered.Warnings.trim()}\n`);
    io.stdout(
      `Registered job "${id}" (job modify index ${registered.JobModifyIndex}${registered.EvalID ? `, evaluation ${registered.EvalID}` : ''})\n`,
    );
    // Only service jobs get deployments; a plan that changes no allocation starts none either.
    const type = job.props.type ?? 'service';
    if (options.detach) return 0;
    if (type !== 'service') {
      io.stdout(`A ${type} job has no deployment to follow.\n`);
      return 0;
    }
    if (!planChangesAllocations(plan)) {
      io.stdout('No allocation changes: no deployment to follow.\n');
      return 0;
    }
    let last = '';
    const deployment = await client.waitForJobDeployment(id, {
      jobModifyIndex: registered.JobModifyIndex,
      onProgress: (progress) => {
        const text = formatDeploymentProgress(progress);
        if (text !== last) io.stdout(`${text}\n`);
        last = text;
      },
    });
    const final = formatDeploymentProgress(deploymentProgress(deployment));
    if (final !== last) io.stdout(`${final}\n`);
    if (deployment.Status === 'successful') return 0;
    io.stderr(`Deployment ${deployment.ID} ${deployment.Status}: ${deployment.StatusDescription ?? ''}\n`);
    return 1;
  } finally {
    client.close();
  }
}
