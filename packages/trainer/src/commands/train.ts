import type { BadRowPolicy } from '../data/table';
import { TrainerError } from '../errors';
import { DenseNetwork } from '../model/dense-network';
import { type ModelFile, nonFiniteValue, toModelFile } from '../model/model-file';
import type { MetricsServer } from '../observability/training-metrics';
import { TrainingMetrics } from '../observability/training-metrics';
import { checkWritableDirectory, removeDeadTemporaries } from '../storage/local-store';
import { formatLocation, parseLocation } from '../storage/location';
import { type RunManifest, RunStore } from '../storage/run-store';
import { storeAt } from '../storage/stores';
import { decodeCheckpoint, encodeCheckpoint, type RunFingerprint } from '../training/checkpoint';
import { type ClassificationMetrics, evaluateRows } from '../training/classification-metrics';
import { HOLD_AT_VARIABLE, parseHoldPoint, waitForAbort } from '../training/hold-point';
import { chooseHyperparameters, type Hyperparameters, type Setting } from '../training/hyperparameters';
import { SPLIT_SEED, stratifiedSplit } from '../training/split';
import {
  type EpochMetrics,
  initialTrainingState,
  type StopReason,
  type TrainingState,
  trainLoop,
} from '../training/train-loop';
import { loadTrainingData, type TrainingData } from '../training/training-data';
import type { CommandContext } from './context';
import { readHyperparameters } from './optimize';
import { checkRunId, defaultRunId } from './run-id';

export interface TrainOptions {
  /** `builtin:iris`, a CSV file, or `s3://bucket/key.csv`. */
  readonly data: string;
  /** @default - `species` for the built-in data, else the last column */
  readonly label?: string;
  /** Directory or `s3://bucket/prefix` the run is written under. */
  readonly out: string;
  /** Values given explicitly; the rest come from `hyperparametersFrom`, then the defaults. */
  readonly hyperparameters?: Partial<Hyperparameters>;
  /** An optimize run (its location) whose best hyperparameters to start from. @default - none */
  readonly hyperparametersFrom?: string;
  /** @default 0.2 */
  readonly testSplit?: number;
  /** @default 'fail' */
  readonly badRows?: BadRowPolicy;
  /** Continue the run's checkpoint if there is one. @default false */
  readonly resume?: boolean;
  /** @default - the dispatched Nomad job's id, else the time and a random suffix */
  readonly runId?: string;
  /** Checkpoint inside epochs this often, besides at each epoch's end. @default - at epoch ends only */
  readonly checkpointIntervalSeconds?: number;
  /** Serve Prometheus metrics on this port while training (0 picks one). @default - no endpoint */
  readonly metricsPort?: number;
  /** @default '0.0.0.0' */
  readonly metricsHost?: string;
  /** Push the final metrics to this Prometheus Pushgateway. @default - no push */
  readonly pushgatewayUrl?: string;
}

/**
 * Epoch-end checkpoints at most this often (the last epoch, a stop and a hold
 * point always get one): on small data epochs take milliseconds, and a flushed
 * checkpoint per epoch would be most of the run.
 */
const EPOCH_CHECKPOINT_MIN_INTERVAL_MS = 2000;

/** Adam watches a validation part of the training rows when there are at least this many. */
const VALIDATION_MIN_TRAIN_ROWS = 2000;
/** The part of the training rows early stopping watches (scikit-learn's `validation_fraction`). */
const VALIDATION_FRACTION = 0.1;
/** Fixed like the test split's seed: the same validation rows for every run of a dataset. */
const VALIDATION_SEED = SPLIT_SEED + 1;

/** `metrics.json` of a training run. */
export interface TrainingMetricsFile {
  readonly format: 'org.trainer.metrics';
  readonly version: 1;
  readonly runId: string;
  readonly data: {
    readonly source: string;
    readonly sha256: string;
    readonly bytes: number;
    readonly rows: number;
    readonly badRows: TrainingData['table']['badRows'];
    readonly labelColumn: string;
    readonly featureColumns: readonly string[];
    readonly classes: readonly string[];
  };
  readonly split: {
    readonly testFraction: number;
    readonly seed: number;
    /** Rows the parameters were fitted on. */
    readonly trainRows: number;
    readonly testRows: number;
    /** Rows of the training part set aside for early stopping (Adam on 2,000 training rows or more). */
    readonly validationRows: number;
  };
  readonly hyperparameters: Hyperparameters;
  /** Where each hyperparameter came from, and why a default was chosen. */
  readonly settings: Record<keyof Hyperparameters, Setting>;
  /** Why training stopped: converged, early stop, or the epoch limit. */
  readonly stopped: StopReason;
  readonly epochs: readonly EpochMetrics[];
  readonly test: ClassificationMetrics;
  readonly resumedFrom?: { readonly epoch: number; readonly batch: number };
  readonly timings: {
    readonly readSeconds: number;
    readonly trainSeconds: number;
    readonly evaluateSeconds: number;
    readonly totalSeconds: number;
  };
}

export interface TrainResult {
  readonly runId: string;
  /** Where the run is: `<out>/<run-id>`. */
  readonly location: string;
  readonly manifest: RunManifest;
  readonly model: ModelFile;
  readonly metrics: TrainingMetricsFile;
}

/**
 * `trainer train`: reads the data, trains with checkpoints, evaluates on the fixed
 * test split, and writes `model.json` and `metrics.json` as one run under `out`.
 */
export async function train(options: TrainOptions, context: CommandContext): Promise<TrainResult> {
  const started = performance.now();
  const { logger } = context;
  const out = parseLocation(options.out);
  const runs = new RunStore(storeAt(out, context.storage));
  const holdAt = parseHoldPoint((context.env ?? process.env)[HOLD_AT_VARIABLE]);
  const given = await givenHyperparameters(options, context);
  const testSplit = options.testSplit ?? 0.2;
  if (out.kind === 'local') await checkWritableDirectory(out.path);
  const { runId, checkpoint } = await chooseRun(options, runs, context);
  if (out.kind === 'local') {
    const removed = await removeDeadTemporaries(out.path, runId);
    if (removed.length > 0)
      logger.info('removed temporary files of dead runs', { files: removed.slice(0, 10), count: removed.length });
  }
  if (checkpoint === 'complete') {
    const location = `${formatLocation(out)}/${runId}`;
    const result = await readTrainResult(runs, runId, location);
    // A run killed after its manifest and before `latest` is complete but unseen: make it visible now.
    const repaired = await runs.repairLatest(result.manifest);
    logger.info('run already complete', { runId, location, ...(repaired ? { latestRepaired: true } : {}) });
    return result;
  }

  const data = await loadTrainingData({
    data: options.data,
    labelColumn: options.label,
    testSplit,
    badRows: options.badRows ?? 'fail',
    storage: context.storage,
  });
  const { table, split } = data;
  const { hyperparameters, settings } = chooseHyperparameters(given.explicit, given.fromFile, split.train.length);
  // Adam on enough rows watches a validation part of the training rows to stop early; L-BFGS stops on its gradient.
  const watched =
    hyperparameters.solver === 'adam' && split.train.length >= VALIDATION_MIN_TRAIN_ROWS
      ? stratifiedSplit(table.labels, table.classes.length, VALIDATION_FRACTION, VALIDATION_SEED, split.train)
      : { train: split.train, test: new Uint32Array(0) };
  const fitRows = watched.train;
  const validationRows = watched.test;
  logger.info('data read', {
    source: data.source,
    rows: table.rowCount,
    features: table.featureNames.length,
    classes: table.classes,
    badRows: table.badRows.count,
    trainRows: split.train.length,
    testRows: split.test.length,
    seconds: round(data.readSeconds),
  });
  for (const badRow of table.badRows.examples)
    logger.warn('bad row skipped', { line: badRow.line, reason: badRow.reason });

  const network = DenseNetwork.forKind(
    hyperparameters.model,
    table.featureNames.length,
    table.classes.length,
    hyperparameters.hiddenSize,
  );
  const fingerprint: RunFingerprint = {
    hyperparameters,
    dataSha256: table.sha256,
    labelColumn: data.labelColumn,
    featureColumns: table.featureNames,
    classes: table.classes,
    testSplit,
  };
  const state: TrainingState = checkpoint
    ? decodeCheckpoint(checkpoint.toString('utf8'), runId, fingerprint, network.parameterCount)
    : initialTrainingState(network, hyperparameters.seed);
  const resumedFrom = checkpoint ? { epoch: state.epoch, batch: state.batch } : undefined;
  logger.info(resumedFrom ? 'resuming training' : 'training', { runId, ...hyperparameters, ...resumedFrom });

  const metrics = new TrainingMetrics(runId, hyperparameters.model, hyperparameters.epochs);
  metrics.setEpochsCompleted(state.epoch);
  let server: MetricsServer | undefined;
  try {
    if (options.metricsPort !== undefined) {
      server = await metrics.serve(options.metricsPort, options.metricsHost ?? '0.0.0.0');
      logger.info('metrics endpoint', { url: `http://${options.metricsHost ?? '0.0.0.0'}:${server.port}/metrics` });
    }
    const trainStarted = performance.now();
    await trainLoop({
      network,
      hyperparameters,
      rows: table,
      trainRows: fitRows,
      testRows: split.test,
      validationRows,
      classes: table.classes,
      state,
      signal: context.signal,
      checkpointIntervalMs:
        options.checkpointIntervalSeconds === undefined ? undefined : options.checkpointIntervalSeconds * 1000,
      epochCheckpointMinIntervalMs: EPOCH_CHECKPOINT_MIN_INTERVAL_MS,
      checkpoint: async (current) => {
        await runs.writeCheckpoint(runId, encodeCheckpoint(current, runId, fingerprint));
        metrics.onCheckpoint();
      },
      onBatch: (progress) => {
        logger.progress(progress);
        metrics.onBatch(progress);
      },
      onEpoch: async (epoch) => {
        metrics.onEpoch(epoch);
        logger.info('epoch', { ...epoch, epochs: hyperparameters.epochs });
        await context.onEpoch?.(epoch, { runId, metricsPort: server?.port });
      },
      hold: holdAt && {
        at: holdAt,
        wait: async (current) => {
          logger.info('holding', { runId, epoch: current.epoch, batch: current.batch, until: 'SIGTERM or SIGINT' });
          await waitForAbort(context.signal);
        },
      },
    });
    const trainSeconds = (performance.now() - trainStarted) / 1000;

    const evaluateStarted = performance.now();
    const test = evaluateRows(network, state.params, table, split.test, table.classes);
    const evaluateSeconds = (performance.now() - evaluateStarted) / 1000;
    const model = toModelFile({
      network,
      params: state.params,
      labelColumn: data.labelColumn,
      featureColumns: table.featureNames,
      classes: table.classes,
      standardization: data.standardization,
      hyperparameters,
      training: { runId, dataSha256: table.sha256, rows: fitRows.length },
    });
    const broken = nonFiniteValue(model);
    if (broken) {
      throw new TrainerError(
        'invalid-model',
        `run ${runId} trained a model with ${broken.path} = ${broken.value}, so it was not published: training diverged; lower --learning-rate, or check the data for extreme values`,
      );
    }
    const metricsFile: TrainingMetricsFile = {
      format: 'org.trainer.metrics',
      version: 1,
      runId,
      data: {
        source: data.source,
        sha256: table.sha256,
        bytes: table.bytes,
        rows: table.rowCount,
        badRows: table.badRows,
        labelColumn: data.labelColumn,
        featureColumns: table.featureNames,
        classes: table.classes,
      },
      split: {
        testFraction: testSplit,
        seed: SPLIT_SEED,
        trainRows: fitRows.length,
        testRows: split.test.length,
        validationRows: validationRows.length,
      },
      hyperparameters,
      settings,
      stopped: state.stopped as StopReason,
      epochs: state.history,
      test,
      ...(resumedFrom ? { resumedFrom } : {}),
      timings: {
        readSeconds: data.readSeconds,
        trainSeconds,
        evaluateSeconds,
        totalSeconds: (performance.now() - started) / 1000,
      },
    };

    const writer = runs.startRun(runId, 'train');
    await writer.writeFile('model.json', `${JSON.stringify(model)}\n`);
    await writer.writeFile('metrics.json', `${JSON.stringify(metricsFile, null, 2)}\n`);
    const manifest = await writer.commit();
    const location = `${formatLocation(out)}/${runId}`;
    logger.info('run complete', {
      runId,
      location,
      testAccuracy: test.accuracy,
      testMacroF1: test.macroF1,
      stopped: metricsFile.stopped.reason,
      seconds: round(metricsFile.timings.totalSeconds),
    });
    if (options.pushgatewayUrl) {
      try {
        await metrics.push(options.pushgatewayUrl);
        logger.info('metrics pushed', { url: options.pushgatewayUrl });
      } catch (error) {
        // The run is complete and saved: a monitoring outage must not fail it.
        logger.warn('metrics push failed', { url: options.pushgatewayUrl, error: (error as Error).message });
      }
    }
    return { runId, location, manifest, model, metrics: metricsFile };
  } finally {
    await server?.close();
  }
}

/** The values given as options, and those of the optimize run `hyperparametersFrom` names. */
async function givenHyperparameters(
  options: TrainOptions,
  context: CommandContext,
): Promise<{ explicit: Partial<Hyperparameters>; fromFile: Partial<Hyperparameters> }> {
  const fromFile = options.hyperparametersFrom ? await readHyperparameters(options.hyperparametersFrom, context) : {};
  const explicit = Object.fromEntries(
    Object.entries(options.hyperparameters ?? {}).filter(([, value]) => value !== undefined),
  );
  return { explicit, fromFile };
}

/** Picks the run id, and the checkpoint to resume (or 'complete' when the run is done already). */
async function chooseRun(
  options: TrainOptions,
  runs: RunStore,
  context: CommandContext,
): Promise<{ runId: string; checkpoint?: Buffer | 'complete' }> {
  const env = context.env ?? process.env;
  const named = options.runId ?? (env.NOMAD_JOB_ID?.includes('/') ? defaultRunId(env) : undefined);
  if (named !== undefined) {
    const runId = checkRunId(named, options.runId ? '--run-id' : 'run id from NOMAD_JOB_ID');
    if (await runs.readManifest(runId)) {
      if (options.resume) return { runId, checkpoint: 'complete' };
      throw new TrainerError(
        'run-conflict',
        `run ${runId} already exists at ${runs.store.description}: choose another --run-id, or pass --resume to accept the finished run`,
      );
    }
    const checkpoint = options.resume ? await runs.readCheckpoint(runId) : undefined;
    return checkpoint ? { runId, checkpoint } : { runId };
  }
  if (options.resume) {
    // The most recently checkpointed unfinished run.
    let newest: { runId: string; checkpoint: Buffer; savedAt: string } | undefined;
    for (const runId of await runs.incompleteRuns()) {
      const checkpoint = await runs.readCheckpoint(runId);
      if (!checkpoint) continue;
      const savedAt = String((JSON.parse(checkpoint.toString('utf8')) as { savedAt?: unknown }).savedAt ?? '');
      if (!newest || savedAt > newest.savedAt) newest = { runId, checkpoint, savedAt };
    }
    if (newest) return { runId: newest.runId, checkpoint: newest.checkpoint };
    context.logger.info('nothing to resume: starting a new run', { out: runs.store.description });
  }
  return { runId: defaultRunId(env) };
}

async function readTrainResult(runs: RunStore, runId: string, location: string): Promise<TrainResult> {
  const manifest = (await runs.readManifest(runId)) as RunManifest;
  const read = async (name: string): Promise<unknown> =>
    JSON.parse((await runs.readRunFile(manifest, name)).toString('utf8'));
  return {
    runId,
    location,
    manifest,
    model: (await read('model.json')) as ModelFile,
    metrics: (await read('metrics.json')) as TrainingMetricsFile,
  };
}

function round(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
