import { z } from 'zod';
import type { BadRowPolicy } from '../data/table';
import { TrainerError } from '../errors';
import { DenseNetwork, MODEL_KINDS, type ModelKind } from '../model/dense-network';
import { Random } from '../random';
import { checkWritableDirectory } from '../storage/local-store';
import { formatLocation, parseLocation } from '../storage/location';
import { findCompleteRun, type RunManifest, RunStore } from '../storage/run-store';
import { storeAt } from '../storage/stores';
import { evaluateRows } from '../training/classification-metrics';
import { chooseHyperparameters, type Hyperparameters, SOLVERS, type Solver } from '../training/hyperparameters';
import { stratifiedSplit } from '../training/split';
import { initialTrainingState, trainLoop } from '../training/train-loop';
import { loadTrainingData } from '../training/training-data';
import type { CommandContext } from './context';
import { defaultRunId } from './run-id';

export interface OptimizeOptions {
  readonly data: string;
  readonly label?: string;
  readonly out: string;
  /** Fixed during the search: model kind, epochs, batch size, seed. The search varies the rest. */
  readonly hyperparameters?: Partial<Hyperparameters>;
  /** Hyperparameter sets to try; the first is the defaults (or the given values). @default 12 */
  readonly trials?: number;
  /** Fraction of the training rows held out to score trials. @default 0.2 */
  readonly validationSplit?: number;
  /** The test rows are set aside as in `train`, and never used by the search. @default 0.2 */
  readonly testSplit?: number;
  readonly badRows?: BadRowPolicy;
  readonly runId?: string;
}

export interface Trial {
  readonly trial: number;
  readonly hyperparameters: Hyperparameters;
  readonly validationAccuracy: number;
  readonly validationLoss: number;
  readonly seconds: number;
}

export interface OptimizeResult {
  readonly runId: string;
  readonly location: string;
  readonly manifest: RunManifest;
  readonly best: Trial;
  readonly trials: readonly Trial[];
}

/** Candidate hidden sizes of the MLP. */
const HIDDEN_SIZES = [8, 16, 32, 64];

/**
 * `trainer optimize`: random search over the learning rate, L2 penalty and (for
 * the MLP) hidden size, each trial trained on the training rows minus a validation
 * part and scored on that part (accuracy, then loss). Writes `hyperparameters.json`
 * (the best set, which `train --hyperparameters <out>` reads) and `search.json`.
 */
export async function optimize(options: OptimizeOptions, context: CommandContext): Promise<OptimizeResult> {
  const { logger } = context;
  const given: Partial<Hyperparameters> = Object.fromEntries(
    Object.entries(options.hyperparameters ?? {}).filter(([, value]) => value !== undefined),
  );
  const seed = given.seed ?? 1;
  const trialCount = options.trials ?? 12;
  const out = parseLocation(options.out);
  const runs = new RunStore(storeAt(out, context.storage));
  if (out.kind === 'local') await checkWritableDirectory(out.path);
  const runId = options.runId ?? defaultRunId(context.env ?? process.env);
  if (await runs.readManifest(runId)) {
    throw new TrainerError(
      'run-conflict',
      `run ${runId} already exists at ${runs.store.description}: choose another --run-id`,
    );
  }

  const data = await loadTrainingData({
    data: options.data,
    labelColumn: options.label,
    testSplit: options.testSplit ?? 0.2,
    badRows: options.badRows ?? 'fail',
    storage: context.storage,
  });
  const { table } = data;
  const validation = stratifiedSplit(
    table.labels,
    table.classes.length,
    options.validationSplit ?? 0.2,
    seed,
    data.split.train,
  );
  if (validation.test.length === 0 || validation.train.length === 0) {
    throw new TrainerError(
      'invalid-data',
      `${data.source}: too few rows for a validation split of ${options.validationSplit ?? 0.2}`,
    );
  }
  // The defaults a train run on these rows would choose, less the values given.
  const base = chooseHyperparameters(given, {}, validation.train.length).hyperparameters;
  logger.info('search', {
    trials: trialCount,
    trainRows: validation.train.length,
    validationRows: validation.test.length,
  });

  const random = Random.derive(base.seed, 2);
  const trials: Trial[] = [];
  for (let trial = 0; trial < trialCount; trial++) {
    // Trial 0 is the starting point, so the search never returns something worse than it on validation.
    const hyperparameters: Hyperparameters =
      trial === 0
        ? base
        : {
            ...base,
            learningRate: roundSignificant(10 ** random.uniform(-3, -0.5)),
            l2: roundSignificant(10 ** random.uniform(-6, -1)),
            hiddenSize:
              base.model === 'mlp' ? (HIDDEN_SIZES[random.nextInt(HIDDEN_SIZES.length)] as number) : base.hiddenSize,
          };
    const started = performance.now();
    const network = DenseNetwork.forKind(
      hyperparameters.model,
      table.featureNames.length,
      table.classes.length,
      hyperparameters.hiddenSize,
    );
    const state = initialTrainingState(network, hyperparameters.seed);
    await trainLoop({
      network,
      hyperparameters,
      rows: table,
      trainRows: validation.train,
      testRows: new Uint32Array(0),
      classes: table.classes,
      state,
      signal: context.signal,
      checkpoint: async () => undefined, // a trial is cheap to redo
      onBatch: (progress) => logger.progress(progress),
    });
    const scores = evaluateRows(network, state.params, table, validation.test, table.classes);
    const result: Trial = {
      trial,
      hyperparameters,
      validationAccuracy: scores.accuracy,
      validationLoss: scores.loss,
      seconds: (performance.now() - started) / 1000,
    };
    trials.push(result);
    logger.info('trial', { ...result, hyperparameters: undefined, ...hyperparameters });
  }
  const best = [...trials].sort(
    (a, b) => b.validationAccuracy - a.validationAccuracy || a.validationLoss - b.validationLoss || a.trial - b.trial,
  )[0] as Trial;

  const writer = runs.startRun(runId, 'optimize');
  await writer.writeFile('hyperparameters.json', `${JSON.stringify(best.hyperparameters, null, 2)}\n`);
  await writer.writeFile(
    'search.json',
    `${JSON.stringify({ format: 'org.trainer.search', version: 1, runId, data: { source: data.source, sha256: table.sha256 }, best, trials }, null, 2)}\n`,
  );
  const manifest = await writer.commit();
  const location = `${formatLocation(out)}/${runId}`;
  logger.info('search complete', { runId, location, best: best.trial, validationAccuracy: best.validationAccuracy });
  return { runId, location, manifest, best, trials };
}

const hyperparametersSchema = z.object({
  model: z.enum(MODEL_KINDS as [ModelKind, ...ModelKind[]]),
  // Optimize runs of earlier versions had no solver: they trained with Adam.
  solver: z.enum(SOLVERS as [Solver, ...Solver[]]).default('adam'),
  epochs: z.number().int().positive(),
  learningRate: z.number().positive(),
  batchSize: z.number().int().positive(),
  l2: z.number().min(0),
  hiddenSize: z.number().int().positive(),
  seed: z.number().int().min(0),
});

/** The best hyperparameters of an optimize run: its directory, its output location (`latest`), or S3 prefix. */
export async function readHyperparameters(location: string, context: CommandContext): Promise<Hyperparameters> {
  const run = await findCompleteRun(storeAt(parseLocation(location), context.storage));
  const parsed = hyperparametersSchema.safeParse(JSON.parse((await run.read('hyperparameters.json')).toString('utf8')));
  if (!parsed.success) {
    throw new TrainerError(
      'invalid-model',
      `${run.description}/hyperparameters.json: ${parsed.error.issues[0]?.message}`,
    );
  }
  return parsed.data;
}

function roundSignificant(value: number): number {
  return Number(value.toPrecision(3));
}
