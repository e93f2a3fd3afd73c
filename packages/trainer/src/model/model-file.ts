import { z } from 'zod';
import { TrainerError } from '../errors';
import { type Hyperparameters, SOLVERS, type Solver } from '../training/hyperparameters';
import type { Standardization } from '../training/standardizer';
import { DenseNetwork, MODEL_KINDS, type ModelKind } from './dense-network';

/** The version of `model.json` this package writes; readers refuse other versions. */
export const MODEL_FORMAT_VERSION = 1;

const layerSchema = z.object({
  activation: z.enum(['relu', 'softmax']),
  /** `weights[input][output]`. */
  weights: z.array(z.array(z.number())),
  bias: z.array(z.number()),
});

const modelFileSchema = z.object({
  format: z.literal('org.trainer.model'),
  version: z.literal(MODEL_FORMAT_VERSION),
  kind: z.enum(MODEL_KINDS as [ModelKind, ...ModelKind[]]),
  labelColumn: z.string(),
  featureColumns: z.array(z.string()).min(1),
  classes: z.array(z.string()).min(2),
  standardization: z.object({ mean: z.array(z.number()), scale: z.array(z.number()) }),
  layers: z.array(layerSchema).min(1),
  hyperparameters: z.object({
    model: z.enum(MODEL_KINDS as [ModelKind, ...ModelKind[]]),
    // Absent in models of earlier versions, which all trained with Adam.
    solver: z.enum(SOLVERS as [Solver, ...Solver[]]).optional(),
    epochs: z.number(),
    learningRate: z.number(),
    batchSize: z.number(),
    l2: z.number(),
    hiddenSize: z.number(),
    seed: z.number(),
  }),
  training: z.object({ runId: z.string(), dataSha256: z.string(), rows: z.number() }),
});

/**
 * `model.json`: everything needed to predict, in plain JSON: the columns, the class
 * names, the standardization, and each layer's weights and biases. A prediction is
 * `softmax(... relu(standardize(x) W1 + b1) ... Wn + bn)`.
 */
export type ModelFile = z.infer<typeof modelFileSchema>;

/** A model ready to predict. */
export interface LoadedModel {
  readonly file: ModelFile;
  readonly network: DenseNetwork;
  readonly params: Float64Array;
}

export interface ModelFileInput {
  readonly network: DenseNetwork;
  readonly params: Float64Array;
  readonly labelColumn: string;
  readonly featureColumns: readonly string[];
  readonly classes: readonly string[];
  readonly standardization: Standardization;
  readonly hyperparameters: Hyperparameters;
  readonly training: ModelFile['training'];
}

export function toModelFile(input: ModelFileInput): ModelFile {
  const { network, params } = input;
  const layers: ModelFile['layers'] = [];
  let offset = 0;
  for (let layer = 1; layer < network.sizes.length; layer++) {
    const inputs = network.sizes[layer - 1] as number;
    const outputs = network.sizes[layer] as number;
    const weights = Array.from({ length: inputs }, (_, i) =>
      Array.from(params.subarray(offset + i * outputs, offset + (i + 1) * outputs)),
    );
    offset += inputs * outputs;
    const bias = Array.from(params.subarray(offset, offset + outputs));
    offset += outputs;
    layers.push({ activation: layer === network.sizes.length - 1 ? 'softmax' : 'relu', weights, bias });
  }
  return {
    format: 'org.trainer.model',
    version: MODEL_FORMAT_VERSION,
    kind: input.hyperparameters.model,
    labelColumn: input.labelColumn,
    featureColumns: [...input.featureColumns],
    classes: [...input.classes],
    standardization: input.standardization,
    layers,
    hyperparameters: input.hyperparameters,
    training: input.training,
  };
}

/** Reads and checks `model.json`: the format, and that every dimension fits the columns and classes. */
export function parseModelFile(text: string, where: string): LoadedModel {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new TrainerError('invalid-model', `${where}: not JSON (${(error as Error).message})`);
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (version !== undefined && version !== MODEL_FORMAT_VERSION) {
    throw new TrainerError(
      'invalid-model',
      `${where}: model format version ${JSON.stringify(version)}; this trainer reads version ${MODEL_FORMAT_VERSION}`,
    );
  }
  const parsed = modelFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TrainerError('invalid-model', `${where}: ${issue?.path.join('.') || 'model'}: ${issue?.message}`);
  }
  const file = parsed.data;
  const sizes = [file.featureColumns.length, ...file.layers.map((layer) => layer.bias.length)];
  const problem = dimensionProblem(file, sizes);
  if (problem) throw new TrainerError('invalid-model', `${where}: ${problem}`);
  const network = new DenseNetwork(sizes);
  const params = new Float64Array(network.parameterCount);
  let offset = 0;
  for (const layer of file.layers) {
    for (const row of layer.weights) {
      params.set(row, offset);
      offset += row.length;
    }
    params.set(layer.bias, offset);
    offset += layer.bias.length;
  }
  return { file, network, params };
}

function dimensionProblem(file: ModelFile, sizes: number[]): string | undefined {
  const features = file.featureColumns.length;
  if (file.standardization.mean.length !== features || file.standardization.scale.length !== features) {
    return `standardization: expected ${features} values (one per feature column)`;
  }
  if (sizes[sizes.length - 1] !== file.classes.length) {
    return `layers: the last layer has ${sizes[sizes.length - 1]} outputs for ${file.classes.length} classes`;
  }
  for (let layer = 0; layer < file.layers.length; layer++) {
    const { weights, activation } = file.layers[layer] as ModelFile['layers'][number];
    const inputs = sizes[layer] as number;
    const outputs = sizes[layer + 1] as number;
    if (weights.length !== inputs || weights.some((row) => row.length !== outputs)) {
      return `layers.${layer}.weights: expected ${inputs} rows of ${outputs} numbers`;
    }
    const expected = layer === file.layers.length - 1 ? 'softmax' : 'relu';
    if (activation !== expected) return `layers.${layer}.activation: expected "${expected}", received "${activation}"`;
  }
  return undefined;
}

/**
 * The first number of a model that is not finite (`NaN` or `Infinity`, which JSON
 * would write as `null`), as its path, or undefined when there is none. A model
 * is checked before it is published: a diverged training run must fail, not
 * become `latest`.
 */
export function nonFiniteValue(file: ModelFile): { path: string; value: number } | undefined {
  const check = (values: readonly number[], path: string) => {
    const index = values.findIndex((value) => !Number.isFinite(value));
    return index < 0 ? undefined : { path: `${path}[${index}]`, value: values[index] as number };
  };
  const found =
    check(file.standardization.mean, 'standardization.mean') ??
    check(file.standardization.scale, 'standardization.scale');
  if (found) return found;
  for (const [layer, { weights, bias }] of file.layers.entries()) {
    for (const [row, values] of weights.entries()) {
      const inRow = check(values, `layers[${layer}].weights[${row}]`);
      if (inRow) return inRow;
    }
    const inBias = check(bias, `layers[${layer}].bias`);
    if (inBias) return inBias;
  }
  return undefined;
}
