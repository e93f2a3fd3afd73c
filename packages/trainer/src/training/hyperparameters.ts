import type { ModelKind } from '../model/dense-network';

/** Everything that decides the trained parameters, besides the data. */
export interface Hyperparameters {
  readonly model: ModelKind;
  readonly epochs: number;
  readonly learningRate: number;
  readonly batchSize: number;
  /** L2 penalty on weights (not biases): the objective is mean cross-entropy + l2/2 * |W|^2. */
  readonly l2: number;
  /** Units of the MLP's hidden layer (ignored by logistic regression). */
  readonly hiddenSize: number;
  /** Seeds the initial weights and the order of rows in each epoch. */
  readonly seed: number;
}

/** Defaults that fit the default dataset (iris): small batches, enough epochs for 150 rows. */
export const DEFAULT_HYPERPARAMETERS: Hyperparameters = {
  model: 'logistic',
  epochs: 100,
  learningRate: 0.05,
  batchSize: 16,
  l2: 0.0001,
  hiddenSize: 16,
  seed: 1,
};
