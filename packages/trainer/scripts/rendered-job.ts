import { Variable } from '@org/jobspec-builder';
import { trainerJob } from '../src/job/trainer-job';

/**
 * The job as the committed files render it. The image is the tag the README's `docker build`
 * makes (`-t trainer`), for a `nomad agent -dev` on the same Docker engine; there is no default
 * output location, so every dispatch names its own with `-meta output=s3://...`.
 */
export const EXAMPLE_JOB_PROPS = { image: 'trainer:latest' } as const;

/** The image and the node pool are input variables of the HCL file: `-var image=... -var node_pool=...`. */
export const JOB_VARIABLES = {
  image: new Variable('image', {
    type: 'string',
    description: 'Container image built from packages/trainer/Dockerfile',
    default: EXAMPLE_JOB_PROPS.image,
  }),
  nodePool: new Variable('node_pool', {
    type: 'string',
    description: 'Nomad node pool the runs go to',
    default: 'default',
  }),
};

/** File name -> content of the rendered job. */
export function renderedJobFiles(): Record<string, string> {
  const { image, nodePool } = JOB_VARIABLES;
  return {
    'trainer.nomad.hcl': trainerJob({ image: image.ref, nodePool: nodePool.ref }).toHcl({
      variables: [image, nodePool],
    }),
    'trainer.nomad.json': `${JSON.stringify(trainerJob(EXAMPLE_JOB_PROPS).toApiJson(), null, 2)}\n`,
  };
}
