import { argmax, type DenseNetwork, type Rows } from '../model/dense-network';

export interface ClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Rows whose label is this class. */
  readonly support: number;
}

/** How well a model classifies a set of rows. */
export interface ClassificationMetrics {
  readonly rows: number;
  readonly accuracy: number;
  /** Mean cross-entropy. */
  readonly loss: number;
  /** Unweighted mean of the per-class F1 scores. */
  readonly macroF1: number;
  readonly perClass: Record<string, ClassMetrics>;
  /** `confusionMatrix[actual][predicted]` counts rows, in the order of `classes`. */
  readonly confusionMatrix: number[][];
  readonly classes: readonly string[];
}

/** Predicts every row of `order` and scores the predictions against the labels. */
export function evaluateRows(
  network: DenseNetwork,
  params: Float64Array,
  rows: Rows,
  order: Uint32Array,
  classes: readonly string[],
): ClassificationMetrics {
  const probabilities = new Float64Array(network.classCount);
  const actual = new Int32Array(order.length);
  const predicted = new Int32Array(order.length);
  let lossSum = 0;
  order.forEach((row, i) => {
    network.predictRow(params, rows.features, row, probabilities);
    const label = rows.labels[row] as number;
    actual[i] = label;
    predicted[i] = argmax(probabilities);
    // Clamped so that one confidently wrong row gives a large, finite loss.
    lossSum -= Math.log(Math.max(probabilities[label] as number, 1e-300));
  });
  return {
    ...scoreClassification(actual, predicted, classes),
    loss: order.length > 0 ? lossSum / order.length : 0,
  };
}

/** Accuracy, per-class precision/recall/F1 and the confusion matrix of predicted against actual classes. */
export function scoreClassification(
  actual: Int32Array,
  predicted: Int32Array,
  classes: readonly string[],
): Omit<ClassificationMetrics, 'loss'> {
  const k = classes.length;
  const confusionMatrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let hits = 0;
  actual.forEach((label, i) => {
    const guess = predicted[i] as number;
    (confusionMatrix[label] as number[])[guess] = ((confusionMatrix[label] as number[])[guess] as number) + 1;
    if (label === guess) hits++;
  });
  const perClass: Record<string, ClassMetrics> = {};
  let f1Sum = 0;
  classes.forEach((name, c) => {
    const truePositives = (confusionMatrix[c] as number[])[c] as number;
    const support = (confusionMatrix[c] as number[]).reduce((sum, n) => sum + n, 0);
    const predictedCount = confusionMatrix.reduce((sum, row) => sum + (row[c] as number), 0);
    // Zero when undefined (no predictions or no rows of the class), as scikit-learn's zero_division=0.
    const precision = predictedCount > 0 ? truePositives / predictedCount : 0;
    const recall = support > 0 ? truePositives / support : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[name] = { precision, recall, f1, support };
    f1Sum += f1;
  });
  return {
    rows: actual.length,
    accuracy: actual.length > 0 ? hits / actual.length : 0,
    macroF1: k > 0 ? f1Sum / k : 0,
    perClass,
    confusionMatrix,
    classes,
  };
}
