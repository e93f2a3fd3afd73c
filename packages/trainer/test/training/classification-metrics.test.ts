import { describe, expect, it } from 'vitest';
import { scoreClassification } from '../../src/training/classification-metrics';

describe('scoreClassification', () => {
  it('computes accuracy, per-class precision/recall/F1 and the confusion matrix (known answer)', () => {
    // actual:    a a a b b c
    // predicted: a a b b c c
    const scores = scoreClassification(Int32Array.from([0, 0, 0, 1, 1, 2]), Int32Array.from([0, 0, 1, 1, 2, 2]), [
      'a',
      'b',
      'c',
    ]);
    expect(scores.accuracy).toBeCloseTo(4 / 6, 12);
    expect(scores.confusionMatrix).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(scores.perClass.a).toEqual({ precision: 1, recall: 2 / 3, f1: 0.8, support: 3 });
    expect(scores.perClass.b).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(scores.perClass.c?.precision).toBe(0.5);
    expect(scores.perClass.c?.f1).toBeCloseTo(2 / 3, 12);
    expect(scores.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });

  it('scores a class that is never predicted with precision 0, not NaN', () => {
    const scores = scoreClassification(Int32Array.from([0, 1]), Int32Array.from([0, 0]), ['a', 'b']);
    expect(scores.perClass.b).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(scores.macroF1).toBeCloseTo(1 / 3, 12);
  });
});
