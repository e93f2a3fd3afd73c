/** Per-feature mean and scale: `(x - mean) / scale` gives features with mean 0 and variance 1. */
export interface Standardization {
  readonly mean: number[];
  readonly scale: number[];
}

/**
 * Fits the standardization on the given rows only (the training rows: test rows
 * must not leak into it). A constant feature gets scale 1, as scikit-learn's
 * StandardScaler does, so it maps to 0 instead of dividing by zero.
 */
export function fitStandardization(features: Float64Array, featureCount: number, rows: Uint32Array): Standardization {
  const mean = new Float64Array(featureCount);
  const squares = new Float64Array(featureCount);
  for (const row of rows) {
    const offset = row * featureCount;
    for (let j = 0; j < featureCount; j++) mean[j] = (mean[j] as number) + (features[offset + j] as number);
  }
  for (let j = 0; j < featureCount; j++) mean[j] = (mean[j] as number) / rows.length;
  // Two passes (mean, then squared deviations) to avoid the cancellation of E[x^2] - E[x]^2.
  for (const row of rows) {
    const offset = row * featureCount;
    for (let j = 0; j < featureCount; j++) {
      const deviation = (features[offset + j] as number) - (mean[j] as number);
      squares[j] = (squares[j] as number) + deviation * deviation;
    }
  }
  const scale = Array.from(squares, (sum) => {
    const deviation = Math.sqrt(sum / rows.length);
    return deviation > 0 ? deviation : 1;
  });
  return { mean: Array.from(mean), scale };
}

/** Standardizes every row in place. */
export function applyStandardization(features: Float64Array, standardization: Standardization): void {
  const featureCount = standardization.mean.length;
  const { mean, scale } = standardization;
  for (let offset = 0; offset < features.length; offset += featureCount) {
    for (let j = 0; j < featureCount; j++) {
      features[offset + j] = ((features[offset + j] as number) - (mean[j] as number)) / (scale[j] as number);
    }
  }
}
