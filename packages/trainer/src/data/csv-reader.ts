import { createHash } from 'node:crypto';
import { type Readable, Transform } from 'node:stream';
import Papa from 'papaparse';
import { TrainerError } from '../errors';
import { parseNumber } from './parse-number';
import type { BadRow, BadRowPolicy, Table } from './table';

export interface ReadCsvOptions {
  /** Name of the source in messages (`data.csv:17: ...`). */
  readonly sourceName: string;
  /** @default - the last column of the header */
  readonly labelColumn?: string;
  /** Read the label column. Prediction reads features only. @default true */
  readonly withLabels?: boolean;
  /** The classes a model knows: a row with another label is bad. @default - every label seen is a class */
  readonly knownClasses?: readonly string[];
  /** Feature columns, in this order. @default - every column but the label */
  readonly featureColumns?: readonly string[];
  /** @default 'fail' */
  readonly badRows?: BadRowPolicy;
}

/** How many bad rows are kept as examples in the report. */
const BAD_ROW_EXAMPLES = 10;

/**
 * The longest line read, in bytes. A parser holds a line in memory until it
 * ends, so a file without newlines (not a CSV, or a broken export) would be held
 * whole: 1 MiB is room for some 50,000 numeric columns.
 */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Reads a CSV stream with a header into a numeric {@link Table}, streaming: rows are
 * parsed as bytes arrive and only the numbers are kept. Features must be finite
 * numbers; labels are any non-empty text. A bad row fails the read with its line
 * number, or is skipped and reported, as `badRows` says.
 */
export function readCsv(input: Readable, options: ReadCsvOptions): Promise<Table> {
  const withLabels = options.withLabels ?? true;
  const policy = options.badRows ?? 'fail';
  const hash = createHash('sha256');
  let bytes = 0;
  // Records can span lines only inside quoted fields: until a quote shows up, none does (and none is searched for).
  let sawQuote = false;
  // Newlines seen, and bytes since the last one: to stop at an overlong line, naming it.
  let newlines = 0;
  let lineBytes = 0;
  let fail: (error: unknown) => void = () => undefined;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      if (!sawQuote && chunk.includes(0x22)) sawQuote = true;
      let start = 0;
      for (let at = chunk.indexOf(10); at >= 0; at = chunk.indexOf(10, start)) {
        if (lineBytes + at - start > MAX_LINE_BYTES) break;
        newlines++;
        lineBytes = 0;
        start = at + 1;
      }
      lineBytes += chunk.length - start;
      if (lineBytes > MAX_LINE_BYTES) {
        fail(
          new TrainerError(
            'invalid-data',
            `${options.sourceName}:${newlines + 1}: the line is longer than ${MAX_LINE_BYTES} bytes (1 MiB), the most this reader takes: check that the file is a CSV with one row per line`,
          ),
        );
        callback();
        return;
      }
      callback(null, chunk);
    },
  });
  // Decoded by a StringDecoder, so a UTF-8 character split between two chunks stays whole.
  hashing.setEncoding('utf8');

  return new Promise<Table>((resolve, reject) => {
    let settled = false;
    fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      input.unpipe(hashing);
      input.destroy();
      hashing.destroy();
      reject(error);
    };
    input.on('error', (error) => fail(sourceError(options.sourceName, error)));

    let columns: Columns | undefined;
    let builder: TableBuilder | undefined;
    // Line where the next record starts; quoted fields may span lines, so records and lines can differ.
    let line = 1;

    Papa.parse<string[]>(input.pipe(hashing), {
      delimiter: ',',
      header: false,
      dynamicTyping: false,
      skipEmptyLines: false,
      step: (result, parser) => {
        if (settled) return;
        const fields = result.data;
        const recordLine = line;
        line += sawQuote ? 1 + embeddedNewlines(fields) : 1;
        try {
          if (!columns) {
            columns = resolveColumns(fields, options, withLabels);
            builder = new TableBuilder(columns.features.length, options.knownClasses);
            return;
          }
          if (fields.length === 1 && fields[0] === '') return; // a blank line
          const problem =
            result.errors.length > 0
              ? `malformed CSV: ${(result.errors[0] as Papa.ParseError).message}`
              : (builder as TableBuilder).add(fields, columns, recordLine, withLabels);
          if (problem !== undefined) {
            if (policy === 'fail') {
              throw new TrainerError(
                'invalid-data',
                `${options.sourceName}:${recordLine}: ${problem} (pass --bad-rows skip to skip such rows)`,
              );
            }
            (builder as TableBuilder).reportBadRow({ line: recordLine, reason: problem });
          }
        } catch (error) {
          fail(error); // first: abort() calls complete() at once, which must find the read settled
          parser.abort();
        }
      },
      complete: () => {
        if (settled) return;
        if (!columns || !builder) {
          fail(new TrainerError('invalid-data', `${options.sourceName}: the file is empty; a header row is required`));
          return;
        }
        settled = true;
        resolve(builder.build(columns, withLabels, hash.digest('hex'), bytes));
      },
      error: (error: Error) => fail(sourceError(options.sourceName, error)),
    });
  });
}

interface Columns {
  /** Index of each feature column in a record. */
  readonly features: readonly number[];
  readonly featureNames: readonly string[];
  readonly label: number;
  readonly labelName: string | undefined;
  readonly fieldCount: number;
}

function resolveColumns(header: string[], options: ReadCsvOptions, withLabels: boolean): Columns {
  const names = header.map((name, index) => (index === 0 ? name.replace(/^\uFEFF/, '') : name).trim());
  const where = (name: string, role: string): number => {
    const index = names.indexOf(name);
    if (index < 0) {
      throw new TrainerError(
        'invalid-data',
        `${options.sourceName}:1: no ${role} column "${name}" in the header; columns: ${names.join(', ')}`,
      );
    }
    return index;
  };
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) {
    throw new TrainerError(
      'invalid-data',
      `${options.sourceName}:1: column "${duplicate}" appears twice in the header`,
    );
  }
  if (names.length < 2 && !options.featureColumns) {
    throw new TrainerError(
      'invalid-data',
      `${options.sourceName}:1: expected a header with feature columns and a label column, received "${header.join(',')}"`,
    );
  }
  const labelName = withLabels ? (options.labelColumn ?? (names[names.length - 1] as string)) : undefined;
  const label = labelName === undefined ? -1 : where(labelName, 'label');
  const featureNames = options.featureColumns ?? names.filter((_, index) => index !== label);
  const features = featureNames.map((name) => where(name, 'feature'));
  if (features.includes(label)) {
    throw new TrainerError(
      'invalid-data',
      `${options.sourceName}:1: column "${labelName}" is both a feature and the label`,
    );
  }
  return { features, featureNames, label, labelName, fieldCount: names.length };
}

/** Accumulates rows into growable typed arrays. */
class TableBuilder {
  private features: Float64Array;
  private labels: Int32Array;
  private lines: Int32Array;
  private rows = 0;
  private readonly classIndex = new Map<string, number>();
  private readonly classNames: string[] = [];
  private badRowCount = 0;
  private readonly badRowExamples: BadRow[] = [];
  private readonly row: Float64Array;

  constructor(
    private readonly featureCount: number,
    private readonly knownClasses: readonly string[] | undefined,
  ) {
    const capacity = 1024;
    this.features = new Float64Array(capacity * featureCount);
    this.labels = new Int32Array(capacity);
    this.lines = new Int32Array(capacity);
    this.row = new Float64Array(featureCount);
    for (const name of knownClasses ?? []) this.classFor(name);
  }

  /** Adds a record, or returns why it cannot be used. */
  add(fields: string[], columns: Columns, line: number, withLabels: boolean): string | undefined {
    if (fields.length !== columns.fieldCount) {
      return `expected ${columns.fieldCount} fields, found ${fields.length}`;
    }
    for (let j = 0; j < this.featureCount; j++) {
      const text = fields[columns.features[j] as number] as string;
      const value = parseNumber(text);
      if (!Number.isFinite(value)) {
        return `column "${columns.featureNames[j]}": expected a number, received "${truncate(text)}"`;
      }
      this.row[j] = value;
    }
    let label = 0;
    if (withLabels) {
      const name = (fields[columns.label] as string).trim();
      if (name.length === 0) return `column "${columns.labelName}": the label is empty`;
      if (this.knownClasses && !this.classIndex.has(name)) {
        return `column "${columns.labelName}": unknown class "${truncate(name)}"; the model knows ${this.knownClasses.join(', ')}`;
      }
      label = this.classFor(name);
    }
    this.ensureCapacity();
    this.features.set(this.row, this.rows * this.featureCount);
    this.labels[this.rows] = label;
    this.lines[this.rows] = line;
    this.rows++;
    return undefined;
  }

  reportBadRow(badRow: BadRow): void {
    this.badRowCount++;
    if (this.badRowExamples.length < BAD_ROW_EXAMPLES) this.badRowExamples.push(badRow);
  }

  build(columns: Columns, withLabels: boolean, sha256: string, bytes: number): Table {
    let classes: string[] = [];
    let labels = this.labels.slice(0, withLabels ? this.rows : 0);
    if (withLabels) {
      // Known classes keep the model's order; discovered classes are sorted so row order does not matter.
      classes = this.knownClasses ? [...this.knownClasses] : [...this.classNames].sort();
      const remap = Int32Array.from(this.classNames, (name) => classes.indexOf(name));
      labels = labels.map((label) => remap[label] as number);
    }
    return {
      featureNames: columns.featureNames,
      labelName: columns.labelName,
      rowCount: this.rows,
      features: this.features.slice(0, this.rows * this.featureCount),
      labels,
      classes,
      lines: this.lines.slice(0, this.rows),
      badRows: { count: this.badRowCount, examples: this.badRowExamples },
      sha256,
      bytes,
    };
  }

  private classFor(name: string): number {
    let index = this.classIndex.get(name);
    if (index === undefined) {
      index = this.classNames.length;
      this.classIndex.set(name, index);
      this.classNames.push(name);
    }
    return index;
  }

  private ensureCapacity(): void {
    if (this.rows < this.labels.length) return;
    const capacity = this.labels.length * 2;
    const features = new Float64Array(capacity * this.featureCount);
    features.set(this.features);
    this.features = features;
    const labels = new Int32Array(capacity);
    labels.set(this.labels);
    this.labels = labels;
    const lines = new Int32Array(capacity);
    lines.set(this.lines);
    this.lines = lines;
  }
}

/** Line breaks inside quoted fields, so the next record's line number stays right. */
function embeddedNewlines(fields: string[]): number {
  let count = 0;
  for (const field of fields) {
    if (field.includes('\n')) count += field.split('\n').length - 1;
  }
  return count;
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function sourceError(sourceName: string, error: unknown): unknown {
  if (error instanceof TrainerError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TrainerError('invalid-data', `${sourceName}: cannot read the data: ${message}`);
}
