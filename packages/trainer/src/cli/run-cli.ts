import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluate } from '../commands/evaluate';
import { optimize } from '../commands/optimize';
import { predict } from '../commands/predict';
import { train } from '../commands/train';
import { DEFAULT_DATA } from '../data/data-source';
import { TrainerError } from '../errors';
import { createLogger, type Logger } from '../observability/logger';
import type { TerminalStream } from '../observability/progress-bar';
import { startPredictionService } from '../serve/prediction-service';
import { storageError } from '../storage/local-store';
import type { StorageOptions } from '../storage/stores';
import type { Hyperparameters } from '../training/hyperparameters';
import { describeOptions, type OptionSpecs, resolveOptions } from './option-spec';
import { EVALUATE_OPTIONS, OPTIMIZE_OPTIONS, PREDICT_OPTIONS, SERVE_OPTIONS, TRAIN_OPTIONS } from './options';

/** Exit codes: 2 is a usage error (a bad flag or variable), 130 a run stopped by a signal after its checkpoint. */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: TerminalStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  readonly storage?: StorageOptions;
}

interface Command {
  readonly summary: string;
  readonly usage: string;
  readonly options: OptionSpecs;
  run(args: readonly string[], io: CliIo, logger: Logger): Promise<unknown>;
}

/** The hyperparameter options `train` and `optimize` share, as the commands take them. */
function hyperparametersOf(o: Partial<Hyperparameters>): Partial<Hyperparameters> {
  return {
    model: o.model,
    solver: o.solver,
    epochs: o.epochs,
    learningRate: o.learningRate,
    batchSize: o.batchSize,
    l2: o.l2,
    hiddenSize: o.hiddenSize,
    seed: o.seed,
  };
}

const COMMANDS: Record<string, Command> = {
  train: {
    summary: 'train a model and write it, with its metrics, as a new run',
    usage: 'trainer train --out <dir|s3://bucket/prefix> [--data <file.csv|s3://...>] [--label <column>] [options]',
    options: TRAIN_OPTIONS,
    async run(args, io, logger) {
      const o = resolveOptions(TRAIN_OPTIONS, args, io.env);
      const result = await train(
        {
          data: o.data ?? DEFAULT_DATA,
          label: o.label,
          out: required(o.out, 'out', 'OUTPUT_LOCATION'),
          hyperparameters: hyperparametersOf(o),
          hyperparametersFrom: o.hyperparameters,
          testSplit: o.testSplit,
          badRows: o.badRows,
          resume: o.resume,
          runId: o.runId,
          checkpointIntervalSeconds: o.checkpointInterval,
          metricsPort: o.metricsPort,
          metricsHost: o.metricsHost,
          pushgatewayUrl: o.pushgatewayUrl,
        },
        { logger, env: io.env, signal: io.signal, storage: io.storage },
      );
      return {
        runId: result.runId,
        location: result.location,
        test: { accuracy: result.metrics.test.accuracy, macroF1: result.metrics.test.macroF1 },
      };
    },
  },
  optimize: {
    summary: 'search learning rate, L2 and hidden size on a validation split; write the best set',
    usage: 'trainer optimize --out <dir|s3://bucket/prefix> [--data <...>] [--trials N] [options]',
    options: OPTIMIZE_OPTIONS,
    async run(args, io, logger) {
      const o = resolveOptions(OPTIMIZE_OPTIONS, args, io.env);
      const result = await optimize(
        {
          data: o.data ?? DEFAULT_DATA,
          label: o.label,
          out: required(o.out, 'out', 'OUTPUT_LOCATION'),
          hyperparameters: hyperparametersOf(o),
          trials: o.trials,
          validationSplit: o.validationSplit,
          testSplit: o.testSplit,
          badRows: o.badRows,
          runId: o.runId,
        },
        { logger, env: io.env, signal: io.signal, storage: io.storage },
      );
      return { runId: result.runId, location: result.location, best: result.best };
    },
  },
  evaluate: {
    summary: 'score a saved model on labeled data; print the report',
    usage: 'trainer evaluate --model <dir|s3://...> --data <file.csv|s3://...> [--out <report.json>]',
    options: EVALUATE_OPTIONS,
    async run(args, io, logger) {
      const o = resolveOptions(EVALUATE_OPTIONS, args, io.env);
      return evaluate(
        {
          model: required(o.model, 'model', 'MODEL_LOCATION'),
          data: o.data ?? DEFAULT_DATA,
          out: o.out,
          badRows: o.badRows,
        },
        { logger, env: io.env, storage: io.storage },
      );
    },
  },
  predict: {
    summary: 'predict the class of every row; write them as CSV',
    usage: 'trainer predict --model <dir|s3://...> --data <file.csv|s3://...> --out <predictions.csv|s3://...>',
    options: PREDICT_OPTIONS,
    async run(args, io, logger) {
      const o = resolveOptions(PREDICT_OPTIONS, args, io.env);
      return predict(
        {
          model: required(o.model, 'model', 'MODEL_LOCATION'),
          data: o.data ?? DEFAULT_DATA,
          out: required(o.out, 'out', 'PREDICTIONS_LOCATION'),
          badRows: o.badRows,
        },
        { logger, env: io.env, storage: io.storage },
      );
    },
  },
  serve: {
    summary: 'answer predictions over HTTP with the latest model, reloading when a new run completes',
    usage: 'trainer serve --model <dir|s3://bucket/prefix> [--port 8080] [--reload-interval 10] [--drain-seconds 5]',
    options: SERVE_OPTIONS,
    async run(args, io, logger) {
      const o = resolveOptions(SERVE_OPTIONS, args, io.env);
      // SIGHUP: look for a new model now (after a deployment, or from a test) without waiting for the interval.
      // Listened to before the service says it is serving, so that no SIGHUP can find the default action (exit).
      let service: Awaited<ReturnType<typeof startPredictionService>> | undefined;
      let hangupBeforeStart = false;
      const onHangup = () => {
        if (service) void service.checkForNewModel();
        else hangupBeforeStart = true;
      };
      process.on('SIGHUP', onHangup);
      try {
        service = await startPredictionService(
          {
            model: required(o.model, 'model', 'MODEL_LOCATION'),
            port: o.port,
            host: o.host,
            reloadIntervalSeconds: o.reloadInterval,
            drainSeconds: o.drainSeconds,
            maxBodyBytes: o.maxBodyBytes,
          },
          { logger, env: io.env, storage: io.storage },
        );
        if (hangupBeforeStart) void service.checkForNewModel();
        await new Promise<void>((resolve) => {
          if (!io.signal || io.signal.aborted) return resolve();
          io.signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await service.shutdown();
      } finally {
        process.off('SIGHUP', onHangup);
      }
      return { runId: service.runId, port: service.port, stopped: true };
    },
  },
};

/**
 * Runs the `trainer` command line and returns the exit code. Results (a run
 * summary, a report) go to stdout as JSON; logs go to stderr.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout).write(`${generalHelp()}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === 'version') {
    io.stdout.write(`${packageVersion()}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  const logger = createLogger({ stream: io.stderr });
  if (!command) {
    logger.error(`unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')} (see trainer --help)`, {
      code: 'invalid-option',
    });
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(`${commandHelp(name, command)}\n`);
    return EXIT.ok;
  }
  try {
    const result = await command.run(args, io, logger);
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof TrainerError) {
      logger.error(error.message, { code: error.code });
      if (error.code === 'aborted') return EXIT.interrupted;
      return error.code === 'invalid-option' ? EXIT.usage : EXIT.failure;
    }
    if (typeof (error as NodeJS.ErrnoException).syscall === 'string') {
      // A file-system error no command turned into a TrainerError: still one line, with its code.
      const { path, syscall } = error as NodeJS.ErrnoException;
      logger.error(storageError(syscall as string, path ?? '', error).message, { code: 'storage' });
      return EXIT.failure;
    }
    logger.error((error as Error).stack ?? String(error), { code: 'internal' });
    return EXIT.failure;
  }
}

function required<T>(value: T | undefined, flag: string, env: string): T {
  if (value === undefined) {
    throw new TrainerError('invalid-option', `missing --${flag}: give the flag or set ${env}`);
  }
  return value;
}

function generalHelp(): string {
  const commands = Object.entries(COMMANDS)
    .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
    .join('\n');
  return [
    'Usage: trainer <command> [options]',
    '',
    commands,
    '',
    'Every option can also come from an environment variable or from Nomad dispatch meta',
    '(NOMAD_META_<key>); a flag wins over meta, meta over the variable. See trainer <command> --help.',
  ].join('\n');
}

function commandHelp(name: string, command: Command): string {
  return [`Usage: ${command.usage}`, '', `${name}: ${command.summary}`, '', describeOptions(command.options)].join(
    '\n',
  );
}

function packageVersion(): string {
  // lib/cli/run-cli.js -> package.json; read at run time, outside the compiled sources.
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}
