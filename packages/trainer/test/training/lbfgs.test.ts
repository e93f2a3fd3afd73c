import { describe, expect, it } from 'vitest';
import { DenseNetwork } from '../../src/model/dense-network';
import { Random } from '../../src/random';
import { decodeCheckpoint, encodeCheckpoint, type RunFingerprint } from '../../src/training/checkpoint';
import { chooseHyperparameters, DEFAULT_HYPERPARAMETERS } from '../../src/training/hyperparameters';
import { type LbfgsState, lbfgsIteration, type Objective } from '../../src/training/lbfgs';
import type { TrainingState } from '../../src/training/train-loop';
import { prepare, trainInMemory } from '../support/prepared';
import { blobsCsv, gaussian } from '../support/synthetic';

function minimize(objective: Objective, start: number[], maxIterations = 200) {
  const state: LbfgsState = { x: Float64Array.from(start), memory: { s: [], y: [] } };
  const current = { value: 0, gradient: new Float64Array(start.length) };
  current.value = objective(state.x, current.gradient);
  for (let iteration = 1; iteration <= maxIterations; iteration++) {
    const step = lbfgsIteration(objective, state, current, { gradientTolerance: 1e-8 });
    if (step.stop) return { x: Array.from(state.x), iterations: iteration, stop: step.stop, value: current.value };
  }
  throw new Error('did not converge');
}

describe('lbfgsIteration', () => {
  it('minimizes an ill-conditioned quadratic to its exact minimum', () => {
    // f = sum_i c_i (x_i - i)^2 with conditions from 1 to 1000.
    const c = [1, 10, 100, 1000];
    const result = minimize(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < x.length; i++) {
          const d = (x[i] as number) - i;
          f += (c[i] as number) * d * d;
          g[i] = 2 * (c[i] as number) * d;
        }
        return f;
      },
      [5, 5, 5, 5],
    );
    result.x.forEach((value, i) => {
      expect(value).toBeCloseTo(i, 7);
    });
    expect(['gradient', 'no-progress']).toContain(result.stop);
  });

  it('minimizes the Rosenbrock function from its classic start (-1.2, 1)', () => {
    const result = minimize(
      (x, g) => {
        const [a, b] = [x[0] as number, x[1] as number];
        g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
        g[1] = 200 * (b - a * a);
        return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
      },
      [-1.2, 1],
    );
    expect(result.x[0]).toBeCloseTo(1, 5);
    expect(result.x[1]).toBeCloseTo(1, 5);
  });
});

describe('DenseNetwork.linearLossAndGradient', () => {
  it('gives the mini-batch kernel’s loss, hits and gradient for logistic regression', () => {
    const random = new Random(4);
    const [rows, features, classes] = [300, 7, 4];
    const data = {
      features: Float64Array.from({ length: rows * features }, () => gaussian(random)),
      labels: Int32Array.from({ length: rows }, () => random.nextInt(classes)),
    };
    const network = new DenseNetwork([features, classes]);
    const params = Float64Array.from({ length: network.parameterCount }, () => gaussian(random));
    const order = Uint32Array.from({ length: rows }, (_, i) => (i * 7) % rows);
    const expected = new Float64Array(network.parameterCount);
    const actual = new Float64Array(network.parameterCount);
    const a = network.lossAndGradient(params, data, order, 10, 250, expected);
    const b = network.linearLossAndGradient(params, data, order, 10, 250, actual);
    expect(b.correct).toBe(a.correct);
    expect(b.lossSum).toBeCloseTo(a.lossSum, 9);
    actual.forEach((value, i) => {
      expect(value).toBeCloseTo(expected[i] as number, 12);
    });
  });
});

describe('training with L-BFGS', () => {
  const FINGERPRINT: RunFingerprint = {
    hyperparameters: DEFAULT_HYPERPARAMETERS,
    dataSha256: 'x',
    labelColumn: 'label',
    featureColumns: ['f0', 'f1', 'f2', 'f3'],
    classes: ['class0', 'class1', 'class2'],
    testSplit: 0.2,
  };

  it('converges, says why, and resumed from a checkpoint ends bit-identical to an uninterrupted run', async () => {
    const prepared = await prepare(blobsCsv({ rows: 900, features: 4, classes: 3, separation: 1.5 }));
    const hyperparameters = { solver: 'lbfgs' as const, epochs: 100, l2: 1 / 720 };
    const whole = await trainInMemory(prepared, hyperparameters);
    expect(whole.state.stopped?.reason).toBe('converged');
    expect(whole.state.epoch).toBeLessThan(100);

    const controller = new AbortController();
    let saved = '';
    await trainInMemory(prepared, hyperparameters, {
      signal: controller.signal,
      onCheckpoint: (state: TrainingState) => {
        saved = encodeCheckpoint(state, 'run', FINGERPRINT);
        if (state.epoch === 3) controller.abort();
      },
    }).catch((error: unknown) => error);
    const restored = decodeCheckpoint(saved, 'run', FINGERPRINT, whole.network.parameterCount);
    expect(restored.epoch).toBe(3);
    expect(restored.lbfgs?.s).toHaveLength(3);
    const resumed = await trainInMemory(prepared, hyperparameters, { state: restored });
    expect(Buffer.from(resumed.state.params.buffer).equals(Buffer.from(whole.state.params.buffer))).toBe(true);
    expect(resumed.state.stopped).toEqual(whole.state.stopped);
  });
});

describe('chooseHyperparameters', () => {
  it('fits the defaults to the model and the number of training rows, and says why', () => {
    const small = chooseHyperparameters({}, {}, 120);
    expect(small.hyperparameters).toMatchObject({ model: 'logistic', solver: 'lbfgs', epochs: 100, l2: 1 / 120 });
    expect(small.settings.l2).toEqual({
      value: 1 / 120,
      source: 'default',
      reason: "1 / training rows: scikit-learn's LogisticRegression() penalty (C = 1)",
    });
    const mlp = chooseHyperparameters({ model: 'mlp' }, {}, 800_000);
    expect(mlp.hyperparameters).toMatchObject({ solver: 'adam', batchSize: 256, epochs: 25, l2: 0.0001 });
    expect(mlp.settings.model).toEqual({ value: 'mlp', source: 'option' });
    expect(chooseHyperparameters({ model: 'mlp' }, {}, 120).hyperparameters).toMatchObject({
      batchSize: 16,
      epochs: 200,
    });
  });

  it('takes given values over an optimize run’s, and those over the defaults', () => {
    const { hyperparameters, settings } = chooseHyperparameters({ epochs: 7 }, { epochs: 9, l2: 0.5 }, 1000);
    expect(hyperparameters).toMatchObject({ epochs: 7, l2: 0.5 });
    expect(settings.epochs.source).toBe('option');
    expect(settings.l2.source).toBe('hyperparameters file');
  });
});
