import { Random } from '../random';

/** Row indices of the training and test parts of a table, each in row order. */
export interface Split {
  readonly train: Uint32Array;
  readonly test: Uint32Array;
}

/**
 * The seed of the test split. It is fixed, not the training seed: the test rows of
 * a dataset are the same for every run, so accuracies of runs with different
 * seeds or hyperparameters are measured on the same rows.
 */
export const SPLIT_SEED = 20240531;

/**
 * A stratified split: within each class, a shuffled `fraction` of its rows (rounded)
 * goes to the test part, so both parts keep the class proportions.
 *
 * @param rows the rows to split @default - every row of `labels`
 */
export function stratifiedSplit(
  labels: Int32Array,
  classCount: number,
  fraction: number,
  seed = SPLIT_SEED,
  rows: Uint32Array = Uint32Array.from(labels.keys()),
): Split {
  const byClass: number[][] = Array.from({ length: classCount }, () => []);
  for (const row of rows) (byClass[labels[row] as number] as number[]).push(row);
  const isTest = new Uint8Array(labels.length);
  byClass.forEach((classRows, label) => {
    const shuffled = Random.derive(seed, label).shuffle(Uint32Array.from(classRows));
    const testCount = Math.round(classRows.length * fraction);
    for (let i = 0; i < testCount; i++) isTest[shuffled[i] as number] = 1;
  });
  const train: number[] = [];
  const test: number[] = [];
  for (const row of rows.slice().sort()) (isTest[row] ? test : train).push(row);
  return { train: Uint32Array.from(train), test: Uint32Array.from(test) };
}
