import { checkValue, HclLimitError, measure, WorkBudget } from './budget';
import { asGoInt, numberToString, WHOLE_NUMBER } from './number-text';
import {
  type Converted,
  describe,
  goQuote,
  type HclData,
  type HclList,
  type HclObject,
  isList,
  isObject,
  normalizeDeep,
  toNumberValue,
  toStringValue,
  unifyValues,
} from './values';

export interface FunctionContext {
  /** Directory that relative paths in file() etc. resolve against; the filesystem functions read only under it. */
  readonly baseDir: string;
  /** Whether filesystem functions may read files (Nomad's -hcl2-strict / AllowFS). @default true */
  readonly allowFs: boolean;
  /** The work the import may still do, shared by every call. @default - a budget for this call alone */
  readonly budget?: WorkBudget;
}

/** Thrown for a bad call; the evaluator adds the file:line and the call text. Message says what was received and what is allowed. */
export class HclFunctionError extends Error {
  override readonly name = 'HclFunctionError';
}

export type HclFunction = (args: readonly HclData[], context: FunctionContext) => HclData;

// ---------------------------------------------------------------------------
// Calls

export class Call {
  constructor(
    readonly fn: string,
    readonly args: HclList,
    readonly params: readonly string[],
    readonly variadic: string | undefined,
    readonly ctx: FunctionContext,
  ) {}

  paramName(i: number): string {
    return this.params[i] ?? this.variadic ?? `argument ${i + 1}`;
  }

  fail(message: string): never {
    throw new HclFunctionError(`${this.fn}: ${message}`);
  }

  argFail(i: number, detail: string): never {
    throw new HclFunctionError(`${this.fn}: invalid value for "${this.paramName(i)}" parameter: ${detail}`);
  }

  arg(i: number): HclData {
    return this.args[i] as HclData;
  }

  private convert<T>(i: number, result: Converted<T>): T {
    if (result.ok) return result.value;
    const v = this.arg(i);
    const received = typeof v === 'string' ? `string ${goQuote(v)}` : describe(v);
    return this.argFail(i, `${result.error}, received ${received}`);
  }

  str(i: number): string {
    return this.convert(i, toStringValue(this.arg(i)));
  }

  num(i: number): number {
    return this.convert(i, toNumberValue(this.arg(i)));
  }

  /** A number converted to a Go int. */
  int(i: number): number {
    const n = this.num(i);
    const int = asGoInt(n);
    return int === undefined ? this.argFail(i, `${WHOLE_NUMBER}, received ${numberToString(n)}`) : int;
  }

  /** A sequence (list, tuple or set); `what` names what is allowed, for the message. */
  seq(i: number, what = 'a list, tuple or set'): HclList {
    const v = this.arg(i);
    return isList(v) ? v : this.argFail(i, `${what} is required, received ${describe(v)}`);
  }

  /** A list(string) parameter: elements become strings; null elements stay null. */
  stringList(i: number): (string | null)[] {
    return this.seq(i).map((el, j) => {
      if (el === null) return null;
      const s = toStringValue(el);
      return s.ok ? s.value : this.argFail(i, `element ${j}: string required, received ${describe(el)}`);
    });
  }

  /** A list(any) or set(any) parameter: elements unified to one type. */
  unifiedList(i: number): HclList {
    const list = this.seq(i);
    return unifyValues(list) ?? this.argFail(i, 'all elements must have the same type');
  }

  map(i: number, message: string): HclObject {
    const v = this.arg(i);
    return isObject(v) ? v : this.fail(`${message}, received ${describe(v)}`);
  }
}

export interface Definition {
  readonly params: readonly string[];
  readonly variadic?: string;
  readonly min: number;
  readonly max: number;
  readonly nullable: boolean;
  readonly fs: boolean;
  readonly impl: (c: Call) => HclData;
}

interface DefineOptions {
  /** Arguments at least (for variadic functions). */
  readonly min?: number;
  /** Arguments at most (for variadic functions). */
  readonly max?: number;
  /** Whether the variadic arguments (or, for one-parameter functions, the argument) may be null. */
  readonly nullable?: boolean;
  /** A filesystem function, disabled unless the context allows the filesystem. */
  readonly fs?: boolean;
}

/** A definition from a signature such as `"separator, lists..."`. */
export function define(signature: string, impl: (c: Call) => HclData, options: DefineOptions = {}): Definition {
  const names = signature === '' ? [] : signature.split(', ');
  const last = names.at(-1);
  const variadic = last?.endsWith('...') ? last.slice(0, -3) : undefined;
  const params = variadic === undefined ? names : names.slice(0, -1);
  return {
    params,
    ...(variadic === undefined ? {} : { variadic }),
    min: options.min ?? params.length,
    max: options.max ?? (variadic === undefined ? params.length : Number.POSITIVE_INFINITY),
    nullable: options.nullable ?? false,
    fs: options.fs ?? false,
    impl,
  };
}

function arityMessage(def: Definition): string {
  const count =
    def.min === def.max
      ? String(def.min)
      : def.max === Number.POSITIVE_INFINITY
        ? `at least ${def.min}`
        : `${def.min} to ${def.max}`;
  const noun = def.min === 1 && (def.max === 1 || def.max === Number.POSITIVE_INFINITY) ? 'argument' : 'arguments';
  const names = [...def.params, ...(def.variadic === undefined ? [] : [`${def.variadic}...`])];
  return `expected ${count} ${noun}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
}

export function bind(name: string, def: Definition): HclFunction {
  return (args, context) => {
    const budget = context.budget ?? new WorkBudget();
    const ctx: FunctionContext = { baseDir: context.baseDir, allowFs: context.allowFs ?? true, budget };
    if (args.length < def.min || args.length > def.max) {
      throw new HclFunctionError(`${name}: ${arityMessage(def)}, received ${args.length}`);
    }
    if (def.fs && !ctx.allowFs) {
      throw new HclFunctionError(
        `${name}: filesystem function disabled; this job is parsed without filesystem access (Nomad's AllowFS is false)`,
      );
    }
    // Reading the arguments is work too (a function called in a loop over a large value): measured first, without
    // recursion, so that a value built from shared parts cannot be walked without bound.
    budget.charge(measure(args, budget.limit).units, name);
    const normalized = args.map(normalizeDeep);
    const call = new Call(name, normalized, def.params, def.variadic, ctx);
    normalized.forEach((v, i) => {
      const variadic = i >= def.params.length;
      if (v === null && !(def.nullable && (variadic || def.variadic === undefined))) {
        call.argFail(i, 'argument must not be null');
      }
    });
    let result: HclData;
    try {
      result = def.impl(call);
    } catch (e) {
      // A problem with the arguments the implementation found (many throw plain Errors with Go's message) is a
      // failed call. What JavaScript itself throws (a TypeError, a RangeError) is a bug here, and stays one.
      if (e instanceof HclFunctionError || e instanceof HclLimitError || !(e instanceof Error) || isEngineError(e)) {
        throw e;
      }
      throw new HclFunctionError(`${name}: ${e.message}`, { cause: e });
    }
    const size = measure(result, budget.limit);
    budget.charge(size.units, name);
    checkValue(size, name);
    return normalizeDeep(result);
  };
}

/**
 * For a catch block that turns what an implementation threw into a failed call: a limit, and what JavaScript itself
 * threw (a bug), are not failed calls and are thrown on as they are.
 */
export function rethrowUnexpected(e: unknown): void {
  if (e instanceof HclLimitError || !(e instanceof Error) || isEngineError(e)) throw e;
}

/** Errors the JavaScript engine throws, which no function here throws on purpose. */
function isEngineError(e: Error): boolean {
  return (
    e instanceof TypeError ||
    e instanceof RangeError ||
    e instanceof ReferenceError ||
    e instanceof SyntaxError ||
    e instanceof EvalError ||
    e instanceof URIError
  );
}
