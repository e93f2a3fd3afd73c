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

// npx projen bench [-- --rows 150,100000,1000000 --models logistic,mlp]: the trainer with its
// DEFAULT options, end to end, beside scikit-learn's defaults on the same generated data and
// test rows; then, on the largest file, the two choices behind the figures (CSV parser, kernel).

const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    rows: { type: 'string', default: '150,100000,1000000' },
    models: { type: 'string', default: 'logistic,mlp' },
  },
});
const SIZES = values.rows.split(',').map(Number);
const MODELS = values.models.split(',') as ('logistic' | 'mlp')[];
const FEATURES = 20;
const CLASSES = 3;

const dir = mkdtempSync(join(tmpdir(), 'trainer-bench-'));
main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => rmSync(dir, { recursive: true, force: true }));

async function main(): Promise<void> {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(
    `${FEATURES} features, ${CLASSES} classes (overlapping); ${cpus().length} cores, Node.js ${process.version}; load average at start ${load}`,
  );
  console.log(
    'Trainer: `trainer train --data <csv> --out <dir> --model <model>` (default options); 20% test rows, the same for both\n',
  );
  const results: string[][] = [];
  let largest = '';
  for (const rows of SIZES) {
    const data = join(dir, `data-${rows}.csv`);
    const labels = await generateCsv(data, rows);
    largest = data;
    const testRows = join(dir, `test-rows-${rows}.txt`);
    writeFileSync(testRows, `${Array.from(stratifiedSplit(labels, CLASSES, 0.2).test).join('\n')}\n`);
    const megabytes = statSync(data).size / 1e6;
    for (const model of MODELS) {
      const trainer = runTrainer(data, model);
      const sklearn = runSklearn(data, testRows, model);
      const ratio = sklearn ? trainer.processSeconds / sklearn.totalSeconds : Number.NaN;
      const points = sklearn ? (trainer.accuracy - sklearn.accuracy) * 100 : Number.NaN;
      results.push([
        `${rows.toLocaleString('en-US')} (${megabytes.toFixed(megabytes < 1 ? 2 : 0)} MB)`,
        model,
        `${trainer.processSeconds.toFixed(2)} (read ${trainer.readSeconds.toFixed(2)}, train ${trainer.trainSeconds.toFixed(2)})`,
        sklearn
          ? `${sklearn.totalSeconds.toFixed(2)} (read ${sklearn.readSeconds.toFixed(2)}, fit ${sklearn.fitSeconds.toFixed(2)})`
          : '-',
        sklearn ? `${ratio.toFixed(2)}x` : '-',
        `${trainer.accuracy.toFixed(4)} / ${sklearn ? sklearn.accuracy.toFixed(4) : '-'}`,
        sklearn ? `${points >= 0 ? '+' : ''}${points.toFixed(2)}` : '-',
        `${(trainer.maxRssBytes / 1e6).toFixed(0)} / ${sklearn ? (sklearn.maxRssBytes / 1e6).toFixed(0) : '-'}`,
        `${trainer.iterations} ${trainer.stopped} / ${sklearn ? sklearn.iterations : '-'}`,
      ]);
      console.log(`done: ${rows} rows, ${model}`);
    }
  }
  console.log(
    `\n${table(
      [
        'rows',
        'model',
        'trainer s (process)',
        'scikit-learn s',
        'time ratio',
        'accuracy trainer / sklearn',
        'points',
        'peak RSS MB trainer / sklearn',
        'iterations or epochs (trainer stop) / sklearn',
      ],
      results,
    )}`,
  );
  console.log(
    '\nTargets: time ratio <= 1.5x, accuracy within 1 point, trainer peak RSS < 1,000 MB. scikit-learn: LogisticRegression() and MLPClassifier(hidden_layer_sizes=(16,), early_stopping=True) from Debian (/usr/bin/python3).',
  );

  console.log('\nCSV parsing, numbers into typed arrays (the largest file):');
  const papa = await timeReadCsv(largest);
  const csvParseSeconds = await timeCsvParse(largest, SIZES[SIZES.length - 1] as number);
  const largestRows = SIZES[SIZES.length - 1] as number;
  console.log(
    table(
      ['parser', 'seconds', 'rows/s'],
      [
        ['papaparse 5.7.1 (readCsv, used)', papa.toFixed(2), Math.round(largestRows / papa).toLocaleString('en-US')],
        [
          'csv-parse 7.0.3',
          csvParseSeconds.toFixed(2),
          Math.round(largestRows / csvParseSeconds).toLocaleString('en-US'),
        ],
      ],
    ),
  );

  console.log('\nGradient of one 256-row batch, 20 features, 3 classes (logistic regression):');
  const kernel = compareKernels();
  console.log(
    table(
      ['kernel', 'microseconds/batch', 'max |difference|'],
      [
        ['hand-written loops (mini-batch kernel)', kernel.handWritten.toFixed(1), '-'],
        [
          'hand-written, class-major (full-batch kernel, used by L-BFGS)',
          kernel.linear.toFixed(1),
          kernel.linearDifference.toExponential(1),
        ],
        ['ml-matrix 6.15.1', kernel.mlMatrix.toFixed(1), kernel.difference.toExponential(1)],
      ],
    ),
  );
}

/**
 * Gaussian blobs, class centers 0.3 apart per feature with unit noise: classes
 * overlap, and linear models get about 90% right.
 */
async function generateCsv(path: string, ROWS: number): Promise<Int32Array> {
  const random = new Random(2024);
  const centers = Array.from({ length: CLASSES }, (_, c) =>
    Array.from({ length: FEATURES }, (_, j) => (((c * 7 + j * 3) % 5) - 2) * 0.3),
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

function runTrainer(data: string, model: string) {
  const report = join(dir, 'trainer-report.json');
  const out = join(dir, `runs-${model}`);
  const runId = `bench-${Date.now()}`;
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
      runId,
      '--model',
      model,
    ],
    { cwd: join(__dirname, '..'), env: { ...process.env, BENCH_REPORT: report }, encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`trainer failed:\n${result.stderr}`);
  const processReport = JSON.parse(readFileSync(report, 'utf8')) as {
    maxRssBytes: number;
    seconds: number;
    startSeconds: number;
  };
  const metrics = JSON.parse(readFileSync(join(out, runId, 'metrics.json'), 'utf8'));
  return {
    readSeconds: metrics.timings.readSeconds as number,
    trainSeconds: metrics.timings.trainSeconds as number,
    processSeconds: processReport.seconds,
    accuracy: metrics.test.accuracy as number,
    maxRssBytes: processReport.maxRssBytes,
    iterations: (metrics.epochs as unknown[]).length,
    stopped: metrics.stopped.reason as string,
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

function runSklearn(data: string, testRows: string, model: string): SklearnReport | undefined {
  // Debian's numpy and scikit-learn live under /usr/bin/python3, which may not be the first python3 on PATH.
  const env = { ...process.env };
  // Set on some machines to work around old OpenBLAS builds; they slow current numpy down (see the toolchain notes).
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const result = spawnSync('/usr/bin/python3', [join(__dirname, 'sklearn_baseline.py'), data, testRows, model], {
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

async function timeCsvParse(path: string, ROWS: number): Promise<number> {
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
function compareKernels(): {
  handWritten: number;
  linear: number;
  linearDifference: number;
  mlMatrix: number;
  difference: number;
} {
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
  const linearGradient = new Float64Array(network.parameterCount);
  const linearStep = () => network.linearLossAndGradient(params, { features, labels }, order, 0, batch, linearGradient);
  const handWritten = time(handWrittenStep);
  const linear = time(linearStep);
  let linearDifference = 0;
  for (let i = 0; i < gradient.length; i++) {
    linearDifference = Math.max(linearDifference, Math.abs((gradient[i] as number) - (linearGradient[i] as number)));
  }
  const mlMatrix = time(mlMatrixStep);
  let difference = 0;
  for (let j = 0; j < FEATURES; j++) {
    for (let k = 0; k < CLASSES; k++)
      difference = Math.max(difference, Math.abs(mlGradient.get(j, k) - (gradient[j * CLASSES + k] as number)));
  }
  return { handWritten, linear, linearDifference, mlMatrix, difference };
}

function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] as string).length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] as number) : cell.padStart(widths[c] as number))).join('   ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('   '), ...rows.map(line)].join('\n');
}
