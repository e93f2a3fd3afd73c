import type { Random } from '../random';

/** The models the trainer builds. */
export type ModelKind = 'logistic' | 'mlp';

export const MODEL_KINDS: readonly ModelKind[] = ['logistic', 'mlp'];

/** Loss and hits of one mini-batch. */
export interface BatchResult {
  /** Cross-entropy summed over the batch's rows (divide by the row count for the mean). */
  readonly lossSum: number;
  /** Rows whose most probable class is their label. */
  readonly correct: number;
}

/** Rows of a table as training sees them: standardized features, class labels, and which rows to use. */
export interface Rows {
  /** Row-major features, `featureCount` per row. */
  readonly features: Float64Array;
  readonly labels: Int32Array;
}

/**
 * A fully connected network with a softmax output, trained on cross-entropy:
 * multinomial logistic regression is the network without hidden layers
 * (`[features, classes]`), the MLP has one ReLU layer (`[features, hidden, classes]`).
 *
 * All parameters live in one flat Float64Array, layer after layer, each layer its
 * weights (inputs x outputs, row-major) then its biases, so that the optimizer,
 * checkpoints and L2 see a single vector. The kernels are plain loops over typed
 * arrays (the benchmark compares them with ml-matrix); nothing allocates per row.
 */
export class DenseNetwork {
  /** Layer widths, input first: `[features, ...hidden, classes]`. */
  readonly sizes: readonly number[];
  readonly parameterCount: number;
  /** 1 for weights, 0 for biases: L2 applies to weights only. */
  readonly weightMask: Float64Array;
  private readonly offsets: { weights: number; bias: number }[] = [];
  /** Activations of each layer for the current row (layer 0 is the input). */
  private readonly activations: Float64Array[];
  /** Loss gradient with respect to each layer's output, for the current row. */
  private readonly deltas: Float64Array[];
  private readonly logProbabilities: Float64Array;

  static forKind(kind: ModelKind, featureCount: number, classCount: number, hiddenSize: number): DenseNetwork {
    return new DenseNetwork(kind === 'mlp' ? [featureCount, hiddenSize, classCount] : [featureCount, classCount]);
  }

  constructor(sizes: readonly number[]) {
    if (sizes.length < 2 || sizes.some((size) => !Number.isInteger(size) || size < 1)) {
      throw new Error(`layer sizes must be at least two positive integers, received [${sizes.join(', ')}]`);
    }
    this.sizes = sizes;
    let offset = 0;
    for (let layer = 1; layer < sizes.length; layer++) {
      const inputs = sizes[layer - 1] as number;
      const outputs = sizes[layer] as number;
      this.offsets.push({ weights: offset, bias: offset + inputs * outputs });
      offset += inputs * outputs + outputs;
    }
    this.parameterCount = offset;
    this.weightMask = new Float64Array(offset);
    for (let layer = 1; layer < sizes.length; layer++) {
      const { weights, bias } = this.offsets[layer - 1] as { weights: number; bias: number };
      this.weightMask.fill(1, weights, bias);
    }
    this.activations = sizes.map((size) => new Float64Array(size));
    this.deltas = sizes.map((size) => new Float64Array(size));
    this.logProbabilities = new Float64Array(this.classCount);
  }

  get featureCount(): number {
    return this.sizes[0] as number;
  }

  get classCount(): number {
    return this.sizes[this.sizes.length - 1] as number;
  }

  /**
   * Initial parameters: zeros for logistic regression (its loss is convex), and for
   * hidden layers He-uniform weights (ReLU) so that units start out different.
   */
  initialize(params: Float64Array, random: Random): void {
    params.fill(0);
    if (this.sizes.length === 2) return;
    for (let layer = 1; layer < this.sizes.length; layer++) {
      const inputs = this.sizes[layer - 1] as number;
      const { weights, bias } = this.offsets[layer - 1] as { weights: number; bias: number };
      const limit = Math.sqrt(6 / inputs);
      for (let i = weights; i < bias; i++) params[i] = random.uniform(-limit, limit);
    }
  }

  /**
   * Writes the gradient of the mean cross-entropy over rows `order[start..end)`
   * into `gradient`, and returns the summed loss and hits (with the parameters as
   * they were before this batch).
   */
  lossAndGradient(
    params: Float64Array,
    rows: Rows,
    order: Uint32Array,
    start: number,
    end: number,
    gradient: Float64Array,
  ): BatchResult {
    gradient.fill(0);
    const scale = 1 / (end - start);
    const output = this.activations[this.activations.length - 1] as Float64Array;
    const outputDelta = this.deltas[this.deltas.length - 1] as Float64Array;
    let lossSum = 0;
    let correct = 0;
    for (let i = start; i < end; i++) {
      const row = order[i] as number;
      const label = rows.labels[row] as number;
      const logProbability = this.forward(params, rows.features, row);
      lossSum -= logProbability[label] as number;
      if (argmax(output) === label) correct++;
      // d(cross-entropy)/d(logits) = probabilities - one-hot label, averaged over the batch.
      for (let k = 0; k < output.length; k++) {
        outputDelta[k] = ((output[k] as number) - (k === label ? 1 : 0)) * scale;
      }
      this.backward(params, gradient);
    }
    return { lossSum, correct };
  }

  /**
   * {@link lossAndGradient} over rows `order[start..end)` for a network without
   * hidden layers (logistic regression), about 1.5x faster: the weights are
   * copied class-major, so that each class's logit is one contiguous dot product
   * and its gradient one contiguous update. The full-batch solver spends nearly
   * all its time here.
   */
  linearLossAndGradient(
    params: Float64Array,
    rows: Rows,
    order: Uint32Array,
    start: number,
    end: number,
    gradient: Float64Array,
  ): BatchResult {
    if (this.sizes.length !== 2) return this.lossAndGradient(params, rows, order, start, end, gradient);
    const features = this.featureCount;
    const classes = this.classCount;
    const biasOffset = features * classes;
    // Class-major copies of the weights and of the gradient being summed.
    const weights = new Float64Array(biasOffset);
    const sums = new Float64Array(biasOffset + classes);
    for (let j = 0; j < features; j++) {
      for (let k = 0; k < classes; k++) weights[k * features + j] = params[j * classes + k] as number;
    }
    const logits = new Float64Array(classes);
    const x = rows.features;
    const scale = 1 / (end - start);
    let lossSum = 0;
    let correct = 0;
    for (let i = start; i < end; i++) {
      const row = order[i] as number;
      const offset = row * features;
      let max = Number.NEGATIVE_INFINITY;
      let best = 0;
      for (let k = 0; k < classes; k++) {
        let z = params[biasOffset + k] as number;
        const w = k * features;
        for (let j = 0; j < features; j++) z += (x[offset + j] as number) * (weights[w + j] as number);
        logits[k] = z;
        if (z > max) {
          max = z;
          best = k;
        }
      }
      const label = rows.labels[row] as number;
      const labelLogit = logits[label] as number;
      let sum = 0;
      for (let k = 0; k < classes; k++) {
        const e = Math.exp((logits[k] as number) - max);
        logits[k] = e;
        sum += e;
      }
      // log-softmax of the label, stable for any logits (as forward() computes it).
      lossSum -= labelLogit - max - Math.log(sum);
      if (best === label) correct++;
      for (let k = 0; k < classes; k++) {
        const delta = ((logits[k] as number) / sum - (k === label ? 1 : 0)) * scale;
        const g = k * features;
        for (let j = 0; j < features; j++) sums[g + j] = (sums[g + j] as number) + delta * (x[offset + j] as number);
        sums[biasOffset + k] = (sums[biasOffset + k] as number) + delta;
      }
    }
    for (let j = 0; j < features; j++) {
      for (let k = 0; k < classes; k++) gradient[j * classes + k] = sums[k * features + j] as number;
    }
    for (let k = 0; k < classes; k++) gradient[biasOffset + k] = sums[biasOffset + k] as number;
    return { lossSum, correct };
  }

  /** Class probabilities of row `row` of `features`, written to `probabilities`. */
  predictRow(params: Float64Array, features: Float64Array, row: number, probabilities: Float64Array): void {
    this.forward(params, features, row);
    probabilities.set(this.activations[this.activations.length - 1] as Float64Array);
  }

  /** Runs one row through the network; returns log-probabilities (and leaves probabilities in the last activation). */
  private forward(params: Float64Array, features: Float64Array, row: number): Float64Array {
    const input = this.activations[0] as Float64Array;
    const featureCount = input.length;
    const rowOffset = row * featureCount;
    for (let j = 0; j < featureCount; j++) input[j] = features[rowOffset + j] as number;
    const last = this.sizes.length - 1;
    for (let layer = 1; layer <= last; layer++) {
      const inputs = this.activations[layer - 1] as Float64Array;
      const outputs = this.activations[layer] as Float64Array;
      const width = outputs.length;
      const { weights, bias } = this.offsets[layer - 1] as { weights: number; bias: number };
      for (let o = 0; o < width; o++) outputs[o] = params[bias + o] as number;
      for (let i = 0; i < inputs.length; i++) {
        const value = inputs[i] as number;
        if (value === 0) continue; // ReLU zeros contribute nothing
        const rowStart = weights + i * width;
        for (let o = 0; o < width; o++) outputs[o] = (outputs[o] as number) + value * (params[rowStart + o] as number);
      }
      if (layer < last) {
        for (let o = 0; o < width; o++) if ((outputs[o] as number) < 0) outputs[o] = 0;
      }
    }
    return softmaxInPlace(this.activations[last] as Float64Array, this.logProbabilities);
  }

  /** Accumulates the current row's gradient, from the output delta back to the first layer. */
  private backward(params: Float64Array, gradient: Float64Array): void {
    for (let layer = this.sizes.length - 1; layer >= 1; layer--) {
      const inputs = this.activations[layer - 1] as Float64Array;
      const delta = this.deltas[layer] as Float64Array;
      const width = delta.length;
      const { weights, bias } = this.offsets[layer - 1] as { weights: number; bias: number };
      for (let o = 0; o < width; o++) gradient[bias + o] = (gradient[bias + o] as number) + (delta[o] as number);
      const propagate = layer > 1;
      const inputDelta = this.deltas[layer - 1] as Float64Array;
      for (let i = 0; i < inputs.length; i++) {
        const value = inputs[i] as number;
        const rowStart = weights + i * width;
        if (value !== 0) {
          for (let o = 0; o < width; o++) {
            gradient[rowStart + o] = (gradient[rowStart + o] as number) + value * (delta[o] as number);
          }
        }
        if (propagate) {
          // Hidden inputs are ReLU outputs: the derivative is 1 where the unit was active, else 0.
          let sum = 0;
          if (value > 0) for (let o = 0; o < width; o++) sum += (params[rowStart + o] as number) * (delta[o] as number);
          inputDelta[i] = sum;
        }
      }
    }
  }
}

/**
 * Turns logits into probabilities in place (shifted by the maximum, so exp never
 * overflows) and returns the log-probabilities in `logProbabilities`.
 */
function softmaxInPlace(logits: Float64Array, logProbabilities: Float64Array): Float64Array {
  let max = logits[0] as number;
  for (let k = 1; k < logits.length; k++) if ((logits[k] as number) > max) max = logits[k] as number;
  let sum = 0;
  for (let k = 0; k < logits.length; k++) {
    const shifted = (logits[k] as number) - max;
    logProbabilities[k] = shifted;
    const e = Math.exp(shifted);
    logits[k] = e;
    sum += e;
  }
  const logSum = Math.log(sum);
  for (let k = 0; k < logits.length; k++) {
    logits[k] = (logits[k] as number) / sum;
    logProbabilities[k] = (logProbabilities[k] as number) - logSum;
  }
  return logProbabilities;
}

/** Index of the largest value; the first one on ties, so predictions are deterministic. */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if ((values[k] as number) > (values[best] as number)) best = k;
  return best;
}
