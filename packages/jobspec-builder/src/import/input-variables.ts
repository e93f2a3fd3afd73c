import type { JobspecIssue } from '../errors';
import { nearest } from '../validate/suggest';
import type { SourceBlock, SourcePosition } from './block-order';
import { evaluate, HclEvaluationError, isJobspecExpressionError, type Scope } from './evaluate';
import { type Expr, parseTemplate } from './expression';
import { type HclData, HclLimitError } from './functions';
import { hasTemplateSequence, unescapeTemplate } from './hcl-json';
import { expressionLimit } from './parser-input';
import { ANY_TYPE, convert, type HclType, parseType, readInputValue } from './variables';

/**
 * Input variables as Nomad's parser reads them (jobspec2/types.variables.go): `variable` blocks with `type`,
 * `default`, `description` and `validation` blocks, `variables { name = default }` blocks, and values from
 * `NOMAD_VAR_<name>`, var files and `-var`, in that order of precedence (`collectInputVariableValues`).
 */

/** Where a value came from, in the words of Nomad's "Invalid value for %s variable". */
type ValueSource = 'default' | 'env' | 'varfile' | 'cmd';

interface Validation {
  readonly condition: Expr;
  readonly errorMessage: string;
  readonly position: SourcePosition | undefined;
}

interface Declaration {
  readonly type: HclType;
  readonly default: HclData | undefined;
  readonly validations: readonly Validation[];
  readonly position: SourcePosition | undefined;
  /** The declaration has errors already reported; no value problems are added for it. */
  readonly broken: boolean;
}

/** Values set in a var file (`-var-file`): by name, as literal values. */
export interface VarFileValues {
  readonly path: string;
  readonly values: Readonly<Record<string, HclData>>;
  /** Where each value is written in the file, when known. */
  readonly positions?: ReadonlyMap<string, SourcePosition>;
}

export interface VariableInputs {
  readonly vars: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly varFiles: readonly VarFileValues[];
}

type Issue = (code: JobspecIssue['code'], path: string, message: string, at: SourcePosition | undefined) => void;

// jobspec2/types.variables.go variableBlockSchema and variableValidationBlockSchema.
const VARIABLE_ATTRIBUTES = ['description', 'default', 'type'];
const VALIDATION_ATTRIBUTES = ['condition', 'error_message'];

/**
 * Reads the declarations of the `variable` blocks (`bodyOf` gives a block's hcl2json body) and of `variables`
 * bodies, then resolves every value. Problems are reported through `issue`; a variable whose value cannot be had is
 * left out of the result.
 */
export function resolveVariables(
  blocks: readonly SourceBlock[],
  bodyOf: (block: SourceBlock) => Readonly<Record<string, unknown>> | undefined,
  variablesBodies: readonly { readonly body: Readonly<Record<string, unknown>>; readonly block: SourceBlock }[],
  inputs: VariableInputs,
  scope: Scope,
  issue: Issue,
  evaluateValue: (value: unknown, path: string, at: SourcePosition | undefined) => HclData,
): Record<string, HclData> {
  const declared = new Map<string, Declaration>();
  for (const block of blocks) {
    const name = block.labels[0] as string;
    const body = bodyOf(block) ?? {};
    if (declared.has(name)) {
      issue('duplicate-name', `var.${name}`, `Duplicate variable: "${name}" is declared twice`, block);
      continue;
    }
    declared.set(name, declare(name, block, body, evaluateValue, issue));
  }
  for (const { body, block } of variablesBodies) {
    for (const [name, value] of Object.entries(body)) {
      const at = block.body.attributes.get(name) ?? block;
      if (declared.has(name)) {
        issue('duplicate-name', `var.${name}`, `Duplicate variable: "${name}" is declared twice`, at);
        continue;
      }
      declared.set(name, {
        type: ANY_TYPE,
        default: evaluateValue(value, `var.${name}`, at),
        validations: [],
        position: at,
        broken: false,
      });
    }
  }

  // Values by precedence: default, NOMAD_VAR_*, var files in order, -var (the last one set wins).
  const chosen = new Map<string, { value: HclData; from: ValueSource }>();
  for (const [name, declaration] of declared) {
    if (declaration.default !== undefined) chosen.set(name, { value: declaration.default, from: 'default' });
  }
  // Variables given a value that cannot be read: that problem is reported, not also "has no default".
  const unreadable = new Set<string>();
  const read = (name: string, raw: string, from: ValueSource) => {
    const declaration = declared.get(name) as Declaration;
    const limit = expressionLimit(raw);
    if (limit) {
      issue('limit-exceeded', `var.${name}`, `the value of ${name}: ${limit}`, undefined);
      unreadable.add(name);
      return;
    }
    try {
      chosen.set(name, { value: readInputValue(raw, declaration.type, (expr) => evaluate(expr, scope)), from });
    } catch (error) {
      if (!isJobspecExpressionError(error)) throw error;
      issue(codeOf(error, 'invalid-value'), `var.${name}`, messageOf(error), undefined);
      unreadable.add(name);
    }
  };
  for (const name of declared.keys()) {
    const raw = inputs.env[`NOMAD_VAR_${name}`];
    if (raw !== undefined) read(name, raw, 'env');
  }
  for (const file of inputs.varFiles) {
    for (const [name, value] of Object.entries(file.values)) {
      if (!declared.has(name)) {
        // types.variables.go: "Undefined variable" (an error with -hcl2-strict, the default of `nomad job run`).
        issue(
          'undefined-reference',
          `var.${name}`,
          `Undefined variable: ${file.path} sets "${name}", which the jobspec does not declare; declared: ${[...declared.keys()].join(', ') || 'none'}`,
          undefined,
        );
        continue;
      }
      chosen.set(name, { value, from: 'varfile' });
    }
  }
  for (const [name, raw] of Object.entries(inputs.vars)) {
    if (!declared.has(name)) {
      issue(
        'undefined-reference',
        `var.${name}`,
        `-var ${name}=... sets a variable the jobspec does not declare; declared: ${[...declared.keys()].join(', ') || 'none'}`,
        undefined,
      );
      continue;
    }
    read(name, raw, 'cmd');
  }

  const values: Record<string, HclData> = {};
  for (const [name, declaration] of declared) {
    if (declaration.broken) continue;
    const value = chosen.get(name);
    if (value === undefined && unreadable.has(name)) continue;
    if (value === undefined) {
      // types.variables.go (*Variable).Value: "Unset variable %q".
      issue(
        'required',
        `var.${name}`,
        `variable "${name}" has no default: pass -var ${name}=<value>, set NOMAD_VAR_${name}, or give it a value in a var file`,
        declaration.position,
      );
      continue;
    }
    let converted: HclData;
    try {
      converted = convert(value.value, declaration.type, `var.${name}`);
    } catch (error) {
      if (!isJobspecExpressionError(error)) throw error;
      issue(codeOf(error, 'invalid-value'), `var.${name}`, messageOf(error), declaration.position);
      continue;
    }
    if (validate(name, converted, value.from, declaration, scope, issue)) values[name] = converted;
  }
  return values;
}

function declare(
  name: string,
  block: SourceBlock,
  body: Readonly<Record<string, unknown>>,
  evaluateValue: (value: unknown, path: string, at: SourcePosition | undefined) => HclData,
  issue: Issue,
): Declaration {
  let broken = false;
  const validationBlocks = block.body.blocks.filter((b) => b.type === 'validation');
  for (const [key] of Object.entries(body)) {
    if (VARIABLE_ATTRIBUTES.includes(key) || key === 'validation') continue;
    const isBlock = block.body.blocks.some((b) => b.type === key);
    // hcl: "Unsupported argument" / "Unsupported block type", as Content(variableBlockSchema) reports them.
    issue(
      'unknown-field',
      `var.${name}.${key}`,
      isBlock
        ? `Unsupported block type; Blocks of type "${key}" are not expected here: a variable block has validation blocks only.`
        : `Unsupported argument; An argument named "${key}" is not expected here.${suggest(key, VARIABLE_ATTRIBUTES)}`,
      block.body.attributes.get(key) ?? block.body.blocks.find((b) => b.type === key) ?? block,
    );
    broken = true;
  }
  let type = ANY_TYPE;
  if (typeof body.type === 'string') {
    try {
      type = parseType(parseTemplate(body.type));
    } catch (error) {
      if (!isJobspecExpressionError(error)) throw error;
      issue(
        codeOf(error, 'invalid-value'),
        `var.${name}.type`,
        messageOf(error),
        block.body.attributes.get('type') ?? block,
      );
      broken = true;
    }
  }
  const defaultValue =
    body.default === undefined
      ? undefined
      : evaluateValue(body.default, `var.${name}.default`, block.body.attributes.get('default') ?? block);
  const validations: Validation[] = [];
  const validationBodies = Array.isArray(body.validation) ? body.validation : [];
  validationBlocks.forEach((validationBlock, i) => {
    const validationBody = findKeyed(body.validation, validationBlock.key) ?? validationBodies[i];
    const parsed = readValidation(name, validationBlock, validationBody, issue);
    if (parsed) validations.push(parsed);
    else broken = true;
  });
  return { type, default: defaultValue, validations, position: block, broken };
}

function readValidation(name: string, block: SourceBlock, body: unknown, issue: Issue): Validation | undefined {
  const at = (key: string) => block.body.attributes.get(key) ?? block;
  const record = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(record)) {
    if (VALIDATION_ATTRIBUTES.includes(key)) continue;
    issue(
      'unknown-field',
      `var.${name}.validation.${key}`,
      `Unsupported argument; An argument named "${key}" is not expected here.${suggest(key, VALIDATION_ATTRIBUTES)}`,
      at(key),
    );
    ok = false;
  }
  for (const key of VALIDATION_ATTRIBUTES) {
    if (record[key] === undefined) {
      issue(
        'required',
        `var.${name}.validation.${key}`,
        `Missing required argument; The argument "${key}" is required, but no definition was found.`,
        block,
      );
      ok = false;
    }
  }
  if (!ok) return undefined;
  let condition: Expr;
  try {
    condition = parseTemplate(String(record.condition));
  } catch (error) {
    if (!isJobspecExpressionError(error)) throw error;
    issue(codeOf(error, 'syntax-error'), `var.${name}.validation.condition`, messageOf(error), at('condition'));
    return undefined;
  }
  // types.variables.go decodeVariableValidationBlock: "The condition for variable %q can only refer to the variable
  // itself, using var.%s" / "... must refer to var.%s in order to test incoming values".
  const references = variableReferences(condition);
  const others = references.filter((reference) => reference !== name);
  if (others.length > 0 || references.length === 0) {
    issue(
      'invalid-value',
      `var.${name}.validation.condition`,
      others.length > 0
        ? `Invalid reference in variable validation: the condition for variable "${name}" can only refer to the variable itself, using var.${name}; it refers to ${others.map((o) => `var.${o}`).join(', ')}`
        : `Invalid variable validation condition: the condition for variable "${name}" must refer to var.${name} in order to test incoming values`,
      at('condition'),
    );
    return undefined;
  }
  const message = record.error_message;
  const errorMessage = typeof message === 'string' ? unescapeTemplate(message) : '';
  // types.variables.go: "An empty string is not a valid nor useful error message." / looksLikeSentences.
  if (typeof message !== 'string' || hasTemplateSequence(message) || !looksLikeSentences(errorMessage)) {
    issue(
      'invalid-value',
      `var.${name}.validation.error_message`,
      errorMessage === ''
        ? 'Invalid validation error message: an empty string is not a valid nor useful error message'
        : `Invalid validation error message: it must be a literal string of at least one full sentence, starting with an uppercase letter and ending with a period or question mark; received ${JSON.stringify(errorMessage)}`,
      at('error_message'),
    );
    return undefined;
  }
  return { condition, errorMessage, position: block };
}

/** types.variables.go (*Variable).validateValue: every condition, with only `var.<name>` in scope. */
function validate(
  name: string,
  value: HclData,
  from: ValueSource,
  declaration: Declaration,
  scope: Scope,
  issue: Issue,
): boolean {
  let valid = true;
  const only: Scope = {
    variables: new Map([['var', { [name]: value }]]),
    local: () => {
      throw new HclEvaluationError('a variable validation condition can refer to the variable only');
    },
    // Functions("", false): no filesystem functions in conditions.
    functions: { ...scope.functions, allowFs: false },
  };
  for (const validation of declaration.validations) {
    let result: HclData;
    try {
      result = evaluate(validation.condition, only);
    } catch (error) {
      if (!isJobspecExpressionError(error)) throw error;
      issue(
        codeOf(error, 'evaluation-failed'),
        `var.${name}.validation.condition`,
        messageOf(error),
        validation.position,
      );
      valid = false;
      continue;
    }
    if (result !== true && result !== false && result !== 'true' && result !== 'false') {
      issue(
        'invalid-value',
        `var.${name}.validation.condition`,
        `Invalid variable validation result: the condition must return true or false, received ${JSON.stringify(result)}`,
        validation.position,
      );
      valid = false;
      continue;
    }
    if (result === false || result === 'false') {
      const rule = validation.position ? ` (the validation rule at line ${validation.position.line})` : '';
      issue(
        'invalid-value',
        `var.${name}`,
        `Invalid value for ${from} variable: ${validation.errorMessage}${rule}`,
        from === 'default' ? declaration.position : undefined,
      );
      valid = false;
    }
  }
  return valid;
}

/** The names `var.<name>` an expression refers to. */
function variableReferences(expr: Expr): string[] {
  const names: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const node = value as Record<string, unknown>;
    if (node.kind === 'traversal' && node.root === 'var') {
      const [first] = node.steps as { kind: string; name?: string }[];
      if (first?.kind === 'attr' && first.name !== undefined) names.push(first.name);
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(expr);
  return [...new Set(names)];
}

/** types.variables.go looksLikeSentences. */
function looksLikeSentences(text: string): boolean {
  const chars = Array.from(text);
  const first = chars[0];
  const last = chars.at(-1);
  if (first === undefined || last === undefined) return false;
  if (/\p{L}/u.test(first) && first !== first.toUpperCase()) return false;
  return last === '.' || last === '?' || last === '!';
}

/** The hcl2json body of the block with this key: `{"#7": [body]}`. */
function findKeyed(value: unknown, key: string): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const bodies = (value as Record<string, unknown>)[key];
  return Array.isArray(bodies) ? bodies[0] : undefined;
}

function suggest(name: string, allowed: readonly string[]): string {
  const close = nearest(name, allowed);
  return close ? ` Did you mean "${close}"?` : ` Arguments allowed here: ${allowed.join(', ')}.`;
}

/** A limit of this importer is reported as one, whatever problem the caller would report otherwise. */
function codeOf(error: unknown, otherwise: JobspecIssue['code']): JobspecIssue['code'] {
  return error instanceof HclLimitError ? 'limit-exceeded' : otherwise;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
