import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../../src/training/split';

describe('stratifiedSplit', () => {
  const labels = Int32Array.from({ length: 150 }, (_, i) => Math.floor(i / 50));

  it('holds out the same fraction of each class, and every row lands in exactly one part', () => {
    const split = stratifiedSplit(labels, 3, 0.2);
    expect(split.test).toHaveLength(30);
    expect(split.train).toHaveLength(120);
    for (let c = 0; c < 3; c++) expect(Array.from(split.test).filter((row) => labels[row] === c)).toHaveLength(10);
    expect(new Set([...split.train, ...split.test]).size).toBe(150);
  });

  it('is fixed: the same rows every time, whatever the training seed', () => {
    expect(stratifiedSplit(labels, 3, 0.2)).toEqual(stratifiedSplit(labels, 3, 0.2));
    expect(stratifiedSplit(labels, 3, 0.2, 99)).not.toEqual(stratifiedSplit(labels, 3, 0.2));
  });

  it('splits a subset of rows only (the validation split of optimize)', () => {
    const first = stratifiedSplit(labels, 3, 0.2);
    const inner = stratifiedSplit(labels, 3, 0.25, 5, first.train);
    expect(inner.train.length + inner.test.length).toBe(120);
    expect(Array.from(inner.test).every((row) => first.train.includes(row))).toBe(true);
  });
});
