import { Duration, type HclExpression, Job, Size } from '@org/jobspec-builder';

export interface TrainerPipelineJobProps {
  /** The trainer's container image (this package's Dockerfile). */
  readonly image: string | HclExpression;
  /** Job ID, also the group name. @default 'trainer-pipeline' */
  readonly id?: string;
  /** AWS region of the buckets (`AWS_REGION`). @default - the SDK's own lookup */
  readonly awsRegion?: string;
  /** @default ['*'] */
  readonly datacenters?: readonly string[];
  /** @default - the `default` pool */
  readonly nodePool?: string | HclExpression;
  /** CPU (MHz) of each step. @default 2000 */
  readonly cpu?: number;
  /** Memory of each step; the data is held once (rows x features x 8 bytes, and the file's parse). @default Size.gibibytes(1) */
  readonly memory?: Size;
  /** Hyperparameter sets `optimize` tries (dispatch meta `trials` overrides). @default 8 */
  readonly trials?: number;
}

/**
 * Dispatch meta of the pipeline. `output` is required; the others default to the
 * job's `meta` (the built-in iris data, logistic regression). The steps read
 * them as `NOMAD_META_<key>`, as the CLI does.
 */
export const PIPELINE_META = {
  required: ['output'],
  optional: ['data', 'label', 'model', 'trials', 'predict_data', 'seed', 'test_split', 'bad_rows'],
  defaults: { data: 'builtin:iris', model: 'logistic', predict_data: 'builtin:iris' },
} as const;

/** Where a dispatch's steps write: its own directory under `output`, named by the dispatched job's id. */
export const PIPELINE_RUN_LOCATION = '${NOMAD_META_output}/${NOMAD_JOB_ID}';

/**
 * The optimize → train → predict pipeline as one parameterized batch job (what
 * Step Functions chained in the ECS project): one allocation per dispatch, with
 *
 * - a `prestart` task (not a sidecar: it must succeed first) running
 *   `trainer optimize` into `<run>/optimize`,
 * - the main task running `trainer train --resume` with the best set found, into
 *   `<run>/model` (a restarted allocation continues its checkpoint),
 * - a `poststop` task running `trainer predict` with that model on `predict_data`,
 *   into `<run>/predictions.csv`,
 *
 * where `<run>` is `${NOMAD_META_output}/${NOMAD_JOB_ID}` (e.g.
 * `s3://acme-ml/pipeline/trainer-pipeline/dispatch-1712345678-3a4b5c6d`). A step
 * that fails fails the allocation, and so the dispatch, with the step's logs
 * (`nomad alloc logs <alloc> <step>`); the poststop step fails too when training
 * published no model.
 */
export function trainerPipelineJob(props: TrainerPipelineJobProps): Job {
  const id = props.id ?? 'trainer-pipeline';
  const memory = props.memory ?? Size.gibibytes(1);
  const run = PIPELINE_RUN_LOCATION;
  const step = (name: string, args: string[], hook?: 'prestart' | 'poststop') => ({
    name,
    driver: 'docker',
    ...(hook ? { lifecycle: { hook, sidecar: false } } : {}),
    config: { image: props.image, args },
    env: { ...(props.awsRegion ? { AWS_REGION: props.awsRegion } : {}) },
    resources: { cpu: props.cpu ?? 2000, memory, memoryMax: Size.mebibytes(2 * memory.toMebibytes()) },
    killSignal: 'SIGTERM',
    killTimeout: Duration.seconds(30),
    logs: { maxFiles: 5, maxFileSize: Size.mebibytes(20) },
  });
  return new Job({
    id,
    type: 'batch',
    datacenters: props.datacenters ?? ['*'],
    ...(props.nodePool === undefined ? {} : { nodePool: props.nodePool }),
    parameterized: {
      payload: 'forbidden',
      metaRequired: [...PIPELINE_META.required],
      metaOptional: [...PIPELINE_META.optional],
    },
    meta: { ...PIPELINE_META.defaults, trials: String(props.trials ?? 8) },
    groups: [
      {
        name: id,
        count: 1,
        // One retry in place, then one on another node; each step resumes or redoes cheaply, then the dispatch fails.
        restart: { attempts: 1, interval: Duration.minutes(30), delay: Duration.seconds(15), mode: 'fail' },
        reschedule: { attempts: 1, interval: Duration.hours(6), delay: Duration.seconds(30), unlimited: false },
        tasks: [
          step('optimize', ['optimize', '--out', `${run}/optimize`], 'prestart'),
          step('train', ['train', '--resume', '--out', `${run}/model`, '--hyperparameters', `${run}/optimize`]),
          step(
            'predict',
            [
              'predict',
              '--model',
              `${run}/model`,
              '--data',
              '${NOMAD_META_predict_data}',
              '--out',
              `${run}/predictions.csv`,
            ],
            'poststop',
          ),
        ],
      },
    ],
  });
}
