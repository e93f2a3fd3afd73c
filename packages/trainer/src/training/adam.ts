/** Adam's moment estimates: part of the training state, saved in checkpoints. */
export interface AdamState {
  readonly m: Float64Array;
  readonly v: Float64Array;
  /** Steps taken so far. */
  step: number;
}

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

export function newAdamState(size: number): AdamState {
  return { m: new Float64Array(size), v: new Float64Array(size), step: 0 };
}

/**
 * One Adam step (Kingma & Ba, 2015, Algorithm 1, with the usual defaults
 * beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8): updates `params` and `state` in place.
 */
export function adamStep(params: Float64Array, gradient: Float64Array, state: AdamState, learningRate: number): void {
  state.step++;
  const correction1 = 1 - BETA1 ** state.step;
  const correction2 = 1 - BETA2 ** state.step;
  const { m, v } = state;
  for (let i = 0; i < params.length; i++) {
    const g = gradient[i] as number;
    const mi = BETA1 * (m[i] as number) + (1 - BETA1) * g;
    const vi = BETA2 * (v[i] as number) + (1 - BETA2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] = (params[i] as number) - (learningRate * (mi / correction1)) / (Math.sqrt(vi / correction2) + EPSILON);
  }
}
