import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { JobspecError, JobspecInternalError, type JobspecIssue } from '../errors';
import { Job } from '../job';
import { MAX_EVALUATION_WORK, MAX_VALUE_NESTING } from '../limits';
import type { JobProps } from '../model';
import * as S from '../schema/structs';
import { attachSource, hclPathOf } from '../validate/locate';
import { Duration } from '../values';
import { keyedSource, type SourceBlock, type SourceBody, type SourcePosition, scanBlocks } from './block-order';
import {
  entries,
  evaluate,
  HclEvaluationError,
  isJobspecExpressionError,
  referencedLocals,
  type Scope,
  withNames,
} from './evaluate';
import { type Expr, parseTemplate, type TemplatePart } from './expression';
import { checkValue, type HclData, HclLimitError, measure, WorkBudget } from './functions';
import {
  decodeHclBodyLeniently,
  type EvaluatedBlock,
  HclBlocks,
  type HclJsonBody,
  HclObjectLiteral,
  HclVariableValue,
  hasTemplateSequence,
  unescapeTemplate,
} from './hcl-json';
import { hclParser } from './hcl-parser';
import { resolveVariables, type VarFileValues } from './input-variables';
import { type InputLimit, isInputLimit, type ParserInput, prepareParserInput } from './parser-input';

export interface ParseHclOptions {
  /** The file name shown in error locations; also the base of relative paths when `baseDir` is not set. @default 'job.nomad.hcl' */
  readonly filename?: string;
  /** Input variable values, as `nomad job run -var name=value` takes them. @default - none */
  readonly vars?: Readonly<Record<string, string>>;
  /**
   * Var files, as `nomad job run -var-file` takes them: HCL (`name = value` lines) or JSON (`{"name": value}`, for a
   * `.json` file). Later files win over earlier ones; `vars` win over all. @default - none
   */
  readonly varFiles?: readonly string[];
  /** Where `NOMAD_VAR_<name>` values come from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Directory that `file()` and other path functions resolve against. @default the file's directory, or the current directory */
  readonly baseDir?: string;
  /** Whether `file()` and other filesystem functions may read files. @default true */
  readonly allowFs?: boolean;
}

/**
 * Imports an HCL jobspec: HashiCorp's HCL parser (hcl2json) reads the syntax,
 * then this evaluates what Nomad's parser evaluates (variables with types,
 * defaults, validations, `-var`, var files and `NOMAD_VAR_*` values, locals,
 * `dynamic` blocks, string templates, functions), keeps runtime interpolations
 * such as `${NOMAD_ALLOC_ID}` or `${attr.kernel.name}` as text, and reads the
 * result into the typed model. Arguments Nomad does not know are errors, as in
 * Nomad. The job remembers where each field was written, so its `validate()`
 * issues carry `file:line:column`.
 *
 * @throws JobspecError with every problem found, each with `file:line:column`.
 *
 * @example
 * const job = await parseHcl(await readFile('web.nomad.hcl', 'utf8'), { filename: 'web.nomad.hcl', vars: { image: 'nginx:1.27' } });
 * job.toApiJson();
 */
export async function parseHcl(source: string, options: ParseHclOptions = {}): Promise<Job> {
  const { job, issues } = await importHcl(source, options);
  if (issues.length > 0 || !job) throw new JobspecError(issues);
  return job;
}

/** {@link parseHcl} on a file; `baseDir` defaults to the file's directory. */
export async function parseHclFile(path: string, options: Omit<ParseHclOptions, 'filename'> = {}): Promise<Job> {
  const source = await readFile(path, 'utf8');
  return parseHcl(source, { baseDir: dirname(resolve(path)), ...options, filename: path });
}

/**
 * {@link parseHcl} without throwing: the job as far as it could be read (absent when the file cannot be
 * evaluated) and every problem found on the way. `jobspec validate` adds the job's own problems to these.
 *
 * @internal
 */
export async function importHcl(
  source: string,
  options: ParseHclOptions = {},
): Promise<{ job?: Job; issues: JobspecIssue[] }> {
  const filename = options.filename ?? 'job.nomad.hcl';
  try {
    return await importHclSource(source, filename, options);
  } catch (error) {
    // Problems in the input are issues by now; anything else is a failure of this library.
    if (error instanceof JobspecError || error instanceof JobspecInternalError) throw error;
    throw new JobspecInternalError(`importing ${filename}`, error);
  }
}

async function importHclSource(
  source: string,
  filename: string,
  options: ParseHclOptions,
): Promise<{ job?: Job; issues: JobspecIssue[] }> {
  if (source.trim() === '') {
    return {
      issues: [
        {
          code: 'required',
          path: '',
          message: `${filename} is empty: a jobspec needs a job block, e.g. job "web" { ... }`,
          location: filename,
        },
      ],
    };
  }
  const input = prepareParserInput(source);
  if (isInputLimit(input)) return { issues: [limitIssue(input, filename)] };
  let parsed = parseSyntax(input, filename);
  if ('error' in parsed && !/^convert to HCL:/.test(parsed.error)) {
    return { issues: syntaxIssues(parsed.error, filename, input) };
  }
  // The structure is read from a file HashiCorp's parser accepted.
  const structure = scanBlocks(source);
  let keyed = false;
  // "convert to HCL: ...": valid HCL that hcl2json cannot put in its JSON form (blocks of one type with different
  // numbers of labels): give every block a key of its own and parse again. "parse config: ..." is a syntax error.
  if ('error' in parsed) {
    const keyedText = keyedSource(source, structure);
    const keyedInput = prepareParserInput(keyedText);
    const retried = isInputLimit(keyedInput) ? parsed : parseSyntax(keyedInput, filename);
    if ('json' in retried) {
      parsed = retried;
      keyed = true;
    }
  }
  if ('error' in parsed) return { issues: syntaxIssues(parsed.error, filename, input) };
  const varFiles: VarFileValues[] = [];
  const issues: JobspecIssue[] = [];
  for (const path of options.varFiles ?? []) {
    const read = await readVarFile(path);
    if ('issues' in read) issues.push(...read.issues);
    else varFiles.push(read);
  }
  if (issues.length > 0) return { issues };
  return new Importer(structure, parsed.json, keyed, filename, options, varFiles).run();
}

/** hcl2json's JSON of the source, or its diagnostics with the substitutions of {@link prepareParserInput} undone. */
function parseSyntax(input: ParserInput, filename: string): { json: Record<string, unknown> } | { error: string } {
  const result = hclParser.parse(basename(filename), input.text);
  if ('error' in result) return { error: input.restore(result.error) };
  return { json: input.restore(result.json) };
}

function limitIssue(at: InputLimit, filename: string): JobspecIssue {
  return { code: 'limit-exceeded', path: '', message: at.message, location: `${filename}:${at.line}:${at.column}` };
}

/** Syntax problems reported beyond this many are summed up in one more. */
const MAX_SYNTAX_ISSUES = 50;

/**
 * hcl2json's diagnostics, `parse config: [file:3,13-4,1: Summary; Detail file:5,1-2: ...]`, one issue each, with a
 * hint for HCL1 syntax. Each diagnostic starts with the file name the parser was given and its range, so the message
 * is split there (one linear scan, whatever the details quote).
 */
function syntaxIssues(message: string, filename: string, input?: ParserInput): JobspecIssue[] {
  const name = basename(filename).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const starts = [...message.matchAll(new RegExp(`${name}:(\\d+),(\\d+)(?:-(?:\\d+,)?\\d+)?: `, 'g'))];
  if (starts.length === 0) {
    return [{ code: 'syntax-error', path: '', message: message.replace(/^Error: /, ''), location: filename }];
  }
  const issues = starts.slice(0, MAX_SYNTAX_ISSUES).map((match, k): JobspecIssue => {
    const end = starts[k + 1]?.index ?? message.length;
    const text = message
      .slice((match.index ?? 0) + match[0].length, end)
      .replace(/\]$/, '')
      .trim();
    const cut = text.indexOf('; ');
    const summary = cut < 0 ? text.replace(/;$/, '') : text.slice(0, cut);
    const detail = cut < 0 ? '' : text.slice(cut + 2).trim();
    const position = { line: Number(match[1]), column: Number(match[2]) };
    const { line, column } = input ? input.sourcePosition(position.line, position.column) : position;
    return {
      code: 'syntax-error',
      path: '',
      message: `${summary}${detail ? `: ${detail}` : ''}${hcl1Hint(summary, detail)}`,
      location: `${filename}:${line}:${column}`,
    };
  });
  if (starts.length > MAX_SYNTAX_ISSUES) {
    issues.push({
      code: 'syntax-error',
      path: '',
      message: `${starts.length - MAX_SYNTAX_ISSUES} more syntax errors not shown: fix the ones above first`,
      location: filename,
    });
  }
  return issues;
}

/** HCL1 forms Nomad 1.9 removed with its HCL1 parser, and how to write them now. */
function hcl1Hint(summary: string, detail: string): string {
  if (/Argument names must not be quoted/.test(detail)) {
    return (
      ' This is HCL1 syntax, which Nomad 1.9 no longer reads: write the name without quotes (region = "x"), and for ' +
      'keys that are not identifiers use the map attribute form, e.g. meta = { "a.b" = "x" }'
    );
  }
  if (/single-line block definition can contain only a single argument/.test(detail)) {
    return ' (HCL1 allowed this; HCL2 needs each nested block on a line of its own)';
  }
  if (summary === 'Invalid character' || summary === 'Invalid multi-line string') {
    return ' (is this an HCL file? HCL2 jobspecs are text; JSON jobs go in a .json file)';
  }
  return '';
}

/** A `-var-file`: HCL attributes or a JSON object, values only (Nomad evaluates them without variables). */
async function readVarFile(path: string): Promise<VarFileValues | { issues: JobspecIssue[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    return { issues: [{ code: 'required', path: '', message: `cannot read the var file: ${why}`, location: path }] };
  }
  if (path.endsWith('.json')) {
    try {
      const values = JSON.parse(text) as unknown;
      if (!values || typeof values !== 'object' || Array.isArray(values)) throw new Error('expected an object');
      const size = measure(values as HclData, MAX_EVALUATION_WORK);
      if (size.depth > MAX_VALUE_NESTING) {
        return {
          issues: [
            {
              code: 'limit-exceeded',
              path: '',
              message: `the values of this var file are nested more than ${MAX_VALUE_NESTING} levels deep, the limit`,
              location: path,
            },
          ],
        };
      }
      return { path, values: values as Record<string, HclData> };
    } catch (error) {
      return {
        issues: [
          {
            code: 'syntax-error',
            path: '',
            message: `a JSON var file holds one object of values: ${(error as Error).message}`,
            location: path,
          },
        ],
      };
    }
  }
  const input = prepareParserInput(text);
  if (isInputLimit(input)) return { issues: [limitIssue(input, path)] };
  const parsed = parseSyntax(input, path);
  if ('error' in parsed) return { issues: syntaxIssues(parsed.error, path, input) };
  const structure = scanBlocks(text);
  const json = parsed.json;
  const declarations = structure.blocks.filter((b) => b.type === 'variable');
  if (declarations.length > 0) {
    // types.variables.go collectInputVariableValues: "Variable declaration in a .var file".
    return {
      issues: declarations.map((block) => ({
        code: 'invalid-value' as const,
        path: '',
        message: `Variable declaration in a .var file: a var file sets values of variables the jobspec declares; write ${block.labels[0]} = <value> instead`,
        location: `${path}:${block.line}:${block.column}`,
      })),
    };
  }
  const scope: Scope = {
    variables: new Map(),
    local: () => {
      throw new HclEvaluationError('a var file holds values only');
    },
    functions: { baseDir: dirname(resolve(path)), allowFs: false, budget: new WorkBudget() },
  };
  const values: Record<string, HclData> = {};
  const issues: JobspecIssue[] = [];
  for (const [name, value] of Object.entries(json)) {
    try {
      values[name] = literalValue(value, scope);
    } catch (error) {
      if (!isJobspecExpressionError(error)) throw error;
      const at = structure.attributes.get(name);
      issues.push({
        code: error instanceof HclLimitError ? 'limit-exceeded' : 'evaluation-failed',
        path: `var.${name}`,
        message: messageOf(error),
        location: at ? `${path}:${at.line}:${at.column}` : path,
      });
    }
  }
  return issues.length > 0 ? { issues } : { path, values, positions: structure.attributes };
}

function literalValue(value: unknown, scope: Scope): HclData {
  if (typeof value === 'string') {
    return hasTemplateSequence(value) ? evaluate(parseTemplate(value), scope) : unescapeTemplate(value);
  }
  if (Array.isArray(value)) return value.map((item) => literalValue(item, scope));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literalValue(v, scope)]));
  }
  return value as HclData;
}

const TOP_LEVEL_BLOCKS = new Set(['job', 'variable', 'variables', 'locals']);

class Importer {
  private readonly issues: JobspecIssue[] = [];
  private readonly scope: Scope;
  private readonly localSources = new Map<string, unknown>();
  private readonly localValues = new Map<string, HclData>();
  /** Templates by their text, parsed once (a local's are read to find its dependencies, then evaluated). */
  private readonly templates = new Map<string, Expr>();

  constructor(
    private readonly source: SourceBody,
    private readonly json: Record<string, unknown>,
    /** Whether hcl2json read the source with a key label on every block (see keyedSource). */
    private readonly keyed: boolean,
    private readonly filename: string,
    private readonly options: ParseHclOptions,
    private readonly varFiles: readonly VarFileValues[],
  ) {
    const functions = {
      baseDir: options.baseDir ?? dirname(resolve(filename)),
      allowFs: options.allowFs ?? true,
      budget: new WorkBudget(),
    };
    this.scope = { variables: new Map(), local: (name) => this.local(name), functions };
  }

  run(): { job?: Job; issues: JobspecIssue[] } {
    for (const key of Object.keys(this.json)) {
      if (!TOP_LEVEL_BLOCKS.has(key)) {
        const at = this.source.attributes.get(key) ?? this.source.blocks.find((b) => b.type === key);
        this.issue(
          'unknown-field',
          key,
          `"${key}" is not allowed at the top of a jobspec; use job, variable, variables or locals`,
          at,
        );
      }
    }
    const topBlocks = (type: string) => this.source.blocks.filter((b) => b.type === type);
    const variables = resolveVariables(
      topBlocks('variable'),
      (block) => this.bodyOf(this.json.variable, block),
      topBlocks('variables').map((block) => ({ block, body: this.bodyOf(this.json.variables, block) ?? {} })),
      { vars: this.options.vars ?? {}, env: this.options.env ?? process.env, varFiles: this.varFiles },
      this.scope,
      (code, path, message, at) => this.issue(code, path, message, at),
      (value, path, at) => this.evaluateValue(value, this.scope, path, at),
    );
    // Without every variable's value, the job's expressions would only add follow-on errors.
    if (this.issues.length > 0) return { issues: this.issues };
    (this.scope.variables as Map<string, HclData>).set('var', variables);
    for (const block of topBlocks('locals')) {
      for (const [name, value] of Object.entries(this.bodyOf(this.json.locals, block) ?? {})) {
        if (this.localSources.has(name)) {
          this.issue('duplicate-name', `locals.${name}`, `local "${name}" is defined twice`, block);
        }
        this.localSources.set(name, value);
      }
    }

    const jobBlocks = topBlocks('job');
    if (jobBlocks.length !== 1) {
      this.issue(
        'required',
        '',
        `a jobspec needs exactly one job block, found ${jobBlocks.length}`,
        jobBlocks[1] ?? { line: 1, column: 1 },
      );
      return { issues: this.issues };
    }
    const sourceBlock = jobBlocks[0] as SourceBlock;
    const id = sourceBlock.labels[0] ?? '';
    const body = this.body(this.bodyOf(this.json.job, sourceBlock) ?? {}, sourceBlock.body, this.scope, `job["${id}"]`);
    if (this.issues.length > 0) return { issues: this.issues };

    // `id = "..."` in the body overrides the label (jobspec2 normalizeJob keeps a set ID).
    const { vault, id: idGiven, ...jobBody } = moveGroupVaults(hoistTopLevelTasks(body));
    const idAttribute = idGiven instanceof HclVariableValue ? idGiven.value : idGiven;
    const jobId = typeof idAttribute === 'string' ? idAttribute : id;
    const positions = new Map<string, SourcePosition>();
    const references = new Map<string, HclVariableValue>();
    const decodeOptions = { strings: 'evaluated' as const, filename: this.filename, positions, variables: references };
    const decoded = decodeHclBodyLeniently(S.Job, jobBody, '', decodeOptions, {
      line: sourceBlock.line,
      column: sourceBlock.column,
      attributes: sourceBlock.body.attributes,
    });
    const named = (issues: readonly JobspecIssue[]) =>
      issues.map((issue) => {
        if (issue.code !== 'unknown-field') return { ...issue, hclPath: hclPathOf(issue.path, jobId) };
        // The last segment of an unknown field is the name as written, already in HCL.
        const cut = issue.path.lastIndexOf('.');
        const parent = cut < 0 ? '' : issue.path.slice(0, cut);
        return { ...issue, hclPath: `${hclPathOf(parent, jobId)}.${issue.path.slice(cut + 1)}` };
      });
    this.issues.push(...named(decoded.issues));
    let jobVault: Props | undefined;
    if (vault !== undefined) {
      const vaultBlock = vault instanceof HclBlocks ? vault.items[0] : undefined;
      const decodedVault = decodeHclBodyLeniently(S.Vault, blockBodyOf(vault), 'vault', decodeOptions, vaultBlock);
      this.issues.push(...named(decodedVault.issues));
      jobVault = decodedVault.props;
    }
    const job = new Job(applyParserDefaults({ id: jobId, ...decoded.props }, jobVault) as unknown as JobProps);
    attachSource(job, {
      filename: this.filename,
      id: jobId,
      positions,
      variables: { values: this.scope.variables.get('var') as Record<string, HclData>, references },
    });
    return { job, issues: this.issues };
  }

  private local(name: string): HclData {
    if (this.localValues.has(name)) return this.localValues.get(name) as HclData;
    if (!this.localSources.has(name)) {
      throw new HclEvaluationError(
        `there is no local "${name}"; defined: ${[...this.localSources.keys()].join(', ') || 'none'}`,
      );
    }
    // Each local is evaluated after the locals it refers to, so that evaluating one never recurses into the next,
    // however long the chain; its value may nest only so deep, so that chained locals cannot build deeper ones.
    for (const next of this.localOrder(name)) {
      const value = this.evaluateData(this.localSources.get(next), this.scope);
      checkValue(measure(value, MAX_EVALUATION_WORK), `local.${next}`);
      this.localValues.set(next, value);
    }
    return this.localValues.get(name) as HclData;
  }

  /** `name` and the locals it needs that have no value yet, each after the ones it refers to. */
  private localOrder(name: string): string[] {
    const order: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: { name: string; needs: string[]; next: number }[] = [];
    const enter = (local: string) => {
      state.set(local, 'open');
      path.push({ name: local, needs: this.localDependencies(local), next: 0 });
    };
    enter(name);
    while (path.length > 0) {
      const top = path[path.length - 1] as (typeof path)[number];
      const need = top.needs[top.next++];
      if (need === undefined) {
        state.set(top.name, 'done');
        order.push(top.name);
        path.pop();
      } else if (this.localSources.has(need) && !this.localValues.has(need)) {
        if (state.get(need) === 'open') {
          const cycle = [...path.slice(path.findIndex((p) => p.name === need)).map((p) => p.name), need];
          throw new HclEvaluationError(`local "${need}" refers to itself: ${cycle.join(' -> ')}`);
        }
        if (state.get(need) === undefined) enter(need);
      }
    }
    return order;
  }

  /** The locals a local's expressions refer to; a template that does not parse refers to none (its error comes later). */
  private localDependencies(name: string): string[] {
    const needs = new Set<string>();
    const values: unknown[] = [this.localSources.get(name)];
    while (values.length > 0) {
      const value = values.pop();
      const strings = typeof value === 'string' ? [value] : [];
      if (Array.isArray(value)) values.push(...value);
      else if (value && typeof value === 'object') {
        for (const [key, item] of Object.entries(value)) {
          strings.push(key);
          values.push(item);
        }
      }
      for (const text of strings) {
        if (!hasTemplateSequence(text)) continue;
        try {
          for (const local of referencedLocals(this.template(text))) needs.add(local);
        } catch (error) {
          if (!isJobspecExpressionError(error)) throw error;
        }
      }
    }
    return [...needs];
  }

  private template(text: string): Expr {
    let parsed = this.templates.get(text);
    if (!parsed) {
      parsed = parseTemplate(text);
      this.templates.set(text, parsed);
    }
    return parsed;
  }

  // ---- bodies ----

  /**
   * Evaluates a body: attributes become values (an object constructor is marked as one, see
   * {@link HclObjectLiteral}), blocks become {@link HclBlocks} in source order, and `dynamic` blocks are expanded in
   * place.
   */
  private body(json: HclJsonBody, source: SourceBody | undefined, scope: Scope, path: string): HclJsonBody {
    const out: Record<string, unknown> = {};
    const blockTypes = new Set(source?.blocks.map((b) => b.type));
    for (const [key, value] of Object.entries(json)) {
      if (blockTypes.has(key)) continue;
      const evaluated = this.evaluateValue(value, scope, `${path}.${key}`, source?.attributes.get(key));
      const objectLiteral = value !== null && typeof value === 'object' && !Array.isArray(value);
      const fromVariables = typeof value === 'string' && evaluated !== null ? variableExpression(value) : undefined;
      out[key] =
        objectLiteral && evaluated && typeof evaluated === 'object' && !Array.isArray(evaluated)
          ? new HclObjectLiteral(evaluated as Readonly<Record<string, HclData>>)
          : fromVariables
            ? new HclVariableValue(evaluated, fromVariables.typescript, fromVariables.variables)
            : evaluated;
    }
    if (!source) return out;

    const collected = new Map<string, EvaluatedBlock[]>();
    const add = (type: string, block: EvaluatedBlock) => {
      if (!collected.has(type)) collected.set(type, []);
      (collected.get(type) as EvaluatedBlock[]).push(block);
    };
    for (const block of source.blocks) {
      const blockJson = this.bodyOf(json[block.type], block);
      if (!blockJson) continue;
      if (block.type === 'dynamic') {
        for (const expanded of this.dynamic(block, blockJson, scope, path)) add(block.labels[0] as string, expanded);
        continue;
      }
      const blockPath = `${path}.${block.type}${block.labels.map((l) => `["${l}"]`).join('')}`;
      add(block.type, {
        labels: block.labels,
        body: this.body(blockJson, block.body, scope, blockPath),
        line: block.line,
        column: block.column,
        attributes: block.body.attributes,
      });
    }
    for (const [type, blocks] of collected) out[type] = new HclBlocks(blocks);
    return out;
  }

  /** `dynamic "port" { for_each = ..., iterator = p, labels = [...], content { ... } }` -> one block per element. */
  private dynamic(block: SourceBlock, json: HclJsonBody, scope: Scope, path: string): EvaluatedBlock[] {
    const type = block.labels[0] as string;
    const where = `${path}.dynamic["${type}"]`;
    const at = (name: string) => block.body.attributes.get(name) ?? block;
    const iterator = typeof json.iterator === 'string' ? json.iterator.replace(/^\$\{(.*)\}$/, '$1') : type;
    const collection = this.evaluateValue(json.for_each, scope, `${where}.for_each`, at('for_each'));
    const contentSource = block.body.blocks.find((b) => b.type === 'content');
    const contentJson = contentSource ? this.bodyOf(json.content, contentSource) : undefined;
    if (!contentJson || !contentSource) {
      this.issue('required', where, 'a dynamic block needs a content block', block);
      return [];
    }
    // A null for_each is a failed evaluation, already reported.
    let pairs: [HclData, HclData][] = [];
    if (collection !== null) {
      try {
        pairs = entries(collection);
      } catch (error) {
        if (!isJobspecExpressionError(error)) throw error;
        this.issue('invalid-type', `${where}.for_each`, messageOf(error), at('for_each'));
      }
    }
    return pairs.map(([key, value]) => {
      const inner = withNames(scope, { [iterator]: { key, value } });
      const labels =
        json.labels === undefined ? [] : this.evaluateValue(json.labels, inner, `${where}.labels`, at('labels'));
      const labelList = Array.isArray(labels) ? labels.map(String) : [];
      return {
        labels: labelList,
        body: this.body(contentJson, contentSource.body, inner, where),
        line: contentSource.line,
        column: contentSource.column,
        attributes: contentSource.body.attributes,
      };
    });
  }

  // ---- values ----

  private evaluateValue(value: unknown, scope: Scope, path: string, at: SourcePosition | undefined): HclData {
    try {
      return this.evaluateData(value, scope);
    } catch (error) {
      if (!isJobspecExpressionError(error)) throw error;
      this.issue(error instanceof HclLimitError ? 'limit-exceeded' : 'evaluation-failed', path, messageOf(error), at);
      return null;
    }
  }

  /** hcl2json values: strings holding templates are evaluated, the rest read as literals. */
  private evaluateData(value: unknown, scope: Scope): HclData {
    if (typeof value === 'string') {
      return hasTemplateSequence(value) ? evaluate(this.template(value), scope) : unescapeTemplate(value);
    }
    if (Array.isArray(value)) return value.map((item) => this.evaluateData(item, scope));
    if (value && typeof value === 'object') {
      const out: Record<string, HclData> = {};
      for (const [key, item] of Object.entries(value)) {
        const name = hasTemplateSequence(key) ? String(evaluate(this.template(key), scope)) : unescapeTemplate(key);
        out[name] = this.evaluateData(item, scope);
      }
      return out;
    }
    return value as HclData;
  }

  /**
   * The hcl2json body of a block: `{"group": {"web": [body, ...]}}` by its labels and occurrence, or, keyed,
   * `{"group": {"#3": {"web": [body]}}}` by its key.
   */
  private bodyOf(value: unknown, block: SourceBlock): HclJsonBody | undefined {
    let current = this.keyed ? (value as Record<string, unknown> | undefined)?.[block.key] : value;
    for (const label of block.labels) {
      if (!current || typeof current !== 'object' || Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[label];
    }
    return asBodies(current)[this.keyed ? 0 : block.occurrence];
  }

  private issue(code: JobspecIssue['code'], path: string, message: string, at: SourcePosition | undefined): void {
    this.issues.push({
      code,
      path,
      message,
      ...(at !== undefined ? { location: `${this.filename}:${at.line}:${at.column}` } : {}),
    });
  }
}

/**
 * The TypeScript for an attribute written with input variables only: `var.image` is `vars.image`, and
 * `"${var.name}-web"` the template literal `` `${vars.name}-web` ``. Anything else (functions, locals, other
 * expressions) is written as its value.
 */
function variableExpression(raw: string): { typescript: string; variables: string[] } | undefined {
  if (!hasTemplateSequence(raw)) return undefined;
  let parts: readonly TemplatePart[];
  try {
    const expr = parseTemplate(raw);
    if (expr.kind !== 'template') return undefined;
    parts = expr.parts;
  } catch {
    return undefined;
  }
  const variables: string[] = [];
  let literal = '';
  for (const part of parts) {
    if (part.kind === 'text') {
      literal += part.text.replace(/[\\`]/g, (c) => `\\${c}`).replace(/\$\{/g, '\\${');
      continue;
    }
    if (part.kind !== 'interpolation') return undefined;
    const expr = part.expr;
    const [step] = expr.kind === 'traversal' ? expr.steps : [];
    if (expr.kind !== 'traversal' || expr.root !== 'var' || expr.steps.length !== 1 || step?.kind !== 'attr') {
      return undefined;
    }
    variables.push(step.name);
    literal += `\${${varsAccess(step.name)}}`;
  }
  if (variables.length === 0) return undefined;
  const [only] = parts;
  const typescript =
    parts.length === 1 && only?.kind === 'interpolation' ? varsAccess(variables[0] as string) : `\`${literal}\``;
  return { typescript, variables };
}

function varsAccess(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `vars.${name}` : `vars[${JSON.stringify(name)}]`;
}

function asBodies(value: unknown): HclJsonBody[] {
  if (Array.isArray(value))
    return value.filter((v): v is HclJsonBody => !!v && typeof v === 'object' && !Array.isArray(v));
  return value && typeof value === 'object' ? [value as HclJsonBody] : [];
}

/** Nomad accepts `task` blocks directly in `job`, each becoming a group of its own name, first (jobspec2 normalizeJob). */
function hoistTopLevelTasks(body: HclJsonBody): HclJsonBody {
  const tasks = body.task;
  if (!(tasks instanceof HclBlocks)) return body;
  const { task: _, ...rest } = body;
  const groups = tasks.items.map((task) => ({
    labels: task.labels,
    body: { task: new HclBlocks([task]) },
    ...(task.line !== undefined ? { line: task.line } : {}),
  }));
  const existing = rest.group instanceof HclBlocks ? rest.group.items : [];
  return { ...rest, group: new HclBlocks([...groups, ...existing]) };
}

/** A group's `vault` block applies to its tasks that have none (jobspec2 `decodeTaskGroup`). */
function moveGroupVaults(body: HclJsonBody): HclJsonBody {
  if (!(body.group instanceof HclBlocks)) return body;
  const groups = body.group.items.map((group) => {
    const { vault, ...rest } = group.body;
    if (!(vault instanceof HclBlocks)) return group;
    const tasks =
      rest.task instanceof HclBlocks
        ? new HclBlocks(
            rest.task.items.map((task) =>
              task.body.vault === undefined ? { ...task, body: { ...task.body, vault } } : task,
            ),
          )
        : rest.task;
    return { ...group, body: { ...rest, ...(tasks ? { task: tasks } : {}) } };
  });
  return { ...body, group: new HclBlocks(groups) };
}

function blockBodyOf(value: unknown): HclJsonBody {
  return value instanceof HclBlocks ? (value.items[0]?.body ?? {}) : (value as HclJsonBody);
}

type Props = Record<string, unknown>;

/**
 * What Nomad's parser fills in after decoding (jobspec2 `normalizeJob`), so an
 * imported job is the job `nomad job run` would submit: template and change
 * script defaults, vault defaults, and a job-level `vault` block copied to
 * every task without its own.
 */
export function applyParserDefaults(job: Props, jobVault: Props | undefined): Props {
  const vaultDefaults = (vault: Props): Props => ({
    ...vault,
    env: vault.env ?? true,
    changeMode: vault.changeMode ?? 'restart',
  });
  for (const group of (job.groups ?? []) as Props[]) {
    const scaling = group.scaling as Props | undefined;
    if (scaling && scaling.type === undefined) group.scaling = { ...scaling, type: 'horizontal' };
    for (const task of (group.tasks ?? []) as Props[]) {
      if (task.vault) task.vault = vaultDefaults(task.vault as Props);
      else if (jobVault) task.vault = vaultDefaults(jobVault);
      task.templates = (task.templates as Props[] | undefined)?.map((template) => {
        const out: Props = {
          ...template,
          changeMode: template.changeMode ?? 'restart',
          perms: template.perms ?? '0644',
          splay: template.splay ?? Duration.seconds(5),
          errorOnMissingKey: template.errorOnMissingKey ?? false,
        };
        const script = template.changeScript as Props | undefined;
        if (script) {
          out.changeScript = {
            ...script,
            args: script.args ?? [],
            timeout: script.timeout ?? Duration.seconds(5),
            failOnError: script.failOnError ?? false,
          };
        }
        return out;
      });
      if (task.templates === undefined) delete task.templates;
    }
  }
  return job;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
