import { Random } from '../../src/random';

export interface SyntheticOptions {
  readonly rows: number;
  readonly features: number;
  readonly classes: number;
  /** Distance between class centers in units of the noise's standard deviation. */
  readonly separation: number;
  readonly seed?: number;
}

/**
 * Gaussian blobs as CSV: class `c`'s center is `separation` along feature `c mod features`
 * (so classes are linearly separable when `separation` is large), unit-variance noise.
 * Header `f0,...,f<n-1>,label`, labels `class0`, `class1`, ...
 */
export function blobsCsv(options: SyntheticOptions): string {
  const random = new Random(options.seed ?? 7);
  const lines = [[...Array.from({ length: options.features }, (_, j) => `f${j}`), 'label'].join(',')];
  for (let row = 0; row < options.rows; row++) {
    const label = row % options.classes;
    const values = Array.from({ length: options.features }, (_, j) => {
      const center = j === label % options.features ? options.separation : 0;
      return (center + gaussian(random)).toFixed(4);
    });
    lines.push([...values, `class${label}`].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** XOR of two features: not linearly separable, so logistic regression cannot learn it and an MLP can. */
export function xorCsv(rows: number, seed = 3): string {
  const random = new Random(seed);
  const lines = ['x,y,label'];
  for (let row = 0; row < rows; row++) {
    const x = random.uniform(-1, 1);
    const y = random.uniform(-1, 1);
    // A margin around the axes keeps the problem noise-free.
    if (Math.abs(x) < 0.1 || Math.abs(y) < 0.1) continue;
    lines.push(`${x.toFixed(4)},${y.toFixed(4)},${x * y > 0 ? 'same' : 'different'}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A standard normal sample (Box-Muller). */
export function gaussian(random: Random): number {
  const u = Math.max(random.next(), Number.MIN_VALUE);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.next());
}
