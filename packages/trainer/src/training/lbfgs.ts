/**
 * Limited-memory BFGS (Nocedal & Wright, "Numerical Optimization", 2nd ed.,
 * Algorithm 7.4 for the direction, 7.5 for the loop) with a backtracking Armijo
 * line search, for smooth convex objectives such as L2-penalized logistic
 * regression: the full-batch quasi-Newton method scikit-learn's
 * `LogisticRegression()` uses by default. No maintained JavaScript package offers
 * it (the npm candidates are unmaintained or lack it), so this is a small one.
 *
 * It runs one iteration at a time, with its whole state in {@link LbfgsState}, so
 * that training can checkpoint between iterations and resume to the same bits:
 * the state is the point and the curvature pairs, and the objective at the point
 * is recomputed (deterministically) on resume.
 */

/** Writes the gradient at `x` into `gradient` and returns the objective. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

/** Curvature pairs `s = x[k+1] - x[k]`, `y = g[k+1] - g[k]`, oldest first. */
export interface LbfgsMemory {
  readonly s: Float64Array[];
  readonly y: Float64Array[];
}

export interface LbfgsState {
  readonly x: Float64Array;
  readonly memory: LbfgsMemory;
}

/** Why an iteration ended the minimization, if it did. */
export type LbfgsStop =
  /** The largest gradient component is at most the tolerance. */
  | 'gradient'
  /** The objective stopped decreasing (relative change below 1e-12·max(1, |f|)). */
  | 'no-progress'
  /** The line search found no decrease along the direction: as far as doubles go. */
  | 'line-search';

export interface LbfgsIteration {
  readonly value: number;
  readonly gradientNorm: number;
  readonly evaluations: number;
  readonly stop?: LbfgsStop;
}

export interface LbfgsOptions {
  /** Curvature pairs kept. @default 10 (as SciPy's L-BFGS-B, which scikit-learn calls) */
  readonly memory?: number;
  /** Stop when max |gradient_i| is at most this. @default 1e-4 (scikit-learn's `tol`) */
  readonly gradientTolerance?: number;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 30;

/**
 * Minimizes with L-BFGS from `state.x`, one iteration per call. `value` and
 * `gradient` are the objective and gradient at `state.x` on entry and are
 * updated to the new point; `state` is updated in place.
 */
export function lbfgsIteration(
  objective: Objective,
  state: LbfgsState,
  current: { value: number; gradient: Float64Array },
  options: LbfgsOptions = {},
): LbfgsIteration {
  const size = state.x.length;
  const memorySize = options.memory ?? 10;
  const tolerance = options.gradientTolerance ?? 1e-4;
  const g = current.gradient;
  if (maxAbs(g) <= tolerance)
    return { value: current.value, gradientNorm: maxAbs(g), evaluations: 0, stop: 'gradient' };

  let direction = searchDirection(g, state.memory);
  let slope = dot(g, direction);
  if (!(slope < 0)) {
    // Not a descent direction (bad curvature information): start over from steepest descent.
    state.memory.s.length = 0;
    state.memory.y.length = 0;
    direction = g.map((value) => -value);
    slope = dot(g, direction);
  }
  // The first step has no curvature to scale it: keep it at unit length, as SciPy does.
  let step = state.memory.s.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(g, g))) : 1;
  const candidate = new Float64Array(size);
  const candidateGradient = new Float64Array(size);
  let value = Number.NaN;
  let evaluations = 0;
  for (let backtrack = 0; ; backtrack++) {
    for (let i = 0; i < size; i++) candidate[i] = (state.x[i] as number) + step * (direction[i] as number);
    value = objective(candidate, candidateGradient);
    evaluations++;
    if (value <= current.value + ARMIJO * step * slope) break;
    if (backtrack === MAX_BACKTRACKS) {
      return { value: current.value, gradientNorm: maxAbs(g), evaluations, stop: 'line-search' };
    }
    // Minimizer of the quadratic through f(0), f'(0) and f(step), kept within [0.1, 0.5] of the step.
    const quadratic = (-slope * step * step) / (2 * (value - current.value - slope * step));
    step = Number.isFinite(quadratic) ? Math.min(0.5 * step, Math.max(0.1 * step, quadratic)) : 0.5 * step;
  }

  const s = new Float64Array(size);
  const y = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    s[i] = (candidate[i] as number) - (state.x[i] as number);
    y[i] = (candidateGradient[i] as number) - (g[i] as number);
  }
  // Keep the pair only with positive curvature, which keeps the implicit Hessian positive definite.
  if (dot(s, y) > 1e-10 * Math.sqrt(dot(s, s) * dot(y, y))) {
    state.memory.s.push(s);
    state.memory.y.push(y);
    if (state.memory.s.length > memorySize) {
      state.memory.s.shift();
      state.memory.y.shift();
    }
  }
  const previous = current.value;
  state.x.set(candidate);
  current.gradient.set(candidateGradient);
  current.value = value;
  const gradientNorm = maxAbs(candidateGradient);
  const stop: LbfgsStop | undefined =
    gradientNorm <= tolerance
      ? 'gradient'
      : previous - value <= 1e-12 * Math.max(1, Math.abs(value))
        ? 'no-progress'
        : undefined;
  return { value, gradientNorm, evaluations, ...(stop ? { stop } : {}) };
}

/** -H·g by the two-loop recursion, with H0 = (s·y / y·y)·I from the newest pair. */
function searchDirection(g: Float64Array, memory: LbfgsMemory): Float64Array {
  const q = Float64Array.from(g);
  const count = memory.s.length;
  const alpha = new Float64Array(count);
  const rho = new Float64Array(count);
  for (let k = count - 1; k >= 0; k--) {
    const s = memory.s[k] as Float64Array;
    const y = memory.y[k] as Float64Array;
    rho[k] = 1 / dot(y, s);
    alpha[k] = (rho[k] as number) * dot(s, q);
    axpy(-(alpha[k] as number), y, q);
  }
  if (count > 0) {
    const s = memory.s[count - 1] as Float64Array;
    const y = memory.y[count - 1] as Float64Array;
    const gamma = dot(s, y) / dot(y, y);
    for (let i = 0; i < q.length; i++) q[i] = (q[i] as number) * gamma;
  }
  for (let k = 0; k < count; k++) {
    const s = memory.s[k] as Float64Array;
    const y = memory.y[k] as Float64Array;
    const beta = (rho[k] as number) * dot(y, q);
    axpy((alpha[k] as number) - beta, s, q);
  }
  for (let i = 0; i < q.length; i++) q[i] = -(q[i] as number);
  return q;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < y.length; i++) y[i] = (y[i] as number) + a * (x[i] as number);
}

function maxAbs(values: Float64Array): number {
  let max = 0;
  for (const value of values) max = Math.max(max, Math.abs(value));
  return max;
}
