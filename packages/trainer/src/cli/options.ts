import { z } from 'zod';
import { BAD_ROW_POLICIES } from '../data/table';
import { MODEL_KINDS } from '../model/dense-network';
import { RUN_ID_PATTERN } from '../storage/run-store';
import { SOLVERS } from '../training/hyperparameters';
import { bool, choice, decimal, integer, type OptionSpec, text, url } from './option-spec';

// Every option of every command, with its environment variable and dispatch meta key.

export const data = {
  flag: 'data',
  env: 'TRAINING_DATA',
  meta: 'data',
  schema: text,
  description: 'CSV file or s3://bucket/key.csv with a header row',
  defaultText: 'builtin:iris',
} satisfies OptionSpec<string>;

export const label = {
  flag: 'label',
  env: 'LABEL_COLUMN',
  meta: 'label',
  schema: text,
  description: 'label column',
  defaultText: 'the last column (species for builtin:iris)',
} satisfies OptionSpec<string>;

export const out = {
  flag: 'out',
  env: 'OUTPUT_LOCATION',
  meta: 'output',
  schema: text,
  description: 'directory or s3://bucket/prefix the run is written under',
} satisfies OptionSpec<string>;

export const modelKind = {
  flag: 'model',
  env: 'MODEL_NAME',
  meta: 'model',
  schema: choice(MODEL_KINDS),
  description: 'logistic (multinomial logistic regression) or mlp (one hidden ReLU layer)',
  defaultText: 'logistic',
} satisfies OptionSpec<string>;

export const solver = {
  flag: 'solver',
  env: 'SOLVER',
  schema: choice(SOLVERS),
  description: 'lbfgs (full-batch quasi-Newton) or adam (mini-batch, early stopping)',
  defaultText: 'lbfgs for logistic, adam for mlp',
} satisfies OptionSpec<string>;

export const epochs = {
  flag: 'epochs',
  env: 'TRAINING_EPOCHS',
  meta: 'epochs',
  schema: integer(1, 100_000),
  description: 'the most passes over the training rows (L-BFGS iterations, Adam epochs)',
  defaultText: 'lbfgs 100; adam 20 to 200 from the row count, usually ended sooner by early stopping',
} satisfies OptionSpec<number>;

export const learningRate = {
  flag: 'learning-rate',
  env: 'LEARNING_RATE',
  meta: 'learning_rate',
  schema: decimal('a number above 0 and at most 10', (value) => value > 0 && value <= 10),
  description: 'Adam step size',
  defaultText: '0.01',
} satisfies OptionSpec<number>;

export const batchSize = {
  flag: 'batch-size',
  env: 'BATCH_SIZE',
  meta: 'batch_size',
  schema: integer(1, 1_000_000),
  description: 'rows per Adam step',
  defaultText: 'training rows / 500, from 16 to 256',
} satisfies OptionSpec<number>;

export const l2 = {
  flag: 'l2',
  env: 'L2_PENALTY',
  meta: 'l2',
  schema: decimal('a number from 0 to 10', (value) => value >= 0 && value <= 10),
  description: 'L2 penalty on weights',
  defaultText: "logistic 1/training rows (scikit-learn's C=1), mlp 0.0001",
} satisfies OptionSpec<number>;

export const hiddenSize = {
  flag: 'hidden-size',
  env: 'HIDDEN_SIZE',
  meta: 'hidden_size',
  schema: integer(1, 4096),
  description: 'hidden units of the mlp',
  defaultText: '16',
} satisfies OptionSpec<number>;

export const seed = {
  flag: 'seed',
  env: 'SEED',
  meta: 'seed',
  schema: integer(0, 2 ** 32 - 1),
  description: 'seeds initial weights and row order (the test split is fixed)',
  defaultText: '1',
} satisfies OptionSpec<number>;

export const testSplit = {
  flag: 'test-split',
  env: 'TEST_SPLIT',
  meta: 'test_split',
  schema: decimal('a fraction above 0 and below 1', (value) => value > 0 && value < 1),
  description: 'fraction of each class held out for the test metrics',
  defaultText: '0.2',
} satisfies OptionSpec<number>;

export const badRows = {
  flag: 'bad-rows',
  env: 'BAD_ROWS',
  meta: 'bad_rows',
  schema: choice(BAD_ROW_POLICIES),
  description: 'fail on the first unusable row (with its line), or skip and report them',
  defaultText: 'fail',
} satisfies OptionSpec<string>;

export const resume = {
  flag: 'resume',
  env: 'RESUME',
  meta: 'resume',
  boolean: true,
  schema: bool,
  description: "continue the run's checkpoint (the named run, or the newest unfinished one)",
} satisfies OptionSpec<boolean>;

export const runId = {
  flag: 'run-id',
  env: 'RUN_ID',
  meta: 'run_id',
  schema: z.string().trim().regex(RUN_ID_PATTERN, {
    error: 'expected letters, digits, ".", "_" or "-" (at most 128, starting with a letter or digit)',
  }),
  description: 'name of the run directory',
  defaultText: 'the dispatched Nomad job id, else time and random suffix',
} satisfies OptionSpec<string>;

export const checkpointInterval = {
  flag: 'checkpoint-interval',
  env: 'CHECKPOINT_INTERVAL_SECONDS',
  schema: decimal('a number of seconds above 0', (value) => value > 0),
  description: 'also checkpoint inside an epoch this often (seconds)',
  defaultText: 'at epoch ends only',
} satisfies OptionSpec<number>;

export const metricsPort = {
  flag: 'metrics-port',
  env: 'METRICS_PORT',
  schema: integer(0, 65_535),
  description: 'serve Prometheus metrics on this port while running (0 picks one)',
  defaultText: 'no endpoint',
} satisfies OptionSpec<number>;

export const metricsHost = {
  flag: 'metrics-host',
  env: 'METRICS_HOST',
  schema: text,
  description: 'address the metrics endpoint listens on',
  defaultText: '0.0.0.0',
} satisfies OptionSpec<string>;

export const pushgatewayUrl = {
  flag: 'pushgateway-url',
  env: 'PUSHGATEWAY_URL',
  schema: url,
  description: 'push the final metrics to this Prometheus Pushgateway',
  defaultText: 'no push',
} satisfies OptionSpec<string>;

export const hyperparameters = {
  flag: 'hyperparameters',
  env: 'HYPERPARAMETERS_LOCATION',
  meta: 'hyperparameters',
  schema: text,
  description: 'output of `trainer optimize` to take the best hyperparameters from (flags still win)',
} satisfies OptionSpec<string>;

export const trials = {
  flag: 'trials',
  env: 'OPTIMIZE_TRIALS',
  meta: 'trials',
  schema: integer(1, 1000),
  description: 'hyperparameter sets to try',
  defaultText: '12',
} satisfies OptionSpec<number>;

export const validationSplit = {
  flag: 'validation-split',
  env: 'VALIDATION_SPLIT',
  meta: 'validation_split',
  schema: decimal('a fraction above 0 and below 1', (value) => value > 0 && value < 1),
  description: 'fraction of the training rows that scores each trial',
  defaultText: '0.2',
} satisfies OptionSpec<number>;

export const modelLocation = {
  flag: 'model',
  env: 'MODEL_LOCATION',
  meta: 'model_location',
  schema: text,
  description: 'run directory, or output location (its latest run); s3:// too',
} satisfies OptionSpec<string>;

// Not OUTPUT_LOCATION: in a training job's environment that names the runs' prefix, not a file.
export const reportOut = {
  flag: 'out',
  env: 'REPORT_LOCATION',
  schema: text,
  description: 'also write the report (JSON) to this file or s3:// object',
  defaultText: 'standard output only',
} satisfies OptionSpec<string>;

export const predictionsOut = {
  flag: 'out',
  env: 'PREDICTIONS_LOCATION',
  meta: 'predictions',
  schema: text,
  description: 'CSV file or s3:// object for the predictions',
} satisfies OptionSpec<string>;

const trainingOptions = {
  data,
  label,
  out,
  model: modelKind,
  solver,
  epochs,
  learningRate,
  batchSize,
  l2,
  hiddenSize,
  seed,
  testSplit,
  badRows,
};

export const TRAIN_OPTIONS = {
  ...trainingOptions,
  hyperparameters,
  resume,
  runId,
  checkpointInterval,
  metricsPort,
  metricsHost,
  pushgatewayUrl,
};

export const OPTIMIZE_OPTIONS = { ...trainingOptions, trials, validationSplit, runId };

export const EVALUATE_OPTIONS = { model: modelLocation, data, out: reportOut, badRows };

export const PREDICT_OPTIONS = { model: modelLocation, data, out: predictionsOut, badRows };

export const servePort = {
  flag: 'port',
  env: 'PORT',
  schema: integer(0, 65_535),
  description: 'port of the HTTP service (0 picks one)',
  defaultText: '8080',
} satisfies OptionSpec<number>;

export const serveHost = {
  flag: 'host',
  env: 'HOST',
  schema: text,
  description: 'address the service listens on',
  defaultText: '0.0.0.0',
} satisfies OptionSpec<string>;

export const reloadInterval = {
  flag: 'reload-interval',
  env: 'RELOAD_INTERVAL_SECONDS',
  schema: decimal('a number of seconds from 0 (never) to 86400', (value) => value >= 0 && value <= 86_400),
  description: 'how often to look for a new latest run (SIGHUP looks at once)',
  defaultText: '10',
} satisfies OptionSpec<number>;

export const drainSeconds = {
  flag: 'drain-seconds',
  env: 'DRAIN_SECONDS',
  schema: decimal('a number of seconds from 0 to 300', (value) => value >= 0 && value <= 300),
  description: 'after SIGTERM, keep answering (with /ready 503) this long before closing',
  defaultText: '5',
} satisfies OptionSpec<number>;

export const maxBodyBytes = {
  flag: 'max-body-bytes',
  env: 'MAX_BODY_BYTES',
  schema: integer(1024, 1 << 30),
  description: 'largest request body; larger gets 413',
  defaultText: '1048576',
} satisfies OptionSpec<number>;

export const SERVE_OPTIONS = {
  model: modelLocation,
  port: servePort,
  host: serveHost,
  reloadInterval,
  drainSeconds,
  maxBodyBytes,
};
