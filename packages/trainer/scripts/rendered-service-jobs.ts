import { Variable } from '@org/jobspec-builder';
import { predictionServiceJob } from '../src/job/prediction-service-job';
import { trainerPipelineJob } from '../src/job/trainer-pipeline-job';

/**
 * The prediction service and the pipeline as the committed files render them: the
 * image (and for the service, the model location) are HCL input variables
 * (`-var image=... -var model_location=s3://...`); the API JSON has the examples.
 */
export const SERVICE_JOB_EXAMPLE = { image: 'trainer:latest', modelLocation: 's3://example-bucket/trainer' } as const;

const image = new Variable('image', {
  type: 'string',
  description: 'Container image built from packages/trainer/Dockerfile',
  default: SERVICE_JOB_EXAMPLE.image,
});
const modelLocation = new Variable('model_location', {
  type: 'string',
  description: 'Output location of trainer runs (s3://bucket/prefix) whose latest run is served',
});

/** File name -> content of the rendered service and pipeline jobs. */
export function renderedServiceJobFiles(): Record<string, string> {
  return {
    'trainer-serve.nomad.hcl': predictionServiceJob({ image: image.ref, modelLocation: modelLocation.ref }).toHcl({
      variables: [image, modelLocation],
    }),
    'trainer-serve.nomad.json': `${JSON.stringify(predictionServiceJob(SERVICE_JOB_EXAMPLE).toApiJson(), null, 2)}\n`,
    'trainer-pipeline.nomad.hcl': trainerPipelineJob({ image: image.ref }).toHcl({ variables: [image] }),
    'trainer-pipeline.nomad.json': `${JSON.stringify(trainerPipelineJob(SERVICE_JOB_EXAMPLE).toApiJson(), null, 2)}\n`,
  };
}
