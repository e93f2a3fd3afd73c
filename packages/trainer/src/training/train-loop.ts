import { TrainerError } from '../errors';
import type { DenseNetwork, Rows } from '../model/dense-network';
import { Random } from '../random';
import { type AdamState, adamStep, newAdamState } from './adam';
import { evaluateRows } from './classification-metrics';
import type { HoldPoint } from './hold-point';
import type { Hyperparameters } from './hyperparameters';
import { type LbfgsMemory, lbfgsIteration } from './lbfgs';

/** Figures of one finished epoch. */
export interface EpochMetrics {
  /** 1-based. */
  readonly epoch: number;
  /** Mean cross-entropy over the epoch's batches, each with the parameters before its step. */
  readonly trainLoss: number;
  readonly trainAccuracy: number;
  /** On the test rows, after the epoch (absent without test rows). */
  readonly testLoss?: number;
  readonly testAccuracy?: number;
  /** On the validation rows that early stopping watches, after the epoch (absent without them). */
  readonly validationLoss?: number;
  readonly validationAccuracy?: number;
  /** Wall-clock time of the epoch (of the part after a resume, for the epoch a run resumed in). */
  readonly seconds: number;
  readonly rowsPerSecond: number;
}

/** Everything needed to continue training exactly where it stopped. */
export interface TrainingState {
  /** Epochs completed. */
  epoch: number;
  /** Batches completed in the current epoch. */
  batch: number;
  readonly params: Float64Array;
  readonly adam: AdamState;
  /** Running totals of the current epoch. */
  epochLossSum: number;
  epochCorrect: number;
  epochRows: number;
  readonly history: EpochMetrics[];
  /** L-BFGS's curvature pairs (solver `lbfgs`). */
  lbfgs?: LbfgsMemory;
  /** Adam with early stopping: the best parameters so far, by the watched loss. */
  best?: { readonly epoch: number; readonly loss: number; readonly params: Float64Array };
  /** Epochs since the watched loss last improved. */
  staleEpochs?: number;
  /** Set when training has ended before its epoch limit, or at it. */
  stopped?: StopReason;
}

/** Why training stopped, recorded in `metrics.json`. */
export interface StopReason {
  readonly reason: 'converged' | 'early-stop' | 'epoch-limit';
  readonly detail: string;
  /** The epoch whose parameters the model has (early stopping keeps the best one). */
  readonly epoch: number;
}

/**
 * Early stopping of Adam: with validation rows, stop when their loss has not
 * improved by a relative 1e-4 for 5 epochs and keep the best epoch's parameters;
 * without, stop when the training loss has not for 10 epochs (scikit-learn's
 * MLPClassifier rule, `tol` 1e-4, `n_iter_no_change` 10).
 */
export const EARLY_STOPPING = { tolerance: 1e-4, patience: 5, patienceWithoutValidation: 10 } as const;

/** L-BFGS stops when the largest gradient component is at most this (scikit-learn's `tol`). */
export const LBFGS_GRADIENT_TOLERANCE = 1e-4;

/** Progress after a batch, for progress bars and metrics. */
export interface BatchProgress {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  /** Rows in this batch. */
  readonly rows: number;
  /** Running mean over the epoch so far. */
  readonly loss: number;
  readonly accuracy: number;
  readonly rowsPerSecond: number;
}

export interface TrainLoopOptions {
  readonly network: DenseNetwork;
  readonly hyperparameters: Hyperparameters;
  readonly rows: Rows;
  readonly trainRows: Uint32Array;
  readonly testRows: Uint32Array;
  /** Rows early stopping watches (Adam): none means the training loss is watched. @default - none */
  readonly validationRows?: Uint32Array;
  readonly classes: readonly string[];
  /** Where to start: {@link initialTrainingState} or a restored checkpoint. */
  readonly state: TrainingState;
  /** Stops at the next batch boundary, after a checkpoint. */
  readonly signal?: AbortSignal;
  /** Also checkpoint inside an epoch when this long has passed since the last one. @default - at epoch ends only */
  readonly checkpointIntervalMs?: number;
  /**
   * Skip an epoch-end checkpoint when the last one is more recent than this: on
   * small data, epochs take milliseconds and flushing a checkpoint after each
   * would be most of the run. The last epoch, a stop request and a hold point are
   * always checkpointed. @default 0 (every epoch)
   */
  readonly epochCheckpointMinIntervalMs?: number;
  readonly checkpoint: (state: TrainingState) => Promise<void>;
  readonly onBatch?: (progress: BatchProgress) => void;
  readonly onEpoch?: (metrics: EpochMetrics, state: TrainingState) => void | Promise<void>;
  /** Waits at a point of the run (see {@link HoldPoint}), e.g. until a stop signal. @default - never waits */
  readonly hold?: { readonly at: HoldPoint; wait(state: TrainingState): Promise<void> };
}

export function initialTrainingState(network: DenseNetwork, seed: number): TrainingState {
  const params = new Float64Array(network.parameterCount);
  network.initialize(params, Random.derive(seed, 0));
  return {
    epoch: 0,
    batch: 0,
    params,
    adam: newAdamState(network.parameterCount),
    epochLossSum: 0,
    epochCorrect: 0,
    epochRows: 0,
    history: [],
  };
}

/**
 * Mini-batch training with Adam. Deterministic: the row order of epoch `e` comes
 * from (seed, e) alone, so training resumed from any checkpoint (an epoch end or a
 * batch boundary) does the same arithmetic in the same order as a run that was
 * never interrupted, and ends with bit-identical parameters.
 */
export async function trainLoop(options: TrainLoopOptions): Promise<TrainingState> {
  if (options.hyperparameters.solver === 'lbfgs') return lbfgsLoop(options);
  const { network, hyperparameters, rows, trainRows, state, hold } = options;
  const { epochs, batchSize, learningRate, l2, seed } = hyperparameters;
  const gradient = new Float64Array(network.parameterCount);
  const batches = Math.ceil(trainRows.length / batchSize);
  const checkpoints = new Checkpoints(options);

  while (state.epoch < epochs && !state.stopped) {
    const order = epochOrder(trainRows, seed, state.epoch);
    const epochStart = performance.now();
    const rowsAtStart = state.epochRows;
    while (state.batch < batches) {
      const start = state.batch * batchSize;
      const end = Math.min(trainRows.length, start + batchSize);
      const result = network.lossAndGradient(state.params, rows, order, start, end, gradient);
      addL2Gradient(state.params, gradient, network.weightMask, l2);
      adamStep(state.params, gradient, state.adam, learningRate);
      state.epochLossSum += result.lossSum;
      state.epochCorrect += result.correct;
      state.epochRows += end - start;
      state.batch++;
      const elapsed = (performance.now() - epochStart) / 1000;
      options.onBatch?.({
        epoch: state.epoch + 1,
        epochs,
        batch: state.batch,
        batches,
        rows: end - start,
        loss: state.epochLossSum / state.epochRows,
        accuracy: state.epochCorrect / state.epochRows,
        rowsPerSecond: elapsed > 0 ? (state.epochRows - rowsAtStart) / elapsed : 0,
      });
      if (hold?.at.batch === state.batch && hold.at.epoch === state.epoch + 1) await hold.wait(state);
      if (options.signal?.aborted) {
        await checkpoints.save(state);
        throw new TrainerError('aborted', `training stopped in epoch ${state.epoch + 1} after a checkpoint`);
      }
      if (options.checkpointIntervalMs !== undefined && state.batch < batches) {
        await checkpoints.saveIfOlderThan(state, options.checkpointIntervalMs);
      }
    }
    const seconds = (performance.now() - epochStart) / 1000;
    const test =
      options.testRows.length > 0
        ? evaluateRows(network, state.params, rows, options.testRows, options.classes)
        : undefined;
    const validation =
      options.validationRows && options.validationRows.length > 0
        ? evaluateRows(network, state.params, rows, options.validationRows, options.classes)
        : undefined;
    const metrics: EpochMetrics = {
      epoch: state.epoch + 1,
      trainLoss: state.epochLossSum / state.epochRows,
      trainAccuracy: state.epochCorrect / state.epochRows,
      ...(test ? { testLoss: test.loss, testAccuracy: test.accuracy } : {}),
      ...(validation ? { validationLoss: validation.loss, validationAccuracy: validation.accuracy } : {}),
      seconds,
      rowsPerSecond: seconds > 0 ? (state.epochRows - rowsAtStart) / seconds : 0,
    };
    state.history.push(metrics);
    state.epoch++;
    state.batch = 0;
    state.epochLossSum = 0;
    state.epochCorrect = 0;
    state.epochRows = 0;
    watchForEarlyStop(state, validation ? validation.loss : metrics.trainLoss, validation !== undefined);
    if (!state.stopped && state.epoch >= epochs) {
      state.stopped = { reason: 'epoch-limit', detail: `reached ${epochs} epochs`, epoch: state.epoch };
    }
    await checkpoints.epochEnded(state);
    await options.onEpoch?.(metrics, state);
    await holdAfterEpoch(options, state, checkpoints);
    if (options.signal?.aborted && !state.stopped) {
      await checkpoints.saveIfChanged(state);
      throw new TrainerError('aborted', `training stopped after epoch ${state.epoch}, checkpointed`);
    }
  }
  return state;
}

/** When checkpoints are written: the cadence of {@link TrainLoopOptions}, and always before a stop. */
class Checkpoints {
  private last = Date.now();
  private changed = false;

  constructor(private readonly options: TrainLoopOptions) {}

  async save(state: TrainingState): Promise<void> {
    await this.options.checkpoint(state);
    this.last = Date.now();
    this.changed = false;
  }

  async saveIfOlderThan(state: TrainingState, ms: number): Promise<void> {
    if (Date.now() - this.last >= ms) await this.save(state);
  }

  async saveIfChanged(state: TrainingState): Promise<void> {
    if (this.changed) await this.save(state);
  }

  /** At an epoch's end: the last epoch always, others unless the last checkpoint is recent. */
  async epochEnded(state: TrainingState): Promise<void> {
    this.changed = true;
    if (state.stopped) return this.save(state);
    await this.saveIfOlderThan(state, this.options.epochCheckpointMinIntervalMs ?? 0);
  }
}

/** Waits at an epoch-end hold point, after making sure the epoch is checkpointed. */
async function holdAfterEpoch(
  options: TrainLoopOptions,
  state: TrainingState,
  checkpoints: Checkpoints,
): Promise<void> {
  const { hold } = options;
  if (!hold || hold.at.batch !== undefined || hold.at.epoch !== state.epoch) return;
  await checkpoints.saveIfChanged(state);
  await hold.wait(state);
}

/** Updates the early-stopping watch after an epoch; stops (and restores the best parameters) when it is time. */
function watchForEarlyStop(state: TrainingState, loss: number, withValidation: boolean): void {
  const { tolerance, patience, patienceWithoutValidation } = EARLY_STOPPING;
  if (!state.best || loss < state.best.loss - tolerance * Math.abs(state.best.loss)) {
    state.best = { epoch: state.epoch, loss, params: Float64Array.from(state.params) };
    state.staleEpochs = 0;
    return;
  }
  state.staleEpochs = (state.staleEpochs ?? 0) + 1;
  const limit = withValidation ? patience : patienceWithoutValidation;
  if (state.staleEpochs < limit) return;
  if (withValidation) {
    state.params.set(state.best.params);
    state.stopped = {
      reason: 'early-stop',
      detail: `validation loss did not improve by ${tolerance} (relative) for ${limit} epochs; kept epoch ${state.best.epoch}`,
      epoch: state.best.epoch,
    };
  } else {
    state.stopped = {
      reason: 'converged',
      detail: `training loss did not improve by ${tolerance} (relative) for ${limit} epochs`,
      epoch: state.epoch,
    };
  }
}

/**
 * Full-batch L-BFGS on the mean cross-entropy plus l2/2·|W|², one iteration per
 * "epoch" (each evaluates every training row, and once more per line-search
 * step). Checkpointed after every iteration with the curvature pairs, so a
 * resumed run continues bit for bit.
 */
async function lbfgsLoop(options: TrainLoopOptions): Promise<TrainingState> {
  const { network, hyperparameters, rows, trainRows, state } = options;
  const { epochs, l2 } = hyperparameters;
  const checkpoints = new Checkpoints(options);
  const count = trainRows.length;
  const mask = network.weightMask;
  let latest = { lossSum: 0, correct: 0 };
  const objective = (x: Float64Array, gradient: Float64Array): number => {
    latest = network.linearLossAndGradient(x, rows, trainRows, 0, count, gradient);
    let penalty = 0;
    if (l2 > 0) {
      for (let i = 0; i < x.length; i++) {
        const w = (x[i] as number) * (mask[i] as number);
        penalty += w * w;
        gradient[i] = (gradient[i] as number) + l2 * w;
      }
    }
    return latest.lossSum / count + (l2 / 2) * penalty;
  };
  state.lbfgs ??= { s: [], y: [] };
  const current = { value: 0, gradient: new Float64Array(network.parameterCount) };
  if (!state.stopped) current.value = objective(state.params, current.gradient);
  let atPoint = latest;
  while (state.epoch < epochs && !state.stopped) {
    const started = performance.now();
    const step = lbfgsIteration(objective, { x: state.params, memory: state.lbfgs }, current, {
      gradientTolerance: LBFGS_GRADIENT_TOLERANCE,
    });
    if (step.evaluations > 0 && step.stop !== 'line-search') atPoint = latest;
    const seconds = (performance.now() - started) / 1000;
    options.onBatch?.({
      epoch: state.epoch + 1,
      epochs,
      batch: 1,
      batches: 1,
      rows: count,
      loss: atPoint.lossSum / count,
      accuracy: atPoint.correct / count,
      rowsPerSecond: seconds > 0 ? (count * step.evaluations) / seconds : 0,
    });
    const test =
      options.testRows.length > 0
        ? evaluateRows(network, state.params, rows, options.testRows, options.classes)
        : undefined;
    const metrics: EpochMetrics = {
      epoch: state.epoch + 1,
      trainLoss: atPoint.lossSum / count,
      trainAccuracy: atPoint.correct / count,
      ...(test ? { testLoss: test.loss, testAccuracy: test.accuracy } : {}),
      seconds,
      rowsPerSecond: seconds > 0 ? (count * step.evaluations) / seconds : 0,
    };
    state.history.push(metrics);
    state.epoch++;
    if (step.stop) {
      const detail =
        step.stop === 'gradient'
          ? `largest gradient component ${step.gradientNorm.toExponential(2)} <= ${LBFGS_GRADIENT_TOLERANCE}`
          : step.stop === 'no-progress'
            ? 'the objective stopped decreasing'
            : 'the line search found no further decrease (converged to double precision)';
      state.stopped = { reason: 'converged', detail, epoch: state.epoch };
    } else if (state.epoch >= epochs) {
      state.stopped = {
        reason: 'epoch-limit',
        detail: `reached ${epochs} iterations (largest gradient component ${step.gradientNorm.toExponential(2)})`,
        epoch: state.epoch,
      };
    }
    await checkpoints.epochEnded(state);
    await options.onEpoch?.(metrics, state);
    await holdAfterEpoch(options, state, checkpoints);
    if (options.signal?.aborted && !state.stopped) {
      await checkpoints.saveIfChanged(state);
      throw new TrainerError('aborted', `training stopped after iteration ${state.epoch}, checkpointed`);
    }
  }
  return state;
}

/** The order of the training rows in epoch `epoch` (0-based): a shuffle seeded by (seed, epoch). */
export function epochOrder(trainRows: Uint32Array, seed: number, epoch: number): Uint32Array {
  return Random.derive(seed, 1, epoch).shuffle(trainRows.slice());
}

/** Adds the gradient of l2/2 * |W|^2, which is l2 * W on weights and 0 on biases. */
function addL2Gradient(params: Float64Array, gradient: Float64Array, weightMask: Float64Array, l2: number): void {
  if (l2 === 0) return;
  for (let i = 0; i < params.length; i++) {
    gradient[i] = (gradient[i] as number) + l2 * (weightMask[i] as number) * (params[i] as number);
  }
}
