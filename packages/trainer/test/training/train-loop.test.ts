import { describe, expect, it } from 'vitest';
import { TrainerError } from '../../src/errors';
import { decodeCheckpoint, encodeCheckpoint, type RunFingerprint } from '../../src/training/checkpoint';
import { evaluateRows } from '../../src/training/classification-metrics';
import { DEFAULT_HYPERPARAMETERS } from '../../src/training/hyperparameters';
import type { TrainingState } from '../../src/training/train-loop';
import { prepare, trainInMemory } from '../support/prepared';
import { blobsCsv, xorCsv } from '../support/synthetic';

function testAccuracy(
  result: Awaited<ReturnType<typeof trainInMemory>>,
  prepared: Awaited<ReturnType<typeof prepare>>,
) {
  return evaluateRows(result.network, result.state.params, prepared.table, prepared.split.test, prepared.table.classes)
    .accuracy;
}

const FINGERPRINT: RunFingerprint = {
  hyperparameters: DEFAULT_HYPERPARAMETERS,
  dataSha256: 'abc',
  labelColumn: 'label',
  featureColumns: ['f0'],
  classes: ['a', 'b'],
  testSplit: 0.2,
};

describe('trainLoop', () => {
  it('learns a linearly separable 4-class problem to 100% (logistic regression and MLP)', async () => {
    const prepared = await prepare(blobsCsv({ rows: 800, features: 6, classes: 4, separation: 12 }));
    for (const model of ['logistic', 'mlp'] as const) {
      const result = await trainInMemory(prepared, { model, epochs: 20, batchSize: 32, learningRate: 0.02 });
      expect(testAccuracy(result, prepared), model).toBe(1);
      expect(result.state.history.at(-1)?.trainLoss).toBeLessThan(0.05);
    }
  });

  it('learns XOR with the MLP, which logistic regression cannot', async () => {
    const prepared = await prepare(xorCsv(1200));
    const mlp = await trainInMemory(prepared, {
      model: 'mlp',
      hiddenSize: 16,
      epochs: 60,
      batchSize: 32,
      learningRate: 0.02,
    });
    const logistic = await trainInMemory(prepared, {
      model: 'logistic',
      epochs: 60,
      batchSize: 32,
      learningRate: 0.02,
    });
    expect(testAccuracy(mlp, prepared)).toBeGreaterThanOrEqual(0.98);
    expect(testAccuracy(logistic, prepared)).toBeLessThan(0.7);
  });

  it('is deterministic: the same seed gives bit-identical parameters, another seed others', async () => {
    const prepared = await prepare(blobsCsv({ rows: 300, features: 4, classes: 3, separation: 2 }));
    const options = { model: 'mlp' as const, epochs: 5, hiddenSize: 8 };
    const a = await trainInMemory(prepared, { ...options, seed: 4 });
    const b = await trainInMemory(prepared, { ...options, seed: 4 });
    const c = await trainInMemory(prepared, { ...options, seed: 5 });
    expect(Buffer.from(a.state.params.buffer).equals(Buffer.from(b.state.params.buffer))).toBe(true);
    expect(a.state.history.map((e) => e.trainLoss)).toEqual(b.state.history.map((e) => e.trainLoss));
    expect(Buffer.from(a.state.params.buffer).equals(Buffer.from(c.state.params.buffer))).toBe(false);
  });

  it('shrinks weights with a large L2 penalty', async () => {
    const prepared = await prepare(blobsCsv({ rows: 300, features: 4, classes: 3, separation: 3 }));
    const norm = (state: TrainingState) => Math.hypot(...state.params);
    const free = await trainInMemory(prepared, { l2: 0, epochs: 10 });
    const penalized = await trainInMemory(prepared, { l2: 1, epochs: 10 });
    expect(norm(penalized.state)).toBeLessThan(norm(free.state) / 3);
  });

  it.each([
    ['at an epoch end', undefined],
    ['inside an epoch (checkpoint after every batch)', 0],
  ])('resumed from a checkpoint %s, ends bit-identical to an uninterrupted run', async (_, interval) => {
    const prepared = await prepare(blobsCsv({ rows: 400, features: 5, classes: 3, separation: 2 }));
    const hyperparameters = { model: 'mlp' as const, epochs: 6, hiddenSize: 8, batchSize: 16, seed: 9 };
    const uninterrupted = await trainInMemory(prepared, hyperparameters);

    // Stop after 2.5 epochs (or 2 with epoch-end checkpoints) and keep the last checkpoint, serialized.
    const controller = new AbortController();
    let saved = '';
    let checkpoints = 0;
    const stopped = await trainInMemory(prepared, hyperparameters, {
      signal: controller.signal,
      checkpointIntervalMs: interval,
      onCheckpoint: (state) => {
        saved = encodeCheckpoint(state, 'run', FINGERPRINT);
        checkpoints++;
        if (state.epoch === 2 && (interval === undefined || state.batch === 10)) controller.abort();
      },
    }).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(TrainerError);
    expect((stopped as TrainerError).code).toBe('aborted');
    expect(checkpoints).toBeGreaterThan(1);

    const restored = decodeCheckpoint(saved, 'run', FINGERPRINT, uninterrupted.network.parameterCount);
    expect(restored.epoch).toBe(2);
    // The abort is seen at the next batch boundary, which checkpoints once more.
    expect(restored.batch).toBe(interval === undefined ? 0 : 11);
    const resumed = await trainInMemory(prepared, hyperparameters, { state: restored });
    expect(Buffer.from(resumed.state.params.buffer).equals(Buffer.from(uninterrupted.state.params.buffer))).toBe(true);
    const withoutTimings = (state: TrainingState) =>
      state.history.map(({ seconds: _s, rowsPerSecond: _r, ...figures }) => figures);
    expect(withoutTimings(resumed.state)).toEqual(withoutTimings(uninterrupted.state));
  });
});

describe('decodeCheckpoint', () => {
  it('rejects a checkpoint of a run started with other hyperparameters, naming the difference', async () => {
    const prepared = await prepare(blobsCsv({ rows: 60, features: 2, classes: 2, separation: 3 }));
    const { state } = await trainInMemory(prepared, { epochs: 1 });
    const text = encodeCheckpoint(state, 'r1', FINGERPRINT);
    const other = { ...FINGERPRINT, hyperparameters: { ...DEFAULT_HYPERPARAMETERS, epochs: 7 } };
    expect(() => decodeCheckpoint(text, 'r1', other, state.params.length)).toThrow(
      'run r1 was started with hyperparameters.epochs = 100, this run has 7: resume with the options the run started with, or start a new run without --resume',
    );
  });
});
