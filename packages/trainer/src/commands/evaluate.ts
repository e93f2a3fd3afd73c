import { readCsv } from '../data/csv-reader';
import { openData } from '../data/data-source';
import type { BadRowPolicy } from '../data/table';
import { parseLocation } from '../storage/location';
import { writeObject } from '../storage/stores';
import { type ClassificationMetrics, evaluateRows } from '../training/classification-metrics';
import { applyStandardization } from '../training/standardizer';
import type { CommandContext } from './context';
import { loadModel } from './load-model';

export interface EvaluateOptions {
  /** A run directory or output location (`s3://...` too). */
  readonly model: string;
  readonly data: string;
  /** @default 'fail' */
  readonly badRows?: BadRowPolicy;
  /** Also write the report here (a file or S3 object). @default - standard output only */
  readonly out?: string;
}

/** The report of `trainer evaluate`. */
export interface EvaluationReport extends ClassificationMetrics {
  readonly runId: string;
  readonly data: { readonly source: string; readonly sha256: string; readonly badRows: number };
}

/** `trainer evaluate`: scores a saved model on labeled data (every usable row). */
export async function evaluate(options: EvaluateOptions, context: CommandContext): Promise<EvaluationReport> {
  const model = await loadModel(options.model, context.storage);
  const source = await openData(options.data, context.storage);
  const table = await readCsv(source.stream, {
    sourceName: source.name,
    labelColumn: model.file.labelColumn,
    featureColumns: model.file.featureColumns,
    knownClasses: model.file.classes,
    badRows: options.badRows ?? 'fail',
  });
  applyStandardization(table.features, model.file.standardization);
  const rows = Uint32Array.from(table.labels.keys());
  const report: EvaluationReport = {
    runId: model.run.manifest.runId,
    data: { source: source.name, sha256: table.sha256, badRows: table.badRows.count },
    ...evaluateRows(model.network, model.params, table, rows, model.file.classes),
  };
  context.logger.info('evaluated', {
    runId: report.runId,
    rows: report.rows,
    accuracy: report.accuracy,
    macroF1: report.macroF1,
  });
  if (options.out)
    await writeObject(parseLocation(options.out), `${JSON.stringify(report, null, 2)}\n`, context.storage);
  return report;
}
