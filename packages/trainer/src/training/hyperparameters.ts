import type { ModelKind } from '../model/dense-network';

/** How the parameters are fitted. */
export type Solver =
  /** Full-batch L-BFGS (quasi-Newton), as scikit-learn's `LogisticRegression()`: for the convex logistic loss. */
  | 'lbfgs'
  /** Mini-batch Adam with early stopping: for the MLP, whose loss is not convex. */
  | 'adam';

export const SOLVERS: readonly Solver[] = ['lbfgs', 'adam'];

/** Everything that decides the trained parameters, besides the data. */
export interface Hyperparameters {
  readonly model: ModelKind;
  /** `lbfgs` or `adam`. */
  readonly solver: Solver;
  /** The most passes over the training rows: iterations of L-BFGS, epochs of Adam. Training usually stops before. */
  readonly epochs: number;
  /** Adam's step size (not used by L-BFGS). */
  readonly learningRate: number;
  /** Rows per Adam step (L-BFGS uses every row in each step). */
  readonly batchSize: number;
  /** L2 penalty on weights (not biases): the objective is mean cross-entropy + l2/2 * |W|^2. */
  readonly l2: number;
  /** Units of the MLP's hidden layer (ignored by logistic regression). */
  readonly hiddenSize: number;
  /** Seeds the initial weights and the order of rows in each epoch. */
  readonly seed: number;
}

/** Fixed settings of the Adam path of {@link DEFAULT_HYPERPARAMETERS}; used as given by tests and library callers. */
export const DEFAULT_HYPERPARAMETERS: Hyperparameters = {
  model: 'logistic',
  solver: 'adam',
  epochs: 100,
  learningRate: 0.05,
  batchSize: 16,
  l2: 0.0001,
  hiddenSize: 16,
  seed: 1,
};

/** A chosen value and why, recorded in `metrics.json`. */
export interface Setting {
  readonly value: number | string;
  readonly source: 'option' | 'hyperparameters file' | 'default';
  readonly reason?: string;
}

/**
 * The hyperparameters of a run: the values given (flags, or an optimize run's
 * best set), and for the rest defaults chosen from the model and the number of
 * training rows, so that the same command works on 150 rows and on millions:
 *
 * - logistic regression: full-batch L-BFGS up to 100 iterations with l2 =
 *   1 / training rows, which is scikit-learn's `LogisticRegression()` objective
 *   (C = 1), so both find the same model;
 * - MLP: Adam with batches of about 1/500 of the rows (16 to 256), learning rate
 *   0.01, l2 1e-4, and at most enough epochs for about 20 million row visits
 *   (20 to 200); early stopping usually ends it sooner.
 */
export function chooseHyperparameters(
  given: Partial<Hyperparameters>,
  fromFile: Partial<Hyperparameters>,
  trainRows: number,
): { hyperparameters: Hyperparameters; settings: Record<keyof Hyperparameters, Setting> } {
  const settings = {} as Record<keyof Hyperparameters, Setting>;
  const pick = <K extends keyof Hyperparameters>(key: K, fallback: Hyperparameters[K], reason?: string) => {
    const explicit = given[key];
    const found = fromFile[key];
    const setting: Setting =
      explicit !== undefined
        ? { value: explicit, source: 'option' }
        : found !== undefined
          ? { value: found, source: 'hyperparameters file' }
          : { value: fallback, source: 'default', ...(reason ? { reason } : {}) };
    settings[key] = setting;
    return setting.value as Hyperparameters[K];
  };
  const model = pick('model', 'logistic');
  const solver = pick(
    'solver',
    model === 'logistic' ? 'lbfgs' : 'adam',
    `${model === 'logistic' ? 'L-BFGS for the convex logistic loss' : 'Adam for the MLP'}`,
  );
  const batchSize = pick(
    'batchSize',
    clamp(Math.round(trainRows / 500), 16, 256),
    'about 1/500 of the training rows, from 16 to 256',
  );
  const hyperparameters: Hyperparameters = {
    model,
    solver,
    epochs: pick(
      'epochs',
      solver === 'lbfgs' ? 100 : clamp(Math.ceil(20_000_000 / Math.max(trainRows, 1)), 20, 200),
      solver === 'lbfgs'
        ? 'iterations, as scikit-learn max_iter'
        : 'about 20 million row visits, from 20 to 200 epochs; early stopping usually ends sooner',
    ),
    learningRate: pick('learningRate', 0.01),
    batchSize,
    l2: pick(
      'l2',
      model === 'logistic' ? 1 / Math.max(trainRows, 1) : 0.0001,
      model === 'logistic' ? "1 / training rows: scikit-learn's LogisticRegression() penalty (C = 1)" : undefined,
    ),
    hiddenSize: pick('hiddenSize', 16),
    seed: pick('seed', 1),
  };
  return { hyperparameters, settings };
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
