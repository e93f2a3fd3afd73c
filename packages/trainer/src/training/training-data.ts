import { readCsv } from '../data/csv-reader';
import { DEFAULT_DATA, IRIS_LABEL, openData } from '../data/data-source';
import type { BadRowPolicy, Table } from '../data/table';
import { TrainerError } from '../errors';
import type { StorageOptions } from '../storage/stores';
import { type Split, stratifiedSplit } from './split';
import { applyStandardization, fitStandardization, type Standardization } from './standardizer';

export interface TrainingDataOptions {
  readonly data: string;
  /** @default - `species` for the built-in iris data, else the last column */
  readonly labelColumn?: string;
  readonly testSplit: number;
  readonly badRows: BadRowPolicy;
  readonly storage?: StorageOptions;
}

/** A labeled table split into training and test rows, its features standardized with the training rows' statistics. */
export interface TrainingData {
  readonly source: string;
  readonly table: Table;
  readonly labelColumn: string;
  readonly split: Split;
  readonly standardization: Standardization;
  readonly readSeconds: number;
}

export async function loadTrainingData(options: TrainingDataOptions): Promise<TrainingData> {
  const started = performance.now();
  const source = await openData(options.data, options.storage);
  const table = await readCsv(source.stream, {
    sourceName: source.name,
    labelColumn: options.labelColumn ?? (options.data === DEFAULT_DATA ? IRIS_LABEL : undefined),
    badRows: options.badRows,
  });
  if (table.classes.length < 2) {
    throw new TrainerError(
      'invalid-data',
      `${source.name}: column "${table.labelName}" has ${table.classes.length} class(es) in ${table.rowCount} usable rows; training needs at least 2`,
    );
  }
  const split = stratifiedSplit(table.labels, table.classes.length, options.testSplit);
  if (split.train.length === 0) {
    throw new TrainerError('invalid-data', `${source.name}: no rows left for training after the test split`);
  }
  const standardization = fitStandardization(table.features, table.featureNames.length, split.train);
  checkStandardization(source.name, table, split.train, standardization);
  applyStandardization(table.features, standardization);
  return {
    source: source.name,
    table,
    labelColumn: table.labelName as string,
    split,
    standardization,
    readSeconds: (performance.now() - started) / 1000,
  };
}

/**
 * Finite numbers can still be too large to standardize: around 1e154 and up, the
 * squares (or the sum) of a column overflow a double, its scale becomes Infinity
 * and the model would be saved with `null` statistics. Such a column is rejected
 * with the line of its largest value.
 */
function checkStandardization(source: string, table: Table, rows: Uint32Array, standardization: Standardization): void {
  const featureCount = table.featureNames.length;
  for (let j = 0; j < featureCount; j++) {
    if (Number.isFinite(standardization.mean[j]) && Number.isFinite(standardization.scale[j])) continue;
    let largest = rows[0] as number;
    for (const row of rows) {
      if (
        Math.abs(table.features[row * featureCount + j] as number) >
        Math.abs(table.features[largest * featureCount + j] as number)
      )
        largest = row;
    }
    throw new TrainerError(
      'invalid-data',
      `${source}:${table.lines[largest]}: column "${table.featureNames[j]}": ${table.features[largest * featureCount + j]} is too large to standardize (the column's mean or variance overflows a double; values up to about 1e150 work): rescale the column (other units, or a logarithm) or leave it out`,
    );
  }
}
