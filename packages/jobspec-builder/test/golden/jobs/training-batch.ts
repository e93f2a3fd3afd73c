import { Duration, parameterizedBatchJob, Size } from '../../../src';

/** A parameterized ML training job: one run per dispatch. */
export const trainingBatch = parameterizedBatchJob({
  id: 'trainer',
  image: 'ghcr.io/acme/trainer:0.3.0',
  command: 'trainer',
  args: ['train', '--epochs', '${NOMAD_META_epochs}', '--output', '${NOMAD_ALLOC_DIR}/data/model'],
  metaRequired: ['dataset'],
  metaOptional: ['epochs', 'seed'],
  payload: 'optional',
  payloadFile: 'params.json',
  cpu: 2000,
  memory: Size.gibibytes(2),
  job: { meta: { epochs: '10', seed: '42' }, priority: 40 },
  task: {
    logs: { maxFiles: 5, maxFileSize: Size.mebibytes(20) },
    restart: { attempts: 1, interval: Duration.hours(1), delay: Duration.seconds(30), mode: 'fail' },
    templates: [
      {
        destination: 'local/params.env',
        env: true,
        data: 'DATASET={{ env "NOMAD_META_dataset" }}\nSEED=${NOMAD_META_seed}\n',
      },
    ],
  },
});
