import { readCsv } from '../data/csv-reader';
import { openData } from '../data/data-source';
import type { BadRowPolicy } from '../data/table';
import { argmax } from '../model/dense-network';
import { parseLocation } from '../storage/location';
import { writeObject } from '../storage/stores';
import { applyStandardization } from '../training/standardizer';
import type { CommandContext } from './context';
import { loadModel } from './load-model';

export interface PredictOptions {
  readonly model: string;
  /** CSV with (at least) the model's feature columns; a label column is not needed. */
  readonly data: string;
  /** CSV file or S3 object to write. */
  readonly out: string;
  /** @default 'fail' */
  readonly badRows?: BadRowPolicy;
}

export interface PredictResult {
  readonly runId: string;
  readonly rows: number;
  readonly badRows: number;
}

/**
 * `trainer predict`: writes one CSV row per usable input row:
 * `line,prediction,probability_<class>...`, where `line` is the input line, so
 * predictions can be joined back to skipped-row inputs.
 */
export async function predict(options: PredictOptions, context: CommandContext): Promise<PredictResult> {
  const model = await loadModel(options.model, context.storage);
  const source = await openData(options.data, context.storage);
  const table = await readCsv(source.stream, {
    sourceName: source.name,
    withLabels: false,
    featureColumns: model.file.featureColumns,
    badRows: options.badRows ?? 'fail',
  });
  applyStandardization(table.features, model.file.standardization);
  const { classes } = model.file;
  const probabilities = new Float64Array(classes.length);
  const lines = [['line', 'prediction', ...classes.map((name) => `probability_${name}`)].map(csvField).join(',')];
  for (let row = 0; row < table.rowCount; row++) {
    model.network.predictRow(model.params, table.features, row, probabilities);
    const prediction = csvField(classes[argmax(probabilities)] as string);
    lines.push(`${table.lines[row]},${prediction},${Array.from(probabilities, (p) => p.toPrecision(6)).join(',')}`);
  }
  await writeObject(parseLocation(options.out), `${lines.join('\n')}\n`, context.storage);
  context.logger.info('predicted', { runId: model.run.manifest.runId, rows: table.rowCount, out: options.out });
  return { runId: model.run.manifest.runId, rows: table.rowCount, badRows: table.badRows.count };
}

/** Quotes a field when CSV requires it (RFC 4180). */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
