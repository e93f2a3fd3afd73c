import { trainerJob } from '../src/job/trainer-job';

/** The job as the committed files render it: an example image and bucket to replace with yours. */
export const EXAMPLE_JOB_PROPS = {
  image: 'ghcr.io/org/nomad-on-aws/trainer:latest',
  outputLocation: 's3://example-trainer-runs/trainer',
  awsRegion: 'us-east-1',
} as const;

/** File name -> content of the rendered job. */
export function renderedJobFiles(): Record<string, string> {
  const job = trainerJob(EXAMPLE_JOB_PROPS);
  return {
    'trainer.nomad.hcl': job.toHcl(),
    'trainer.nomad.json': `${JSON.stringify(job.toApiJson(), null, 2)}\n`,
  };
}
