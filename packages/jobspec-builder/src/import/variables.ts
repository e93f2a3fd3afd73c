import { describe, formatNumber, HclEvaluationError, toBool, toNumber } from './evaluate';
import { type Expr, parseExpression } from './expression';
import type { HclData } from './functions';

/** An HCL type constraint (`string`, `list(number)`, `object({ a = string })`, ...). */
export type HclType =
  | { readonly kind: 'string' | 'number' | 'bool' | 'any' }
  | { readonly kind: 'list' | 'set' | 'map'; readonly element: HclType }
  | { readonly kind: 'tuple'; readonly elements: readonly HclType[] }
  | {
      readonly kind: 'object';
      readonly attributes: Readonly<
        Record<string, { readonly type: HclType; readonly optional: boolean; readonly default?: HclData }>
      >;
    };

const ANY: HclType = { kind: 'any' };

/** Reads a type constraint expression, as a `variable` block's `type` holds it. */
export function parseType(expr: Expr): HclType {
  if (expr.kind === 'traversal' && expr.steps.length === 0) {
    if (expr.root === 'string' || expr.root === 'number' || expr.root === 'bool' || expr.root === 'any') {
      return { kind: expr.root };
    }
  }
  if (expr.kind === 'template' && expr.parts.length === 1 && expr.parts[0]?.kind === 'interpolation') {
    return parseType(expr.parts[0].expr);
  }
  if (expr.kind === 'call') {
    const [first] = expr.args;
    switch (expr.name) {
      case 'list':
      case 'set':
      case 'map':
        if (expr.args.length !== 1 || !first) break;
        return { kind: expr.name, element: parseType(first) };
      case 'tuple':
        if (first?.kind !== 'tuple') break;
        return { kind: 'tuple', elements: first.items.map(parseType) };
      case 'object': {
        if (first?.kind !== 'object') break;
        const attributes: Record<string, { type: HclType; optional: boolean }> = {};
        for (const item of first.items) {
          const name = item.key.kind === 'literal' ? String(item.key.value) : keyText(item.key);
          const optional = item.value.kind === 'call' && item.value.name === 'optional';
          const inner = optional ? (item.value as Expr & { kind: 'call' }).args[0] : item.value;
          if (!inner) break;
          attributes[name] = { type: parseType(inner), optional };
        }
        return { kind: 'object', attributes };
      }
    }
  }
  throw new HclEvaluationError(
    'invalid type constraint: use string, number, bool, any, list(T), set(T), map(T), tuple([...]) or object({...})',
  );
}

function keyText(expr: Expr): string {
  if (expr.kind === 'traversal') return expr.text;
  if (expr.kind === 'template' && expr.parts.every((p) => p.kind === 'text')) {
    return expr.parts.map((p) => (p as { text: string }).text).join('');
  }
  throw new HclEvaluationError('invalid object type attribute name');
}

/** Converts a value to a type as cty's convert does for variable values. */
export function convert(value: HclData, type: HclType, path: string): HclData {
  if (value === null) return null;
  const fail = (): never => {
    throw new HclEvaluationError(`${path}: expected ${typeName(type)}, received ${describe(value)}`);
  };
  try {
    switch (type.kind) {
      case 'any':
        return value;
      case 'string':
        if (typeof value === 'string') return value;
        if (typeof value === 'number') return formatNumber(value);
        if (typeof value === 'boolean') return String(value);
        return fail();
      case 'number':
        return typeof value === 'object' ? fail() : toNumber(value);
      case 'bool':
        return typeof value === 'object' ? fail() : toBool(value);
      case 'list':
      case 'set':
        if (!Array.isArray(value)) return fail();
        return value.map((item, i) => convert(item, type.element, `${path}[${i}]`));
      case 'tuple':
        if (!Array.isArray(value) || value.length !== type.elements.length) return fail();
        return value.map((item, i) => convert(item, type.elements[i] as HclType, `${path}[${i}]`));
      case 'map':
        if (typeof value !== 'object' || Array.isArray(value)) return fail();
        return Object.fromEntries(
          Object.entries(value).map(([k, v]) => [k, convert(v, type.element, `${path}["${k}"]`)]),
        );
      case 'object': {
        if (typeof value !== 'object' || Array.isArray(value)) return fail();
        const record = value as Record<string, HclData>;
        const out: Record<string, HclData> = {};
        for (const [name, attribute] of Object.entries(type.attributes)) {
          if (!(name in record)) {
            if (!attribute.optional) {
              throw new HclEvaluationError(`${path}: attribute "${name}" is required by the variable's type`);
            }
            out[name] = attribute.default ?? null;
            continue;
          }
          out[name] = convert(record[name] as HclData, attribute.type, `${path}.${name}`);
        }
        return out;
      }
    }
  } catch (error) {
    if (error instanceof HclEvaluationError && !error.message.startsWith(path)) {
      throw new HclEvaluationError(`${path}: ${error.message}`);
    }
    throw error;
  }
}

export function typeName(type: HclType): string {
  switch (type.kind) {
    case 'list':
    case 'set':
    case 'map':
      return `${type.kind}(${typeName(type.element)})`;
    case 'tuple':
      return `tuple([${type.elements.map(typeName).join(', ')}])`;
    case 'object':
      return `object({ ${Object.entries(type.attributes)
        .map(([k, a]) => `${k} = ${typeName(a.type)}`)
        .join(', ')} })`;
    default:
      return type.kind;
  }
}

/**
 * A value given on the command line (`-var name=value`) or in `NOMAD_VAR_name`:
 * taken as a string for primitive types, read as an HCL expression for
 * collections, as Nomad does (jobspec2 `collectInputVariableValues`).
 */
export function readInputValue(raw: string, type: HclType | undefined, evaluateExpr: (expr: Expr) => HclData): HclData {
  const kind = type?.kind ?? 'any';
  if (kind === 'string' || kind === 'number' || kind === 'bool' || kind === 'any') return raw;
  return evaluateExpr(parseExpression(raw));
}

export { ANY as ANY_TYPE };
