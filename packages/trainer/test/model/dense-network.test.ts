import { describe, expect, it } from 'vitest';
import { DenseNetwork, type Rows } from '../../src/model/dense-network';
import { Random } from '../../src/random';
import { gaussian } from '../support/synthetic';

/** A small random batch: `rows` rows of `features` standard-normal features, random labels. */
function randomRows(rows: number, features: number, classes: number, seed: number): Rows & { order: Uint32Array } {
  const random = new Random(seed);
  return {
    features: Float64Array.from({ length: rows * features }, () => gaussian(random)),
    labels: Int32Array.from({ length: rows }, () => random.nextInt(classes)),
    order: Uint32Array.from({ length: rows }, (_, i) => i),
  };
}

function meanLoss(network: DenseNetwork, params: Float64Array, rows: Rows & { order: Uint32Array }): number {
  const scratch = new Float64Array(network.parameterCount);
  return network.lossAndGradient(params, rows, rows.order, 0, rows.order.length, scratch).lossSum / rows.order.length;
}

/**
 * Compares the analytic gradient with central finite differences,
 * (L(p + h e_i) - L(p - h e_i)) / 2h, for every parameter.
 */
function maxRelativeGradientError(network: DenseNetwork, params: Float64Array, rows: Rows & { order: Uint32Array }) {
  const gradient = new Float64Array(network.parameterCount);
  network.lossAndGradient(params, rows, rows.order, 0, rows.order.length, gradient);
  const h = 1e-6;
  let worst = 0;
  for (let i = 0; i < params.length; i++) {
    const saved = params[i] as number;
    params[i] = saved + h;
    const up = meanLoss(network, params, rows);
    params[i] = saved - h;
    const down = meanLoss(network, params, rows);
    params[i] = saved;
    const numeric = (up - down) / (2 * h);
    const analytic = gradient[i] as number;
    worst = Math.max(worst, Math.abs(numeric - analytic) / Math.max(1e-4, Math.abs(numeric) + Math.abs(analytic)));
  }
  return worst;
}

describe('DenseNetwork', () => {
  it('has the gradient of mean cross-entropy for logistic regression (finite differences)', () => {
    const network = DenseNetwork.forKind('logistic', 5, 3, 0);
    const params = Float64Array.from({ length: network.parameterCount }, (_, i) => Math.sin(i) * 0.5);
    expect(maxRelativeGradientError(network, params, randomRows(12, 5, 3, 1))).toBeLessThan(1e-6);
  });

  it('has the gradient of mean cross-entropy for the MLP (finite differences)', () => {
    const network = DenseNetwork.forKind('mlp', 4, 3, 6);
    const params = new Float64Array(network.parameterCount);
    network.initialize(params, new Random(5));
    // Non-zero biases, so ReLU units sit away from their kink at 0 where the derivative jumps.
    for (let i = 0; i < params.length; i++) if (network.weightMask[i] === 0) params[i] = 0.1 * Math.cos(i);
    expect(maxRelativeGradientError(network, params, randomRows(10, 4, 3, 2))).toBeLessThan(1e-5);
  });

  it('lays out weights then biases per layer, and masks only weights for L2', () => {
    const network = new DenseNetwork([4, 6, 3]);
    expect(network.parameterCount).toBe(4 * 6 + 6 + 6 * 3 + 3);
    const mask = Array.from(network.weightMask);
    expect(mask.slice(0, 24).every((m) => m === 1)).toBe(true);
    expect(mask.slice(24, 30).every((m) => m === 0)).toBe(true);
    expect(mask.slice(30, 48).every((m) => m === 1)).toBe(true);
    expect(mask.slice(48).every((m) => m === 0)).toBe(true);
  });

  it('predicts probabilities that sum to 1, also for huge logits', () => {
    const network = new DenseNetwork([1, 3]);
    const params = Float64Array.from([1000, -1000, 0, 0, 0, 0]);
    const probabilities = new Float64Array(3);
    network.predictRow(params, Float64Array.from([5]), 0, probabilities);
    expect(Array.from(probabilities)).toEqual([1, 0, 0]);
    const loss = network.lossAndGradient(
      params,
      { features: Float64Array.from([5]), labels: Int32Array.from([1]) },
      Uint32Array.from([0]),
      0,
      1,
      new Float64Array(6),
    );
    expect(loss.lossSum).toBeCloseTo(10_000, 6);
    expect(Number.isFinite(loss.lossSum)).toBe(true);
  });

  it('starts logistic regression at zero and the MLP at seeded random weights', () => {
    const logistic = DenseNetwork.forKind('logistic', 3, 2, 0);
    const zeros = new Float64Array(logistic.parameterCount).fill(9);
    logistic.initialize(zeros, new Random(1));
    expect(zeros.every((p) => p === 0)).toBe(true);

    const mlp = DenseNetwork.forKind('mlp', 3, 2, 4);
    const a = new Float64Array(mlp.parameterCount);
    const b = new Float64Array(mlp.parameterCount);
    mlp.initialize(a, new Random(1));
    mlp.initialize(b, new Random(1));
    expect(a).toEqual(b);
    expect(a.some((p) => p !== 0)).toBe(true);
  });

  it('throws on layer sizes that make no network', () => {
    expect(() => new DenseNetwork([3])).toThrow('layer sizes must be at least two positive integers, received [3]');
    expect(() => new DenseNetwork([3, 0])).toThrow('received [3, 0]');
  });
});
