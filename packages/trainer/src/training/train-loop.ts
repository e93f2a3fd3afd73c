import { TrainerError } from '../errors';
import type { DenseNetwork, Rows } from '../model/dense-network';
import { Random } from '../random';
import { type AdamState, adamStep, newAdamState } from './adam';
import { evaluateRows } from './classification-metrics';
import type { HoldPoint } from './hold-point';
import type { Hyperparameters } from './hyperparameters';

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
}

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
  readonly classes: readonly string[];
  /** Where to start: {@link initialTrainingState} or a restored checkpoint. */
  readonly state: TrainingState;
  /** Stops at the next batch boundary, after a checkpoint. */
  readonly signal?: AbortSignal;
  /** Also checkpoint inside an epoch when this long has passed since the last one. @default - at epoch ends only */
  readonly checkpointIntervalMs?: number;
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
  const { network, hyperparameters, rows, trainRows, state, hold } = options;
  const { epochs, batchSize, learningRate, l2, seed } = hyperparameters;
  const gradient = new Float64Array(network.parameterCount);
  const batches = Math.ceil(trainRows.length / batchSize);
  let lastCheckpoint = Date.now();

  while (state.epoch < epochs) {
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
        await options.checkpoint(state);
        throw new TrainerError('aborted', `training stopped in epoch ${state.epoch + 1} after a checkpoint`);
      }
      const due =
        options.checkpointIntervalMs !== undefined && Date.now() - lastCheckpoint >= options.checkpointIntervalMs;
      if (due && state.batch < batches) {
        await options.checkpoint(state);
        lastCheckpoint = Date.now();
      }
    }
    const seconds = (performance.now() - epochStart) / 1000;
    const test =
      options.testRows.length > 0
        ? evaluateRows(network, state.params, rows, options.testRows, options.classes)
        : undefined;
    const metrics: EpochMetrics = {
      epoch: state.epoch + 1,
      trainLoss: state.epochLossSum / state.epochRows,
      trainAccuracy: state.epochCorrect / state.epochRows,
      ...(test ? { testLoss: test.loss, testAccuracy: test.accuracy } : {}),
      seconds,
      rowsPerSecond: seconds > 0 ? (state.epochRows - rowsAtStart) / seconds : 0,
    };
    state.history.push(metrics);
    state.epoch++;
    state.batch = 0;
    state.epochLossSum = 0;
    state.epochCorrect = 0;
    state.epochRows = 0;
    await options.checkpoint(state);
    lastCheckpoint = Date.now();
    await options.onEpoch?.(metrics, state);
    if (hold && hold.at.batch === undefined && hold.at.epoch === state.epoch) await hold.wait(state);
    if (options.signal?.aborted && state.epoch < epochs) {
      throw new TrainerError('aborted', `training stopped after epoch ${state.epoch}, checkpointed`);
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
