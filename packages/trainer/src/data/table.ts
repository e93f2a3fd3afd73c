/** What to do with a row that cannot be used (wrong field count, a value that is not a number, an unknown class). */
export type BadRowPolicy = 'fail' | 'skip';

export const BAD_ROW_POLICIES: readonly BadRowPolicy[] = ['fail', 'skip'];

export interface BadRow {
  /** Line of the source where the row starts (the header is line 1). */
  readonly line: number;
  readonly reason: string;
}

export interface BadRowReport {
  readonly count: number;
  /** The first few bad rows, for logs and metrics. */
  readonly examples: readonly BadRow[];
}

/**
 * A numeric table read from CSV: features row-major in one typed array (rows x
 * features), class indices per row, and where each row came from.
 */
export interface Table {
  readonly featureNames: readonly string[];
  /** The label column, when the table has labels. */
  readonly labelName: string | undefined;
  readonly rowCount: number;
  /** Row-major: row `r`, feature `j` is `features[r * featureNames.length + j]`. */
  readonly features: Float64Array;
  /** Index into `classes` for each row; empty when the table has no labels. */
  readonly labels: Int32Array;
  /** Class names, sorted, so the mapping does not depend on row order. */
  readonly classes: readonly string[];
  /** Source line of each row (1-based; the header is line 1). */
  readonly lines: Int32Array;
  readonly badRows: BadRowReport;
  /** SHA-256 of the bytes read, to tie a model to the exact data it was trained on. */
  readonly sha256: string;
  readonly bytes: number;
}
