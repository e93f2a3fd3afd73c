import { type BinaryOp, type Expr, HclSyntaxError, type Step, type TemplatePart } from './expression';
import {
  type FunctionContext,
  HCL_FUNCTIONS,
  type HclData,
  HclFunctionError,
  HclLimitError,
  WorkBudget,
} from './functions';
import { convert as convertValue, parseType } from './variables';

/** A problem evaluating an expression; the importer adds where it is. */
export class HclEvaluationError extends Error {
  override readonly name = 'HclEvaluationError';
}

/** Names an expression can see: `var`, `local`, and iterators of `dynamic` blocks and `for` expressions. */
export interface Scope {
  readonly variables: ReadonlyMap<string, HclData>;
  /** Resolves `local.<name>`; lazy, so locals may refer to each other in any order. */
  readonly local: (name: string) => HclData;
  readonly functions: FunctionContext;
}

/** A child scope with more names, for iterators. */
export function withNames(scope: Scope, names: Readonly<Record<string, HclData>>): Scope {
  const variables = new Map(scope.variables);
  for (const [name, value] of Object.entries(names)) variables.set(name, value);
  return { ...scope, variables };
}

const fallbackBudgets = new WeakMap<FunctionContext, WorkBudget>();

/** The work budget of a scope's import; a context made without one (a test) gets one of its own. */
function budgetOf(scope: Scope): WorkBudget {
  const context = scope.functions;
  if (context.budget) return context.budget;
  let budget = fallbackBudgets.get(context);
  if (!budget) {
    budget = new WorkBudget();
    fallbackBudgets.set(context, budget);
  }
  return budget;
}

export function evaluate(expr: Expr, scope: Scope): HclData {
  budgetOf(scope).charge(1, 'evaluating an expression');
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'template':
      return evaluateTemplate(expr.parts, scope);
    case 'tuple':
      return expr.items.map((item) => evaluate(item, scope));
    case 'object': {
      const out: Record<string, HclData> = {};
      for (const { key, value } of expr.items) {
        const name = evaluate(key, scope);
        if (typeof name !== 'string' && typeof name !== 'number' && typeof name !== 'boolean') {
          throw new HclEvaluationError(`an object key must be a string, received ${describe(name)}`);
        }
        out[String(name)] = evaluate(value, scope);
      }
      return out;
    }
    case 'traversal':
      return evaluateTraversal(expr, scope);
    case 'getAttr':
    case 'index':
    case 'splat':
      return evaluatePostfix(expr, scope);
    case 'call':
      return call(expr, scope);
    case 'for':
      return evaluateFor(expr, scope);
    case 'unary': {
      const value = evaluate(expr.operand, scope);
      if (expr.op === '!') return !toBool(value);
      return -toNumber(value);
    }
    case 'binary':
      return evaluateBinary(expr, scope);
    case 'conditional':
      return toBool(evaluate(expr.condition, scope)) ? evaluate(expr.then, scope) : evaluate(expr.otherwise, scope);
  }
}

type PostfixExpr = Expr & { kind: 'getAttr' | 'index' | 'splat' };

/**
 * `a.b[c][*].d`: the parser nests such a chain by its target, as deep as it is long, so it is evaluated in a loop
 * rather than by recursion.
 */
function evaluatePostfix(expr: PostfixExpr, scope: Scope): HclData {
  const chain: PostfixExpr[] = [];
  let base: Expr = expr;
  while (base.kind === 'getAttr' || base.kind === 'index' || base.kind === 'splat') {
    chain.push(base);
    base = base.target;
  }
  let value = evaluate(base, scope);
  for (let k = chain.length - 1; k >= 0; k--) {
    const step = chain[k] as PostfixExpr;
    if (step.kind === 'getAttr') value = getAttr(value, step.name);
    else if (step.kind === 'index') value = index(value, evaluate(step.key, scope));
    else {
      if (value === null) {
        value = [];
        continue;
      }
      const items: HclData[] = Array.isArray(value) ? value : [value];
      budgetOf(scope).charge(items.length, 'a splat expression');
      value = items.map((item) => applySteps(item, step.each, scope));
    }
  }
  return value;
}

/**
 * `a - b - c - ...`: the parser nests a chain of operators of one precedence by its left operand, as deep as the
 * chain is long, so the chain is evaluated in a loop rather than by recursion.
 */
function evaluateBinary(expr: Expr & { kind: 'binary' }, scope: Scope): HclData {
  const chain: (Expr & { kind: 'binary' })[] = [];
  let first: Expr = expr;
  while (first.kind === 'binary') {
    chain.push(first);
    first = first.left;
  }
  let value = evaluate(first, scope);
  for (let k = chain.length - 1; k >= 0; k--) {
    const { op, right } = chain[k] as Expr & { kind: 'binary' };
    value = binary(op, value, right, scope);
  }
  return value;
}

/**
 * A template of exactly one interpolation is that value, unconverted (`"${var.count}"`
 * is a number); anything else is a string.
 */
function evaluateTemplate(parts: readonly TemplatePart[], scope: Scope): HclData {
  const [only] = parts;
  if (parts.length === 1 && only?.kind === 'interpolation') return evaluate(only.expr, scope);
  return renderParts(parts, scope);
}

function renderParts(parts: readonly TemplatePart[], scope: Scope): string {
  const budget = budgetOf(scope);
  let out = '';
  const append = (text: string) => {
    // Charged before the text grows, so that a template that feeds on itself through locals stops at the budget.
    budget.chargeText(text.length, 'a string template');
    out += text;
  };
  for (const part of parts) {
    switch (part.kind) {
      case 'text':
        append(part.text);
        break;
      case 'interpolation':
        append(toTemplateString(evaluate(part.expr, scope)));
        break;
      case 'if':
        out += renderParts(toBool(evaluate(part.condition, scope)) ? part.then : part.otherwise, scope);
        break;
      case 'for':
        for (const [key, value] of entries(evaluate(part.collection, scope))) {
          const names: Record<string, HclData> = { [part.valueVar]: value };
          if (part.keyVar) names[part.keyVar] = key;
          budget.charge(1, 'a %{for} directive');
          out += renderParts(part.body, withNames(scope, names));
        }
        break;
    }
  }
  return out;
}

/**
 * `var.x`, `local.y` and iterators are looked up; any other root (`attr`, `node`,
 * `meta`, `NOMAD_ALLOC_ID`, ...) is a runtime interpolation that Nomad keeps as
 * the text `${...}` (jobspec2 EvalContext.UnknownVariable).
 */
function evaluateTraversal(expr: Expr & { kind: 'traversal' }, scope: Scope): HclData {
  if (expr.root === 'local') {
    const [first, ...rest] = expr.steps;
    if (first?.kind !== 'attr') throw new HclEvaluationError('local needs a name: local.<name>');
    return applySteps(scope.local(first.name), rest, scope);
  }
  if (scope.variables.has(expr.root)) {
    return applySteps(scope.variables.get(expr.root) as HclData, expr.steps, scope);
  }
  return `\${${expr.text}}`;
}

function applySteps(initial: HclData, steps: readonly Step[], scope: Scope): HclData {
  let value = initial;
  for (const step of steps) {
    value = step.kind === 'attr' ? getAttr(value, step.name) : index(value, evaluate(step.key, scope));
  }
  return value;
}

function getAttr(value: HclData, name: string): HclData {
  if (isObject(value)) {
    if (!(name in value)) {
      throw new HclEvaluationError(
        `this object has no attribute "${name}"; it has: ${Object.keys(value).join(', ') || 'none'}`,
      );
    }
    return value[name] as HclData;
  }
  throw new HclEvaluationError(`cannot read attribute "${name}" of ${describe(value)}`);
}

function index(value: HclData, key: HclData): HclData {
  if (Array.isArray(value)) {
    const i = toNumber(key);
    if (!Number.isInteger(i) || i < 0 || i >= value.length) {
      throw new HclEvaluationError(`index ${JSON.stringify(key)} is out of range for a list of ${value.length}`);
    }
    return value[i] as HclData;
  }
  if (isObject(value)) {
    const name = toTemplateString(key);
    if (!(name in value)) throw new HclEvaluationError(`this map has no element for the key "${name}"`);
    return value[name] as HclData;
  }
  throw new HclEvaluationError(`cannot index ${describe(value)}`);
}

function call(expr: Expr & { kind: 'call' }, scope: Scope): HclData {
  // try() and can() see errors of their arguments, so they get them unevaluated.
  if (expr.name === 'try') {
    for (const arg of expr.args) {
      try {
        return evaluate(arg, scope);
      } catch (error) {
        if (!(error instanceof HclEvaluationError || error instanceof HclFunctionError)) throw error;
      }
    }
    throw new HclEvaluationError('try: no argument could be evaluated without an error');
  }
  if (expr.name === 'can') {
    if (expr.args.length !== 1) throw new HclEvaluationError('can: expected 1 argument');
    try {
      evaluate(expr.args[0] as Expr, scope);
      return true;
    } catch (error) {
      if (error instanceof HclEvaluationError || error instanceof HclFunctionError) return false;
      throw error;
    }
  }
  if (expr.name === 'convert') return convertCall(expr, scope);
  const fn = HCL_FUNCTIONS[expr.name];
  if (!fn) {
    throw new HclEvaluationError(
      `there is no function named "${expr.name}" in Nomad's jobspec language; see https://developer.hashicorp.com/nomad/docs/job-specification/hcl2/functions`,
    );
  }
  let args = expr.args.map((arg) => evaluate(arg, scope));
  if (expr.expand) {
    const last = args.at(-1);
    if (!Array.isArray(last)) throw new HclEvaluationError(`${expr.name}: "..." needs a list as the last argument`);
    args = [...args.slice(0, -1), ...last];
  }
  return fn(args, { ...scope.functions, budget: budgetOf(scope) });
}

/**
 * hcl/ext/typeexpr ConvertFunc: `convert(value, type)`, whose second argument is a type expression
 * (`list(string)`), read as a type rather than evaluated.
 */
function convertCall(expr: Expr & { kind: 'call' }, scope: Scope): HclData {
  const [value, type] = expr.args;
  if (expr.args.length !== 2 || value === undefined || type === undefined) {
    throw new HclEvaluationError(`convert: expected 2 arguments (value, type), received ${expr.args.length}`);
  }
  return convertValue(evaluate(value, scope), parseType(type), 'convert');
}

function evaluateFor(expr: Expr & { kind: 'for' }, scope: Scope): HclData {
  const pairs = entries(evaluate(expr.collection, scope));
  const isObjectResult = expr.keyExpr !== undefined;
  const list: HclData[] = [];
  const object: Record<string, HclData> = {};
  const groups: Record<string, HclData[]> = {};
  const budget = budgetOf(scope);
  for (const [key, value] of pairs) {
    budget.charge(1, 'a for expression');
    const names: Record<string, HclData> = { [expr.valueVar]: value };
    if (expr.keyVar) names[expr.keyVar] = key;
    const inner = withNames(scope, names);
    if (expr.condition && !toBool(evaluate(expr.condition, inner))) continue;
    if (!isObjectResult) {
      list.push(evaluate(expr.valueExpr, inner));
      continue;
    }
    const resultKey = toTemplateString(evaluate(expr.keyExpr as Expr, inner));
    const resultValue = evaluate(expr.valueExpr, inner);
    if (expr.group) {
      groups[resultKey] ??= [];
      (groups[resultKey] as HclData[]).push(resultValue);
    } else {
      if (resultKey in object) {
        throw new HclEvaluationError(
          `duplicate key "${resultKey}" in a for expression: add "..." after the value to group values by key`,
        );
      }
      object[resultKey] = resultValue;
    }
  }
  if (!isObjectResult) return list;
  return expr.group ? groups : object;
}

/** `left op right`, with `left` already evaluated. */
function binary(op: BinaryOp, left: HclData, rightExpr: Expr, scope: Scope): HclData {
  // HCL evaluates both operands of && and || (no short circuit), but an error on the
  // unused side is rare in jobspecs and short-circuiting is what authors expect.
  if (op === '&&') return toBool(left) && toBool(evaluate(rightExpr, scope));
  if (op === '||') return toBool(left) || toBool(evaluate(rightExpr, scope));
  const right = evaluate(rightExpr, scope);
  switch (op) {
    case '==':
      return equal(left, right, budgetOf(scope));
    case '!=':
      return !equal(left, right, budgetOf(scope));
    case '<':
      return toNumber(left) < toNumber(right);
    case '>':
      return toNumber(left) > toNumber(right);
    case '<=':
      return toNumber(left) <= toNumber(right);
    case '>=':
      return toNumber(left) >= toNumber(right);
    case '+':
      return toNumber(left) + toNumber(right);
    case '-':
      return toNumber(left) - toNumber(right);
    case '*':
      return toNumber(left) * toNumber(right);
    case '/': {
      const divisor = toNumber(right);
      if (divisor === 0) throw new HclEvaluationError('division by zero');
      return toNumber(left) / divisor;
    }
    case '%': {
      const divisor = toNumber(right);
      if (divisor === 0) throw new HclEvaluationError('modulo by zero');
      return toNumber(left) % divisor;
    }
  }
}

/** Key/value pairs of a list (index, element) or a map (key, value, in key order as cty iterates). */
export function entries(collection: HclData): [HclData, HclData][] {
  if (Array.isArray(collection)) return collection.map((value, i) => [i, value]);
  if (isObject(collection)) {
    return Object.keys(collection)
      .sort()
      .map((key) => [key, collection[key] as HclData]);
  }
  throw new HclEvaluationError(`expected a list or a map to iterate over, received ${describe(collection)}`);
}

function isObject(value: HclData): value is { readonly [key: string]: HclData } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality, charging each pair of elements compared to the budget. */
function equal(a: HclData, b: HclData, budget: WorkBudget): boolean {
  budget.charge(1, 'comparing values');
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => equal(x, b[i] as HclData, budget));
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length &&
      keys.every((k) => k in b && equal(a[k] as HclData, b[k] as HclData, budget))
    );
  }
  return a === b;
}

/** cty's conversion to string for templates: strings, numbers and bools only. */
export function toTemplateString(value: HclData): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  throw new HclEvaluationError(
    `cannot include ${describe(value)} in a string: convert it first, e.g. with jsonencode() or join()`,
  );
}

/** Numbers as cty prints them: integers without a fraction or exponent. */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) >= 1e21) return BigInt(value).toString();
  return String(value);
}

export function toNumber(value: HclData): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$/.test(value.trim())) {
    return Number(value);
  }
  throw new HclEvaluationError(`expected a number, received ${describe(value)}`);
}

export function toBool(value: HclData): boolean {
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new HclEvaluationError(`expected a bool, received ${describe(value)}`);
}

export function describe(value: HclData): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** The locals an expression refers to (`local.<name>`), found without recursion. */
export function referencedLocals(root: Expr): Set<string> {
  const names = new Set<string>();
  const exprs: Expr[] = [root];
  const parts: TemplatePart[] = [];
  const steps = (list: readonly Step[]) => {
    for (const step of list) if (step.kind === 'index') exprs.push(step.key);
  };
  while (exprs.length > 0 || parts.length > 0) {
    const part = parts.pop();
    if (part) {
      if (part.kind === 'interpolation') exprs.push(part.expr);
      else if (part.kind === 'if') {
        exprs.push(part.condition);
        parts.push(...part.then, ...part.otherwise);
      } else if (part.kind === 'for') {
        exprs.push(part.collection);
        parts.push(...part.body);
      }
      continue;
    }
    const expr = exprs.pop() as Expr;
    switch (expr.kind) {
      case 'literal':
        break;
      case 'template':
        parts.push(...expr.parts);
        break;
      case 'tuple':
        exprs.push(...expr.items);
        break;
      case 'object':
        for (const item of expr.items) exprs.push(item.key, item.value);
        break;
      case 'traversal': {
        const [first] = expr.steps;
        if (expr.root === 'local' && first?.kind === 'attr') names.add(first.name);
        steps(expr.steps);
        break;
      }
      case 'getAttr':
        exprs.push(expr.target);
        break;
      case 'index':
        exprs.push(expr.target, expr.key);
        break;
      case 'splat':
        exprs.push(expr.target);
        steps(expr.each);
        break;
      case 'call':
        exprs.push(...expr.args);
        break;
      case 'for':
        exprs.push(expr.collection, expr.valueExpr);
        if (expr.keyExpr) exprs.push(expr.keyExpr);
        if (expr.condition) exprs.push(expr.condition);
        break;
      case 'unary':
        exprs.push(expr.operand);
        break;
      case 'binary':
        exprs.push(expr.left, expr.right);
        break;
      case 'conditional':
        exprs.push(expr.condition, expr.then, expr.otherwise);
        break;
    }
  }
  return names;
}

/** The errors evaluating a jobspec's expressions raises for a problem in the jobspec (or a limit it reaches). */
export function isJobspecExpressionError(
  error: unknown,
): error is HclEvaluationError | HclFunctionError | HclSyntaxError | HclLimitError {
  return (
    error instanceof HclEvaluationError ||
    error instanceof HclFunctionError ||
    error instanceof HclSyntaxError ||
    error instanceof HclLimitError
  );
}
