import { Readable } from 'node:stream';
import { readCsv } from '../../src/data/csv-reader';
import type { Table } from '../../src/data/table';
import { DenseNetwork } from '../../src/model/dense-network';
import { DEFAULT_HYPERPARAMETERS, type Hyperparameters } from '../../src/training/hyperparameters';
import { type Split, stratifiedSplit } from '../../src/training/split';
import { applyStandardization, fitStandardization } from '../../src/training/standardizer';
import {
  initialTrainingState,
  type TrainingState,
  type TrainLoopOptions,
  trainLoop,
} from '../../src/training/train-loop';

/** A CSV read, split 80/20 and standardized, as `train` prepares it. */
export async function prepare(csv: string): Promise<{ table: Table; split: Split }> {
  const table = await readCsv(Readable.from([csv]), { sourceName: 'test.csv' });
  const split = stratifiedSplit(table.labels, table.classes.length, 0.2);
  applyStandardization(table.features, fitStandardization(table.features, table.featureNames.length, split.train));
  return { table, split };
}

/** Trains in memory without writing checkpoints anywhere. */
export async function trainInMemory(
  prepared: { table: Table; split: Split },
  overrides: Partial<Hyperparameters>,
  options: {
    signal?: AbortSignal;
    state?: TrainingState;
    checkpointIntervalMs?: number;
    onCheckpoint?: (state: TrainingState) => void;
    hold?: TrainLoopOptions['hold'];
  } = {},
): Promise<{ network: DenseNetwork; state: TrainingState }> {
  const hyperparameters = { ...DEFAULT_HYPERPARAMETERS, ...overrides };
  const { table, split } = prepared;
  const network = DenseNetwork.forKind(
    hyperparameters.model,
    table.featureNames.length,
    table.classes.length,
    hyperparameters.hiddenSize,
  );
  const state = options.state ?? initialTrainingState(network, hyperparameters.seed);
  await trainLoop({
    network,
    hyperparameters,
    rows: table,
    trainRows: split.train,
    testRows: split.test,
    classes: table.classes,
    state,
    signal: options.signal,
    checkpointIntervalMs: options.checkpointIntervalMs,
    checkpoint: async (current) => options.onCheckpoint?.(current),
    hold: options.hold,
  });
  return { network, state };
}
