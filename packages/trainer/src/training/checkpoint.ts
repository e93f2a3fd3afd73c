import { z } from 'zod';
import { TrainerError } from '../errors';
import type { Hyperparameters } from './hyperparameters';
import type { TrainingState } from './train-loop';

/** What a run was started with; a checkpoint only resumes a run started with the same. */
export interface RunFingerprint {
  readonly hyperparameters: Hyperparameters;
  readonly dataSha256: string;
  readonly labelColumn: string;
  readonly featureColumns: readonly string[];
  readonly classes: readonly string[];
  readonly testSplit: number;
}

const epochSchema = z.object({
  epoch: z.number(),
  trainLoss: z.number(),
  trainAccuracy: z.number(),
  testLoss: z.number().optional(),
  testAccuracy: z.number().optional(),
  validationLoss: z.number().optional(),
  validationAccuracy: z.number().optional(),
  seconds: z.number(),
  rowsPerSecond: z.number(),
});

const checkpointSchema = z.object({
  format: z.literal('org.trainer.checkpoint'),
  version: z.literal(1),
  runId: z.string(),
  savedAt: z.string(),
  fingerprint: z.record(z.string(), z.unknown()),
  epoch: z.number().int().min(0),
  batch: z.number().int().min(0),
  // Float64Array bytes in base64: JSON numbers would round-trip too, but this is exact by construction and compact.
  params: z.string(),
  adam: z.object({ m: z.string(), v: z.string(), step: z.number().int().min(0) }),
  epochLossSum: z.number(),
  epochCorrect: z.number(),
  epochRows: z.number(),
  history: z.array(epochSchema),
  lbfgs: z.object({ s: z.array(z.string()), y: z.array(z.string()) }).optional(),
  best: z.object({ epoch: z.number().int(), loss: z.number(), params: z.string() }).optional(),
  staleEpochs: z.number().int().min(0).optional(),
  stopped: z
    .object({
      reason: z.enum(['converged', 'early-stop', 'epoch-limit']),
      detail: z.string(),
      epoch: z.number().int(),
    })
    .optional(),
});

export function encodeCheckpoint(state: TrainingState, runId: string, fingerprint: RunFingerprint): string {
  return JSON.stringify({
    format: 'org.trainer.checkpoint',
    version: 1,
    runId,
    savedAt: new Date().toISOString(),
    fingerprint,
    epoch: state.epoch,
    batch: state.batch,
    params: encodeFloats(state.params),
    adam: { m: encodeFloats(state.adam.m), v: encodeFloats(state.adam.v), step: state.adam.step },
    epochLossSum: state.epochLossSum,
    epochCorrect: state.epochCorrect,
    epochRows: state.epochRows,
    history: state.history,
    ...(state.lbfgs ? { lbfgs: { s: state.lbfgs.s.map(encodeFloats), y: state.lbfgs.y.map(encodeFloats) } } : {}),
    ...(state.best ? { best: { ...state.best, params: encodeFloats(state.best.params) } } : {}),
    ...(state.staleEpochs !== undefined ? { staleEpochs: state.staleEpochs } : {}),
    ...(state.stopped ? { stopped: state.stopped } : {}),
  });
}

/**
 * Restores the training state of a checkpoint, after checking that it belongs to a
 * run with the same fingerprint (same data, columns and hyperparameters), since
 * only then does resuming give the same result as an uninterrupted run.
 */
export function decodeCheckpoint(
  text: string,
  runId: string,
  fingerprint: RunFingerprint,
  parameterCount: number,
): TrainingState {
  const parsed = checkpointSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    throw new TrainerError(
      'checkpoint-mismatch',
      `the checkpoint of run ${runId} is not readable: ${parsed.error.issues[0]?.message}`,
    );
  }
  const checkpoint = parsed.data;
  const difference = firstDifference(checkpoint.fingerprint, JSON.parse(JSON.stringify(fingerprint)), '');
  if (difference) {
    throw new TrainerError(
      'checkpoint-mismatch',
      `run ${runId} was started with ${difference.path} = ${JSON.stringify(difference.saved)}, this run has ${JSON.stringify(difference.current)}: resume with the options the run started with, or start a new run without --resume`,
    );
  }
  const params = decodeFloats(checkpoint.params);
  if (params.length !== parameterCount) {
    throw new TrainerError(
      'checkpoint-mismatch',
      `the checkpoint of run ${runId} has ${params.length} parameters, the model ${parameterCount}`,
    );
  }
  return {
    epoch: checkpoint.epoch,
    batch: checkpoint.batch,
    params,
    adam: { m: decodeFloats(checkpoint.adam.m), v: decodeFloats(checkpoint.adam.v), step: checkpoint.adam.step },
    epochLossSum: checkpoint.epochLossSum,
    epochCorrect: checkpoint.epochCorrect,
    epochRows: checkpoint.epochRows,
    history: checkpoint.history,
    ...(checkpoint.lbfgs
      ? { lbfgs: { s: checkpoint.lbfgs.s.map(decodeFloats), y: checkpoint.lbfgs.y.map(decodeFloats) } }
      : {}),
    ...(checkpoint.best ? { best: { ...checkpoint.best, params: decodeFloats(checkpoint.best.params) } } : {}),
    ...(checkpoint.staleEpochs !== undefined ? { staleEpochs: checkpoint.staleEpochs } : {}),
    ...(checkpoint.stopped ? { stopped: checkpoint.stopped } : {}),
  };
}

function encodeFloats(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

function decodeFloats(text: string): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  // Copied into a fresh, aligned buffer: a Buffer may sit at any offset of Node's pool.
  const values = new Float64Array(bytes.length / 8);
  new Uint8Array(values.buffer).set(bytes);
  return values;
}

function firstDifference(
  saved: unknown,
  current: unknown,
  path: string,
): { path: string; saved: unknown; current: unknown } | undefined {
  if (typeof saved === 'object' && saved !== null && typeof current === 'object' && current !== null) {
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(current)])].sort();
    for (const key of keys) {
      const found = firstDifference(
        (saved as Record<string, unknown>)[key],
        (current as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
      );
      if (found) return found;
    }
    return undefined;
  }
  return saved === current ? undefined : { path, saved, current };
}
