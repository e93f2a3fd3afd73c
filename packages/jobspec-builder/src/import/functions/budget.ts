import { MAX_EVALUATION_WORK, MAX_FUNCTION_ELEMENTS, MAX_FUNCTION_STRING, MAX_VALUE_NESTING } from '../../limits';
import type { HclData } from './values';

/**
 * A resource limit of this importer was reached: not an error of the jobspec's logic, so `try()` and `can()` do not
 * catch it, and the import reports it as `limit-exceeded`. The message names the limit.
 */
export class HclLimitError extends Error {
  override readonly name = 'HclLimitError';
}

/** Characters of text that count as one step of work: copying text is cheap next to building elements. */
export const CHARACTERS_PER_STEP = 16;

/**
 * The work an import may do evaluating expressions: elements built and values read (one step each, text by
 * {@link CHARACTERS_PER_STEP} characters), loop iterations, expressions evaluated. One budget is shared by every
 * expression of a jobspec, so no combination of functions, `for` expressions and locals that feed each other can run
 * away, nor build a value so large that rendering it takes long.
 */
export class WorkBudget {
  private used = 0;

  constructor(readonly limit: number = MAX_EVALUATION_WORK) {}

  /** Counts `units` of work done for `what`; throws an {@link HclLimitError} past the limit. */
  charge(units: number, what: string): void {
    this.used += units;
    if (this.used > this.limit) {
      throw new HclLimitError(
        `${what}: the jobspec's expressions did more than ${formatCount(this.limit)} steps of work (elements built ` +
          `and read, ${CHARACTERS_PER_STEP} characters a step, loop iterations); a jobspec computes small values`,
      );
    }
  }

  /** Counts building `length` characters of text. */
  chargeText(length: number, what: string): void {
    this.charge(Math.ceil(length / CHARACTERS_PER_STEP), what);
  }
}

/** The size of a value and its nesting. */
export interface ValueSize {
  /** Steps of work to build or read it: one per element, one per {@link CHARACTERS_PER_STEP} characters. */
  readonly units: number;
  readonly depth: number;
  /** The longest string in it. */
  readonly longestString: number;
  /** Elements of its largest list or object. */
  readonly mostElements: number;
}

/**
 * Measures `value` without recursion, stopping once it has counted more than `cap` units (a value built from
 * shared parts, such as YAML aliases, can be far larger than the memory it takes).
 */
export function measure(value: HclData, cap: number): ValueSize {
  let units = 0;
  let depth = 0;
  let longestString = 0;
  let mostElements = 0;
  const stack: [HclData, number][] = [[value, 1]];
  while (stack.length > 0 && units <= cap) {
    const [v, level] = stack.pop() as [HclData, number];
    units++;
    if (level > depth) depth = level;
    if (typeof v === 'string') {
      units += Math.floor(v.length / CHARACTERS_PER_STEP);
      if (v.length > longestString) longestString = v.length;
    } else if (Array.isArray(v)) {
      if (v.length > mostElements) mostElements = v.length;
      for (const item of v) stack.push([item, level + 1]);
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      if (keys.length > mostElements) mostElements = keys.length;
      for (const key of keys) {
        units += Math.floor(key.length / CHARACTERS_PER_STEP);
        stack.push([(v as Record<string, HclData>)[key] as HclData, level + 1]);
      }
    }
  }
  return { units, depth, longestString, mostElements };
}

/** Throws an {@link HclLimitError} naming `what` if a value built by a function or expression is past a limit. */
export function checkValue(size: ValueSize, what: string): void {
  if (size.longestString > MAX_FUNCTION_STRING) {
    throw new HclLimitError(
      `${what}: the result would hold a string of more than ${formatCount(MAX_FUNCTION_STRING)} characters, the limit`,
    );
  }
  if (size.mostElements > MAX_FUNCTION_ELEMENTS) {
    throw new HclLimitError(
      `${what}: the result would hold more than ${formatCount(MAX_FUNCTION_ELEMENTS)} elements in one list or map, the limit`,
    );
  }
  if (size.depth > MAX_VALUE_NESTING) {
    throw new HclLimitError(`${what}: the result is nested more than ${MAX_VALUE_NESTING} levels deep, the limit`);
  }
}

/** Throws an {@link HclLimitError} naming `what` before building a string of `length` characters past the limit. */
export function checkStringLength(length: number, what: string): void {
  if (length > MAX_FUNCTION_STRING) {
    throw new HclLimitError(
      `${what}: the result would be ${formatCount(length)} characters long, more than the limit of ${formatCount(MAX_FUNCTION_STRING)}`,
    );
  }
}

/** Throws an {@link HclLimitError} naming `what` before building a collection of `count` elements past the limit. */
export function checkElementCount(count: number, what: string): void {
  if (count > MAX_FUNCTION_ELEMENTS) {
    throw new HclLimitError(
      `${what}: the result would have ${formatCount(count)} elements, more than the limit of ${formatCount(MAX_FUNCTION_ELEMENTS)}`,
    );
  }
}

/** 16777216 as "16 Mi", 1000000 as "1,000,000". */
function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} Mi`;
  return Math.round(n).toLocaleString('en-US');
}
