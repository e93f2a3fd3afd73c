import { spawnSync } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as csvParse } from 'csv-parse';
import { Matrix } from 'ml-matrix';
import { readCsv } from '../src/data/csv-reader';
import { parseNumber } from '../src/data/parse-number';
import { DenseNetwork } from '../src/model/dense-network';
import { Random } from '../src/random';
import { stratifiedSplit } from '../src/training/split';

// npm run bench [-- --rows N]: the trainer end to end on a generated CSV beside
// scikit-learn, then the two choices behind the figures (CSV parser, gradient kernel).

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { rows: { type: 'string', default: '1000000' } },
});
const ROWS = Number(values.rows);
const FEATURES = 20;
const CLASSES = 3;
const TRAINER_ARGS = ['--epochs', '3', '--batch-size', '256', '--learning-rate', '0.01'];

const dir = mkdtempSync(join(tmpdir(), 'trainer-bench-'));
main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));

async function main(): Promise<void> {
  const data = join(dir, 'data.csv');
  const labels = await generateCsv(data);
  const megabytes = statSync(data).size / 1e6;
  console.log(
    `Data: ${ROWS.toLocaleString('en-US')} rows x ${FEATURES} features, ${CLASSES} classes, ${megabytes.toFixed(0)} MB CSV; ${cpus().length} cores, Node.js ${process.version}`,
  );
  console.log(
    `Trainer: train ${TRAINER_ARGS.join(' ')} (logistic regression, Adam); test split 20%, the same rows for both\n`,
  );

  const trainer = runTrainer(data);
  const testRows = join(dir, 'test-rows.txt');
  writeFileSync(testRows, `${Array.from(stratifiedSplit(labels, CLASSES, 0.2).test).join('\n')}\n`);
  const sklearn = runSklearn(data, testRows);

  const rows: [string, string, string][] = [
    ['start-up: imports (s)', trainer.startSeconds.toFixed(2), sklearn ? sklearn.importSeconds.toFixed(2) : '-'],
    ['read CSV (s)', trainer.readSeconds.toFixed(2), sklearn ? sklearn.readSeconds.toFixed(2) : '-'],
    [
      'train / fit (s)',
      trainer.trainSeconds.toFixed(2),
      sklearn ? `${sklearn.fitSeconds.toFixed(2)} (${sklearn.iterations} lbfgs iterations)` : '-',
    ],
    ['end to end, process (s)', trainer.processSeconds.toFixed(2), sklearn ? sklearn.totalSeconds.toFixed(2) : '-'],
    ['test accuracy', trainer.accuracy.toFixed(4), sklearn ? sklearn.accuracy.toFixed(4) : '-'],
    ['peak RSS (MB)', (trainer.maxRssBytes / 1e6).toFixed(0), sklearn ? (sklearn.maxRssBytes / 1e6).toFixed(0) : '-'],
    ['training rows/s', Math.round(trainer.rowsPerSecond).toLocaleString('en-US'), '-'],
  ];
  console.log(
    table(['', 'trainer', sklearn ? `scikit-learn ${sklearn.sklearn}` : 'scikit-learn (not installed)'], rows),
  );
  if (sklearn) {
    const ratio = trainer.processSeconds / sklearn.totalSeconds;
    const points = (trainer.accuracy - sklearn.accuracy) * 100;
    console.log(
      `\ntrainer / scikit-learn time: ${ratio.toFixed(2)}x (target <= 1.5x); accuracy ${points >= 0 ? '+' : ''}${points.toFixed(2)} points (target within 1); peak RSS ${trainer.maxRssBytes < 1e9 ? 'under' : 'OVER'} 1 GB`,
    );
  } else {
    console.log('\nscikit-learn: apt-get install python3-sklearn python3-pandas for the comparison (/usr/bin/python3)');
  }

  console.log('\nCSV parsing, numbers into typed arrays (the same file):');
  const papa = await timeReadCsv(data);
  const csvParseSeconds = await timeCsvParse(data);
  console.log(
    table(
      ['parser', 'seconds', 'rows/s'],
      [
        ['papaparse 5.7.1 (readCsv, used)', papa.toFixed(2), Math.round(ROWS / papa).toLocaleString('en-US')],
        ['csv-parse 7.0.3', csvParseSeconds.toFixed(2), Math.round(ROWS / csvParseSeconds).toLocaleString('en-US')],
      ],
    ),
  );

  console.log('\nGradient of one 256-row batch, 20 features, 3 classes (logistic regression):');
  const kernel = compareKernels();
  console.log(
    table(
      ['kernel', 'microseconds/batch', 'max |difference|'],
      [
        ['hand-written loops (used)', kernel.handWritten.toFixed(1), '-'],
        ['ml-matrix 6.15.1', kernel.mlMatrix.toFixed(1), kernel.difference.toExponential(1)],
      ],
    ),
  );
}

/** Gaussian blobs (class centers 0.35 apart per feature, unit noise): a problem linear models get about 94% right. */
async function generateCsv(path: string): Promise<Int32Array> {
  const random = new Random(2024);
  const centers = Array.from({ length: CLASSES }, (_, c) =>
    Array.from({ length: FEATURES }, (_, j) => (((c * 7 + j * 3) % 5) - 2) * 0.35),
  );
  const labels = new Int32Array(ROWS);
  const out = createWriteStream(path);
  let buffer = `${[...Array.from({ length: FEATURES }, (_, j) => `f${j}`), 'label'].join(',')}\n`;
  for (let row = 0; row < ROWS; row++) {
    const label = row % CLASSES;
    labels[row] = label;
    const center = centers[label] as number[];
    const fields = center.map((mean) => (mean + gaussian(random)).toFixed(4));
    buffer += `${fields.join(',')},class${label}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      buffer = '';
    }
  }
  await new Promise<void>((resolve) => out.end(buffer, () => resolve()));
  return labels;
}

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(Math.max(random.next(), Number.MIN_VALUE))) * Math.cos(2 * Math.PI * random.next());
}

function runTrainer(data: string) {
  const report = join(dir, 'trainer-report.json');
  const out = join(dir, 'runs');
  const result = spawnSync(
    process.execPath,
    [
      join(__dirname, 'measure-trainer.mjs'),
      'train',
      '--data',
      data,
      '--out',
      out,
      '--run-id',
      'bench',
      ...TRAINER_ARGS,
    ],
    { cwd: join(__dirname, '..'), env: { ...process.env, BENCH_REPORT: report }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`trainer failed:\n${result.stderr}`);
  const processReport = JSON.parse(readFileSync(report, 'utf8')) as {
    maxRssBytes: number;
    seconds: number;
    startSeconds: number;
  };
  const metrics = JSON.parse(readFileSync(join(out, 'bench', 'metrics.json'), 'utf8'));
  const epochs = metrics.epochs as { rowsPerSecond: number }[];
  return {
    readSeconds: metrics.timings.readSeconds as number,
    trainSeconds: metrics.timings.trainSeconds as number,
    processSeconds: processReport.seconds,
    startSeconds: processReport.startSeconds,
    accuracy: metrics.test.accuracy as number,
    maxRssBytes: processReport.maxRssBytes,
    rowsPerSecond: epochs.reduce((sum, e) => sum + e.rowsPerSecond, 0) / epochs.length,
  };
}

interface SklearnReport {
  sklearn: string;
  importSeconds: number;
  readSeconds: number;
  fitSeconds: number;
  iterations: number;
  totalSeconds: number;
  accuracy: number;
  maxRssBytes: number;
}

function runSklearn(data: string, testRows: string): SklearnReport | undefined {
  // Debian's numpy and scikit-learn live under /usr/bin/python3, which may not be the first python3 on PATH.
  const env = { ...process.env };
  // Set on some machines to work around old OpenBLAS builds; they slow current numpy down (see the toolchain notes).
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const result = spawnSync('/usr/bin/python3', [join(__dirname, 'sklearn_baseline.py'), data, testRows], {
    env,
    encoding: 'utf8',
  });
  if (result.error || result.status !== 0) return undefined;
  return JSON.parse(result.stdout) as SklearnReport;
}

async function timeReadCsv(path: string): Promise<number> {
  const started = performance.now();
  await readCsv(createReadStream(path), { sourceName: path });
  return (performance.now() - started) / 1000;
}

async function timeCsvParse(path: string): Promise<number> {
  const started = performance.now();
  const features = new Float64Array(ROWS * FEATURES);
  let row = -1;
  const parser = createReadStream(path).pipe(csvParse());
  for await (const record of parser as AsyncIterable<string[]>) {
    if (row >= 0) for (let j = 0; j < FEATURES; j++) features[row * FEATURES + j] = parseNumber(record[j] as string);
    row++;
  }
  return (performance.now() - started) / 1000;
}

/** Times the hand-written gradient against the same math in ml-matrix, and checks they agree. */
function compareKernels(): { handWritten: number; mlMatrix: number; difference: number } {
  const batch = 256;
  const random = new Random(1);
  const features = Float64Array.from({ length: batch * FEATURES }, () => gaussian(random));
  const labels = Int32Array.from({ length: batch }, () => random.nextInt(CLASSES));
  const order = Uint32Array.from({ length: batch }, (_, i) => i);
  const network = new DenseNetwork([FEATURES, CLASSES]);
  const params = Float64Array.from({ length: network.parameterCount }, () => gaussian(random) * 0.1);
  const gradient = new Float64Array(network.parameterCount);

  const x = new Matrix(
    Array.from({ length: batch }, (_, r) => Array.from(features.subarray(r * FEATURES, (r + 1) * FEATURES))),
  );
  const w = new Matrix(
    Array.from({ length: FEATURES }, (_, j) => Array.from(params.subarray(j * CLASSES, (j + 1) * CLASSES))),
  );
  const b = Matrix.rowVector(Array.from(params.subarray(FEATURES * CLASSES)));
  const ones = Matrix.ones(batch, 1);
  const oneHot = new Matrix(batch, CLASSES);
  labels.forEach((label, r) => {
    oneHot.set(r, label, 1);
  });
  let mlGradient = new Matrix(1, 1);
  const mlMatrixStep = () => {
    const logits = x.mmul(w).add(ones.mmul(b));
    for (let r = 0; r < batch; r++) {
      const max = Math.max(...logits.getRow(r));
      let sum = 0;
      for (let k = 0; k < CLASSES; k++) sum += Math.exp(logits.get(r, k) - max);
      for (let k = 0; k < CLASSES; k++) logits.set(r, k, Math.exp(logits.get(r, k) - max) / sum);
    }
    const delta = logits.sub(oneHot).div(batch);
    mlGradient = x.transpose().mmul(delta);
  };
  const handWrittenStep = () => network.lossAndGradient(params, { features, labels }, order, 0, batch, gradient);

  const time = (step: () => void) => {
    for (let i = 0; i < 200; i++) step(); // warm-up, so both are measured optimized
    const started = performance.now();
    const iterations = 2000;
    for (let i = 0; i < iterations; i++) step();
    return ((performance.now() - started) * 1000) / iterations;
  };
  const handWritten = time(handWrittenStep);
  const mlMatrix = time(mlMatrixStep);
  let difference = 0;
  for (let j = 0; j < FEATURES; j++) {
    for (let k = 0; k < CLASSES; k++)
      difference = Math.max(difference, Math.abs(mlGradient.get(j, k) - (gradient[j * CLASSES + k] as number)));
  }
  return { handWritten, mlMatrix, difference };
}

function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] as string).length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('   ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('   '), ...rows.map(line)].join('\n');
}
