import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Size } from '../../src/values';

describe('Size', () => {
  it('converts mebibytes and gibibytes to whole MiB', () => {
    expect(Size.mebibytes(512).toMebibytes()).toBe(512);
    expect(Size.mebibytes(0).toMebibytes()).toBe(0);
    expect(Size.gibibytes(1).toMebibytes()).toBe(1024);
    expect(Size.gibibytes(2).toMebibytes()).toBe(2048);
  });

  it('accepts gibibyte fractions that are a whole number of MiB', () => {
    expect(Size.gibibytes(0.5).toMebibytes()).toBe(512);
    expect(Size.gibibytes(1.5).toMebibytes()).toBe(1536);
    expect(Size.gibibytes(0.25).toMebibytes()).toBe(256);
    expect(Size.gibibytes(1 / 1024).toMebibytes()).toBe(1);
  });

  it('agrees with integer arithmetic for every whole number of GiB', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (gib) => {
        expect(Size.gibibytes(gib).toMebibytes()).toBe(gib * 1024);
        expect(Size.gibibytes(gib).equals(Size.mebibytes(gib * 1024))).toBe(true);
      }),
    );
  });

  it('throws when a gibibyte fraction is not a whole number of MiB, naming the value and the nearest fixes', () => {
    expect(() => Size.gibibytes(0.3)).toThrowErrorMatchingInlineSnapshot(
      `[RangeError: Size.gibibytes(0.3): expected a whole number of MiB, received 0.3, which is 307.2 MiB; Nomad sizes are integer MiB: use Size.mebibytes(307) or Size.mebibytes(308)]`,
    );
  });

  it.each([
    ['a negative amount', () => Size.mebibytes(-1), 'Size.mebibytes(-1): expected a non-negative size, received -1'],
    ['a negative gibibyte amount', () => Size.gibibytes(-0.5), 'Size.gibibytes(-0.5): expected a non-negative size'],
    ['a fractional MiB amount', () => Size.mebibytes(1.5), 'Size.mebibytes(1.5): expected a whole number of MiB'],
    ['NaN', () => Size.mebibytes(Number.NaN), 'Size.mebibytes(NaN): expected a finite, non-negative number'],
    ['Infinity', () => Size.gibibytes(Number.POSITIVE_INFINITY), 'expected a finite, non-negative number'],
    ['an unsafe integer', () => Size.mebibytes(2 ** 60), 'expected at most 9007199254740991 MiB'],
    ['a string at runtime', () => Size.mebibytes('512' as unknown as number), 'received string 512'],
  ])('throws for %s', (_name, make, message) => {
    expect(make).toThrow(RangeError);
    expect(make).toThrow(message);
  });

  it('compares by MiB', () => {
    expect(Size.gibibytes(1).equals(Size.mebibytes(1024))).toBe(true);
    expect(Size.gibibytes(1).equals(Size.mebibytes(1000))).toBe(false);
    expect(Size.mebibytes(300).compareTo(Size.mebibytes(256))).toBe(1);
    expect(Size.mebibytes(256).compareTo(Size.gibibytes(0.25))).toBe(0);
    expect(Size.mebibytes(0).compareTo(Size.mebibytes(1))).toBe(-1);
  });

  it('renders as MiB text and as a JSON number', () => {
    expect(String(Size.mebibytes(512))).toBe('512MiB');
    expect(Size.gibibytes(2).toString()).toBe('2048MiB');
    expect(Size.mebibytes(-0).toString()).toBe('0MiB');
    expect(JSON.stringify({ MemoryMB: Size.mebibytes(256) })).toBe('{"MemoryMB":256}');
  });

  it('is immutable', () => {
    expect(Object.isFrozen(Size.mebibytes(1))).toBe(true);
  });
});
